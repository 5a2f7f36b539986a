"""Load the Lipa & Co. demo: languages, home page, demo users and policies with a history.

Idempotent: what exists is left alone, so a second run changes nothing. Policy versions are
recorded the way an editor creates them (save a revision, publish it), backdated with
``publication_time`` so that the history spans more than a year and the privacy policy has
an upcoming major version. The customers get addresses, orders, invoices and a contract
(Bor with an unpaid order, which blocks deleting his account), the shop its consent purposes
and cookie categories in four languages, and Ana a few consents. A "Privacy officers" group
holds the privacy centre's permissions, and the officer (not a superuser) is in it. The breach
register holds one breach, detected three days before loading and reported to the authority
in time, whose customers are not told yet.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Locale, Page, PageLogEntry, Revision, Site

from shop import demo_content as demo
from shop.models import Address, Contract, CustomerProfile, HomePage, Invoice, Order
from wagtail_privacy.admin.viewsets import PrivacyViewSetGroup
from wagtail_privacy.breaches.models import Breach
from wagtail_privacy.conf import privacy_settings
from wagtail_privacy.consent import service as consent_service
from wagtail_privacy.consent.models import Channel, ConsentPurpose
from wagtail_privacy.cookies.models import CookieCategory, CookieItem
from wagtail_privacy.policies.models import PolicyVersionText
from wagtail_privacy.policies.pages import PolicyPage
from wagtail_privacy.policies.services import publication_time
from wagtail_privacy.recipients.models import Recipient

#: The privacy officer: the privacy centre without being a superuser (the password follows
#: the demo's convention, ``<role>-demo``).
OFFICER = {
    "username": "officer",
    "password": "officer-demo",
    "email": "officer@lipa-co.example",
    "first_name": "Maja",
    "last_name": "Hrast",
}
OFFICERS_GROUP = "Privacy officers"


def officer_permissions():
    """*Can access Wagtail admin*, and what Settings → Groups offers for the privacy centre:
    its own permission and the model permissions of its screens."""
    admin = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    return list(admin) + list(PrivacyViewSetGroup().get_permissions_to_register())


class Command(BaseCommand):
    help = "Create the Lipa & Co. demo content (safe to run again: it changes nothing then)."

    def handle(self, *args, **options):
        self.changes = 0
        self.now = timezone.now()
        with transaction.atomic():
            locales = self.ensure_locales()
            editor = self.ensure_users()
            self.ensure_privacy_officer()
            home = self.ensure_home(locales, editor)
        for policy in demo.POLICIES:
            with transaction.atomic():
                self.ensure_policy(policy, home, locales, editor)
        with transaction.atomic():
            self.ensure_shop_records()
            self.ensure_guest_orders()
        with transaction.atomic():
            self.ensure_consent_purposes(locales)
            self.ensure_consents()
            self.ensure_wording_revisions(locales)
        with transaction.atomic():
            self.ensure_recipients(locales)
        with transaction.atomic():
            self.ensure_cookie_categories(locales)
        with transaction.atomic():
            self.ensure_breach()

        if self.changes:
            self.stdout.write(self.style.SUCCESS(f"Demo loaded ({self.changes} changes)."))
        else:
            self.stdout.write(self.style.SUCCESS("Nothing to do: the demo data is already loaded."))
        self.print_summary()

    # ----------------------------------------------------------------------------------------

    def done(self, message):
        self.changes += 1
        self.stdout.write(f"  + {message}")

    def ensure_locales(self):
        locales = {}
        for language in demo.LANGUAGES:
            locale, created = Locale.objects.get_or_create(language_code=language)
            if created:
                self.done(f"locale {language}")
            locales[language] = locale
        return locales

    def ensure_users(self):
        User = get_user_model()
        editor = None
        for spec, is_editor in [(demo.EDITOR, True)] + [(c, False) for c in demo.CUSTOMERS]:
            user = User.objects.filter(username=spec["username"]).first()
            if user is None:
                fields = {k: spec[k] for k in ("email", "first_name", "last_name")}
                create = User.objects.create_superuser if is_editor else User.objects.create_user
                user = create(spec["username"], password=spec["password"], **fields)
                self.done(f"user {spec['username']} ({spec['email']})")
            if is_editor:
                editor = user
            elif spec.get("language"):
                _profile, created = CustomerProfile.objects.get_or_create(
                    user=user, defaults={"language": spec["language"]}
                )
                if created:
                    self.done(f"profile of {spec['username']} ({spec['language']})")
        return editor

    def ensure_privacy_officer(self):
        group, created = Group.objects.get_or_create(name=OFFICERS_GROUP)
        if created:
            self.done(f"group {OFFICERS_GROUP}")
        missing = [p for p in officer_permissions() if not group.permissions.filter(pk=p.pk)]
        if missing:
            group.permissions.add(*missing)
            self.done(f"group {OFFICERS_GROUP}: " + ", ".join(sorted(p.codename for p in missing)))
        User = get_user_model()
        officer = User.objects.filter(username=OFFICER["username"]).first()
        if officer is None:
            fields = {k: OFFICER[k] for k in ("email", "first_name", "last_name")}
            officer = User.objects.create_user(
                OFFICER["username"], password=OFFICER["password"], **fields
            )
            self.done(f"user {OFFICER['username']} ({OFFICER['email']}), privacy officer")
        if not officer.groups.filter(pk=group.pk).exists():
            officer.groups.add(group)
            self.done(f"{OFFICER['username']} joins {OFFICERS_GROUP}")

    def ensure_home(self, locales, editor):
        site = Site.objects.filter(is_default_site=True).first()
        root = Page.get_first_root_node()
        home = None
        if site is not None and isinstance(site.root_page.specific, HomePage):
            home = site.root_page.specific
        if home is None:
            home = HomePage.objects.filter(depth=2, locale=locales["en"]).first()
        if home is None:
            home = self.create_home(site, root, locales["en"], editor)
        # The site's address is the demo's (DJANGO_BASE_URL, DEMO_PORT in dev.py): links in
        # emails point at the server that runs.
        address = urlsplit(settings.BASE_URL)
        hostname = address.hostname or "127.0.0.1"
        port = address.port or (443 if address.scheme == "https" else 80)
        if site is None:
            site = Site.objects.create(
                hostname=hostname,
                port=port,
                root_page=home,
                is_default_site=True,
                site_name=settings.WAGTAIL_SITE_NAME,
            )
            self.done("default site")
        elif site.root_page_id != home.pk or (site.hostname, site.port) != (hostname, port):
            site.root_page = home
            site.hostname, site.port = hostname, port
            site.site_name = settings.WAGTAIL_SITE_NAME
            site.save()
            self.done(f"default site now serves the Lipa & Co. home page at {settings.BASE_URL}")

        for language in demo.LANGUAGES[1:]:
            translation = home.get_translation_or_none(locales[language])
            if translation is None:
                translation = home.copy_for_translation(locales[language])
                self.done(f"home page translation ({language})")
            translation = HomePage.objects.get(pk=translation.pk)
            if not translation.live:
                translation.title = demo.HOME[language]["title"]
                translation.intro = demo.HOME[language]["intro"]
                translation.save_revision(user=editor).publish(user=editor)
                self.done(f"published home page ({language})")
        return home

    def create_home(self, site, root, locale, editor):
        # Replace Wagtail's "Welcome to your new Wagtail site!" page if it is still there.
        welcome = site.root_page if site is not None else None
        if (
            welcome is not None
            and welcome.specific_class is Page
            and welcome.depth == 2
            and not welcome.get_children().exists()
        ):
            Site.objects.filter(pk=site.pk).update(root_page=root)
            welcome.delete()
            self.done("removed Wagtail's welcome page")
        slug = demo.HOME["slug"]
        if root.get_children().filter(slug=slug).exists():
            slug = "lipa-co"
        home = HomePage(
            title=demo.HOME["en"]["title"],
            slug=slug,
            intro=demo.HOME["en"]["intro"],
            locale=locale,
            live=False,
        )
        root.add_child(instance=home)
        home.save_revision(user=editor).publish(user=editor)
        self.done("home page Lipa & Co.")
        return HomePage.objects.get(pk=home.pk)

    # ----------------------------------------------------------------------------------------

    def ensure_policy(self, policy, home, locales, editor):
        first = policy["versions"][0]
        page = PolicyPage.objects.child_of(home).filter(slug=policy["slug"]).first()
        if page is None:
            page = PolicyPage(
                title=policy["title"]["en"],
                slug=policy["slug"],
                kind=policy["kind"],
                requires_acceptance=policy["requires_acceptance"],
                body=demo.version_body(policy, first, "en"),
                locale=locales["en"],
                live=False,
            )
            home.add_child(instance=page)
            self.done(f"policy page {policy['slug']} (en)")
        pages = {"en": page}
        for language in demo.LANGUAGES[1:]:
            translation = page.get_translation_or_none(locales[language])
            if translation is None:
                translation = page.copy_for_translation(locales[language], copy_parents=True)
                self.done(f"policy page {policy['slug']} ({language})")
            pages[language] = translation

        for number, version in enumerate(policy["versions"], start=1):
            published_at, effective_at = self.version_dates(version)
            with publication_time(published_at):
                for language in demo.LANGUAGES:
                    recorded = PolicyVersionText.objects.filter(
                        version__policy__translation_key=page.translation_key,
                        version__number=number,
                        locale=locales[language],
                    ).exists()
                    if recorded:
                        continue
                    self.publish(
                        pages[language],
                        editor=editor,
                        at=published_at,
                        title=policy["title"][language],
                        body=demo.version_body(policy, version, language),
                        change_level=version["change_level"],
                        change_summary=version["summary"][language],
                        effective_at=effective_at,
                    )
                    self.done(
                        f"{policy['slug']} v{number} ({version['change_level']}, {language}), "
                        f"published {timezone.localtime(published_at):%Y-%m-%d}"
                        + (
                            f", effective {timezone.localtime(effective_at):%Y-%m-%d %H:%M}"
                            if effective_at
                            else ""
                        )
                    )

    def version_dates(self, version):
        """When a demo version was published and when it takes effect (None: at once)."""
        published_at = self.now - timedelta(days=version["published_days_ago"])
        effective_at = None
        if version["effective_day"] is not None:
            day = timezone.localdate(self.now) + timedelta(days=version["effective_day"])
            effective_at = timezone.make_aware(datetime.combine(day, time.min))
            if version["change_level"] == "major":
                # Keep the advance-notice period whatever the time of day and NOTICE_DAYS.
                notice = timedelta(days=privacy_settings.NOTICE_DAYS)
                published_at = min(published_at, effective_at - notice)
        return published_at, effective_at

    def publish(self, page, *, editor, at, **fields):
        """Publish ``page`` with ``fields`` as an editor would, dated ``at``."""
        page = PolicyPage.objects.get(pk=page.pk)
        for name, value in fields.items():
            setattr(page, name, value)
        revision = page.save_revision(user=editor)
        revision.publish(user=editor)
        # Date the page's own history (revisions, log, publication dates) like the version.
        Revision.objects.filter(pk=revision.pk).update(created_at=at)
        PageLogEntry.objects.filter(revision=revision).update(timestamp=at)
        pages = Page.objects.filter(pk=page.pk)
        pages.update(last_published_at=at, latest_revision_created_at=at)
        pages.filter(first_published_at__gt=at).update(first_published_at=at)

    # ----------------------------------------------------------------------------------------
    # The shop's records of each customer: addresses, orders, invoices, a contract

    def ensure_shop_records(self):
        User = get_user_model()
        for username, records in demo.SHOP_RECORDS.items():
            customer = User.objects.get(username=username)
            full_name = customer.get_full_name()
            addresses = []
            for spec in records["addresses"]:
                address, created = Address.objects.get_or_create(
                    customer=customer, street=spec["street"], city=spec["city"], defaults=spec
                )
                if created:
                    self.done(f"address of {username}: {address}")
                addresses.append(address)
            for spec in records["orders"]:
                self.ensure_order(customer, spec, addresses[spec["address"]], records["vat_id"])
            contract = records["contract"]
            if not Contract.objects.filter(
                customer=customer, terms_version=contract["terms_version"]
            ).exists():
                signed_at = self.now - timedelta(days=contract["days_ago"])
                Contract.objects.create(
                    customer=customer,
                    signed_at=signed_at,
                    terms_version=contract["terms_version"],
                    customer_name=full_name,
                    customer_email=customer.email,
                )
                self.done(
                    f"contract of {username} (terms {contract['terms_version']}), "
                    f"signed {timezone.localtime(signed_at):%Y-%m-%d}"
                )

    def ensure_guest_orders(self):
        for spec in demo.GUEST_ORDERS:
            _order, created = Order.objects.get_or_create(
                number=spec["number"],
                defaults={
                    "email": spec["email"],
                    "placed_at": self.now - timedelta(days=spec["days_ago"]),
                    "total": Decimal(spec["total"]),
                    "status": spec["status"],
                    "delivery_name": spec["name"],
                    "delivery_street": spec["street"],
                    "delivery_postcode": spec["postcode"],
                    "delivery_city": spec["city"],
                    "customer_note": spec["note"],
                },
            )
            if created:
                self.done(f"guest order {spec['number']}")

    def ensure_order(self, customer, spec, address, vat_id):
        placed_at = self.now - timedelta(days=spec["days_ago"])
        order, created = Order.objects.get_or_create(
            number=spec["number"],
            defaults={
                "customer": customer,
                "placed_at": placed_at,
                "total": Decimal(spec["total"]),
                "status": spec["status"],
                "delivery_name": address.name,
                "delivery_street": address.street,
                "delivery_postcode": address.postcode,
                "delivery_city": address.city,
                "customer_note": spec["note"],
            },
        )
        if created:
            self.done(
                f"order {order.number} of {customer.username} ({order.status}, "
                f"{order.total} EUR, {timezone.localtime(placed_at):%Y-%m-%d})"
            )
        if order.status == Order.Status.UNPAID:
            return
        number = order.number.replace("LC-", "INV-")
        if Invoice.objects.filter(number=number).exists():
            return
        Invoice.objects.create(
            customer=order.customer,
            order=order,
            number=number,
            issued_at=order.placed_at + timedelta(hours=2),
            amount=order.total,
            billing_name=customer.get_full_name(),
            billing_address=f"{address.street}\n{address.postcode} {address.city}\n"
            f"{address.country}",
            vat_id=vat_id,
        )
        self.done(f"invoice {number} for order {order.number}")

    # ----------------------------------------------------------------------------------------
    # Consent purposes (one snippet per language, sharing a translation key) and consents

    def ensure_consent_purposes(self, locales):
        for spec in demo.CONSENT_PURPOSES:
            purpose = ConsentPurpose.objects.filter(key=spec["key"], locale=locales["en"]).first()
            if purpose is None:
                purpose = ConsentPurpose(
                    key=spec["key"],
                    locale=locales["en"],
                    sort_order=spec["sort_order"],
                    renew_on_wording_change=spec.get("renew_on_wording_change", False),
                    valid_for=spec.get("valid_for", ""),
                    legal_basis=spec.get("legal_basis", "consent"),
                    direct_marketing=spec.get("direct_marketing", False),
                    **{channel: channel in spec["channels"] for channel in Channel.values},
                    **spec["text"]["en"],
                )
                purpose.save()
                self.done(f"consent purpose {spec['key']} (en)")
            for language in demo.LANGUAGES[1:]:
                if purpose.get_translation_or_none(locales[language]) is not None:
                    continue
                translation = purpose.copy_for_translation(locales[language])
                for name, value in spec["text"][language].items():
                    setattr(translation, name, value)
                translation.save()
                self.done(f"consent purpose {spec['key']} ({language})")

    def ensure_cookie_categories(self, locales):
        """The cookie banner's categories, each with its cookies, in every language."""
        for spec in demo.COOKIE_CATEGORIES:
            category = CookieCategory.objects.filter(key=spec["key"], locale=locales["en"]).first()
            if category is None:
                category = self.cookie_category(spec, "en", locales)
                self.done(f"cookie category {spec['key']} (en)")
            for language in demo.LANGUAGES[1:]:
                if category.get_translation_or_none(locales[language]) is None:
                    self.cookie_category(spec, language, locales, original=category)
                    self.done(f"cookie category {spec['key']} ({language})")

    def cookie_category(self, spec, language, locales, original=None):
        category = CookieCategory(
            key=spec["key"],
            locale=locales[language],
            necessary=spec["necessary"],
            marketing=spec["marketing"],
            sort_order=spec["sort_order"],
            **spec["text"][language],
        )
        if original is not None:
            category.translation_key = original.translation_key
        category.cookies = [
            CookieItem(
                name=cookie["name"],
                provider=cookie["provider"],
                duration=cookie["duration"][language],
                purpose=cookie["purpose"][language],
                sort_order=position,
            )
            for position, cookie in enumerate(spec["cookies"])
        ]
        category.save()
        return category

    def ensure_recipients(self, locales):
        for spec in demo.RECIPIENTS:
            if not Recipient.objects.filter(key=spec["key"], locale=locales["en"]).exists():
                Recipient.objects.create(locale=locales["en"], **spec)
                self.done(f"recipient {spec['key']}")

    def ensure_breach(self):
        """The demo's breach (``demo.BREACH``), recorded by the privacy officer; once."""
        spec = demo.BREACH
        if Breach.objects.filter(title=spec["title"]).exists():
            return
        day = timezone.localdate(self.now) - timedelta(days=spec["detected_days_ago"])
        detected = timezone.make_aware(datetime.combine(day, time(*spec["detected_at"])))
        fields = {
            name: spec[name]
            for name in (
                "title",
                "what_happened",
                "data_categories",
                "people_affected",
                "records_affected",
                "consequences",
                "measures",
                "high_risk",
            )
        }
        breach = Breach(
            detected_at=detected,
            authority_notified_at=detected
            + timedelta(hours=spec["authority_notified_after_hours"]),
            **fields,
        )
        breach.full_clean()
        breach.save()
        officer = get_user_model().objects.get(username=OFFICER["username"])
        log(breach, "wagtail.create", user=officer)
        self.done(f"breach {spec['title']!r} (authority notified, customers not yet)")

    def ensure_consents(self):
        User = get_user_model()
        for username, key, channel, days_ago, source in demo.DEMO_CONSENTS:
            customer = User.objects.get(username=username)
            if (key, channel) in consent_service.current_records(customer):
                continue  # the customer has decided since: leave it
            consent_service.record(
                customer,
                key,
                channel,
                True,
                source=source,
                now=self.now - timedelta(days=days_ago),
            )
            self.done(f"consent of {username}: {key} by {channel}")

    def ensure_wording_revisions(self, locales):
        """Version 2 of a purpose's wording, as an editor would publish it after the demo
        consents: customers who agreed to version 1 are asked to agree again."""
        for key, texts in demo.REVISIONS.items():
            purpose = ConsentPurpose.objects.get(key=key, locale=locales["en"])
            if purpose.wording_version >= 2:
                continue
            for language, wording in texts.items():
                translation = purpose.get_translation_or_none(locales[language])
                if translation is None:
                    continue
                translation.wording, translation.wording_version = wording, 2
                translation.save()
            self.done(f"consent purpose {key}: wording version 2")

    # ----------------------------------------------------------------------------------------

    def print_summary(self):
        base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        write = self.stdout.write
        write("")
        write("Lipa & Co. demo shop (start it with: python example_site/manage.py runserver)")
        write(f"  Site        {base}/  (also {base}/sl/, {base}/sq/, {base}/hr/)")
        write(f"  Admin       {base}/admin/")
        write(f"  Storefront  {base}/storefront/")
        write(f"  API         {base}/api/privacy/v1/policies/")
        write(f"  OpenAPI     {base}/api/privacy/v1/openapi.json")
        write("")
        write("Demo logins")
        write(f"  Editor (Wagtail admin)  {demo.EDITOR['username']} / {demo.EDITOR['password']}")
        write(
            f"  Privacy officer (Wagtail admin, {OFFICERS_GROUP}, not a superuser)  "
            f"{OFFICER['username']} / {OFFICER['password']}"
        )
        for customer in demo.CUSTOMERS:
            write(
                f"  Customer  {customer['email']} / {customer['password']}"
                f"  (username {customer['username']})"
            )
        write("")
        write(
            "Bor has an unpaid order (LC-1042): deleting his account is blocked until it is paid."
        )
        write(
            f"The breach register ({base}/admin/privacy/breaches/) holds a breach reported to "
            "the authority; its customers are not told yet."
        )
