"""Load the Lipa & Co. demo: languages, home page, demo users and policies with a history.

Idempotent: what exists is left alone, so a second run changes nothing. Policy versions are
recorded the way an editor creates them (save a revision, publish it), backdated with
``publication_time`` so that the history spans more than a year and the privacy policy has
an upcoming major version.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale, Page, PageLogEntry, Revision, Site

from shop import demo_content as demo
from shop.models import CustomerProfile, HomePage
from wagtail_privacy.conf import privacy_settings
from wagtail_privacy.policies.models import PolicyVersionText
from wagtail_privacy.policies.pages import PolicyPage
from wagtail_privacy.policies.services import publication_time


class Command(BaseCommand):
    help = "Create the Lipa & Co. demo content (safe to run again: it changes nothing then)."

    def handle(self, *args, **options):
        self.changes = 0
        self.now = timezone.now()
        with transaction.atomic():
            locales = self.ensure_locales()
            editor = self.ensure_users()
            home = self.ensure_home(locales, editor)
        for policy in demo.POLICIES:
            with transaction.atomic():
                self.ensure_policy(policy, home, locales, editor)

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
        if site is None:
            site = Site.objects.create(
                hostname="127.0.0.1",
                port=8000,
                root_page=home,
                is_default_site=True,
                site_name=settings.WAGTAIL_SITE_NAME,
            )
            self.done("default site")
        elif site.root_page_id != home.pk:
            site.root_page = home
            site.hostname, site.port = "127.0.0.1", 8000
            site.site_name = settings.WAGTAIL_SITE_NAME
            site.save()
            self.done("default site now serves the Lipa & Co. home page")

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
        for customer in demo.CUSTOMERS:
            write(
                f"  Customer  {customer['email']} / {customer['password']}"
                f"  (username {customer['username']})"
            )
