"""Every URL of the privacy admin, walked from the URL resolver, for every kind of user.

Nothing here lists the privacy centre's URLs by hand: they are found in the resolver (every
admin URL below ``/admin/privacy/``, and every URL of a ``wagtail_privacy_*`` admin viewset),
so a URL added later is checked the moment it exists, and fails here if it forgets the
privacy-centre permission.

- anonymous: sent to the admin login page;
- staff with *Can access Wagtail admin* and every model permission of the app, but not
  *Can access the privacy centre*: Wagtail's standard refusal (a redirect to the admin home
  with "Sorry, you do not have permission to access this area.", 403 for XHR), nothing of
  the page served, and a POST changes nothing;
- a privacy officer (the centre permission and the model permissions): 200.

The policy version history is editors' territory (it hangs off the policy page and shows
figures, not customers): it lives outside ``/admin/privacy/`` and needs permission to edit
the page. Consent purposes are snippets that editors manage under Wagtail's model
permissions. Both are checked below as such.
"""

import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import URLResolver, get_resolver, include, path, resolve, reverse
from django.urls.resolvers import RoutePattern
from django.utils import timezone
from wagtail.models import GroupPagePermission, ModelLogEntry, PageLogEntry

from wagtail_privacy.admin.mixins import CENTRE_URL_PREFIX, PrivacyCentreViewSet
from wagtail_privacy.background import BackgroundFailure
from wagtail_privacy.breaches.models import Breach
from wagtail_privacy.consent import service as consent
from wagtail_privacy.consent.models import ConsentPurpose
from wagtail_privacy.notices import acceptance
from wagtail_privacy.rights import ledger
from wagtail_privacy.rights.models import DataRequest

pytestmark = pytest.mark.django_db

APP = "wagtail_privacy"
REFUSED_MESSAGE = "Sorry, you do not have permission to access this area."
#: The privacy centre's URLs today: the walk must find at least these (and may find more).
KNOWN_CENTRE_URLS = {
    "wagtail_privacy_centre:dashboard",
    "wagtail_privacy_proof:search",
    "wagtail_privacy_proof:csv",
    "wagtail_privacy_requests:index",
    "wagtail_privacy_requests:index_results",
    "wagtail_privacy_requests:create",
    "wagtail_privacy_requests:detail",
    "wagtail_privacy_consent:overview",
    "wagtail_privacy_cookies:index",
    "wagtail_privacy_cookies:index_results",
    "wagtail_privacy_background:index",
    "wagtail_privacy_background:index_results",
    "wagtail_privacy_retention_runs:index",
    "wagtail_privacy_retention_runs:index_results",
}
#: Privacy admin URLs outside the centre on purpose: editors reach them from the page editor.
EDITOR_URLS = {"wagtail_privacy_versions:history"}
#: Query strings that make a GET show personal data (the proof search finds the customer).
QUERIES = {"wagtail_privacy_proof:search": {"q": "ana"}}


# --- the walk ---------------------------------------------------------------------------


def _walk(patterns, route="", namespaces=()):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = (pattern.namespace,) if pattern.namespace else ()
            yield from _walk(
                pattern.url_patterns, route + str(pattern.pattern), namespaces + namespace
            )
        else:
            name = ":".join(namespaces + (pattern.name,)) if pattern.name else ""
            yield route + str(pattern.pattern), name, pattern


def _admin_root():
    return reverse("wagtailadmin_home").lstrip("/")


def admin_urls():
    """(route below the admin root, namespaced name, pattern) of every URL of the admin."""
    root = _admin_root()
    return [
        (route[len(root) :], name, pattern)
        for route, name, pattern in _walk(get_resolver().url_patterns)
        if route.startswith(root)
    ]


def centre_urls():
    """Every admin URL below ``/admin/privacy/``: the privacy centre."""
    return [u for u in admin_urls() if u[0].startswith(CENTRE_URL_PREFIX)]


def privacy_viewset_urls():
    """Every admin URL that a viewset of this app registers (namespace ``wagtail_privacy_*``)."""
    return [u for u in admin_urls() if u[1].startswith(APP + "_")]


def _ids(urls):
    return [name or route for route, name, _pattern in urls]


CENTRE = centre_urls()
PRIVACY_VIEWSETS = privacy_viewset_urls()


# --- objects and users ------------------------------------------------------------------


@pytest.fixture
def world(policies, customer, locales):
    """Something real behind every path parameter and on every screen."""
    page = policies.create(title="Privacy policy", requires_acceptance=True)
    page = policies.publish(page, level="editorial")
    page = policies.publish(page, level="major", effective_at=policies.days(12), text="v2")
    acceptance.accept(customer, "privacy-policy", 1, language="en", ip="198.51.100.9")
    purpose = ConsentPurpose.objects.create(
        key="newsletter", name="Newsletter", wording="Send it.", email=True, locale=locales["en"]
    )
    consent.record(customer, "newsletter", "email", True, source="signup")
    item = ledger.open_request(
        kind="erasure",
        channel="email",
        user=customer,
        received_at=timezone.now() - timedelta(days=3),
        note="Ana called",
    )
    breach = Breach.objects.create(
        title="Stolen backup",
        detected_at=timezone.now() - timedelta(hours=5),
        what_happened="A backup was stolen.",
        data_categories="Names",
        people_affected=10,
        records_affected=10,
        consequences="Phishing.",
        measures="Encrypted backups.",
    )
    return {
        "page": page,
        "request": item,
        "purpose": purpose,
        # path parameter -> value, by parameter name
        "params": {
            "user_id": customer.pk,
            "pk": item.pk,
            "page_id": page.pk,
            "breach_id": breach.pk,
        },
        "failure": BackgroundFailure.objects.create(
            work="notices.tasks.send_notice_chunk",
            subject="1, change, 1, 500",
            error="SMTPServerDisconnected in send (wagtail_privacy/mail.py:1)",
            first_failed_at=timezone.now(),
            last_failed_at=timezone.now(),
        ),
    }


def _user(username, codenames=(), *, all_of_app=False):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw")
    group = Group.objects.create(name=f"{username} group")
    permissions = Permission.objects.filter(codename__in=["access_admin", *codenames])
    if all_of_app:
        permissions |= Permission.objects.filter(content_type__app_label=APP)
    group.permissions.add(*permissions)
    user.groups.add(group)
    return user


@pytest.fixture
def staff(db):
    """Admin access and every model permission of the app, but not the privacy centre."""
    user = _user("staff", all_of_app=True)
    user.groups.get().permissions.remove(Permission.objects.get(codename="access_privacy_centre"))
    assert not user.has_perm("wagtail_privacy.access_privacy_centre")
    assert user.has_perm("wagtail_privacy.view_acceptance")
    assert user.has_perm("wagtail_privacy.change_datarequest")
    return user


@pytest.fixture
def officer(db):
    """A privacy officer: the centre permission and the model permissions of the app."""
    return _user("officer", all_of_app=True)


@pytest.fixture
def page_editor(root_page):
    """An editor who may edit pages, with no permission of the privacy app at all."""
    user = _user("pageeditor")
    GroupPagePermission.objects.create(
        group=user.groups.get(),
        page=root_page,
        permission=Permission.objects.get(codename="change_page"),
    )
    return user


def url_of(route, name, pattern, params):
    """The URL of ``route`` with its path parameters filled from ``params``."""
    assert isinstance(pattern.pattern, RoutePattern), f"{name or route}: not a path() route"

    def fill(match):
        key = match.group("name")
        assert key in params, (
            f"{name or route}: no object for path parameter {key!r}; add one to the "
            "`world` fixture of this test"
        )
        return str(params[key])

    url = "/" + _admin_root() + re.sub(r"<(?:\w+:)?(?P<name>\w+)>", fill, route)
    match = resolve(url)
    assert match.route == _admin_root() + route, f"{url} resolves to {match.route}"
    return url


def snapshot():
    """Everything a refused request must leave as it was."""
    counts = {
        model._meta.label: model._default_manager.count()
        for model in apps.get_app_config(APP).get_models()
    }
    counts["log"] = ModelLogEntry.objects.count() + PageLogEntry.objects.count()
    counts["requests"] = list(DataRequest.objects.order_by("pk").values())
    return counts


def post_data(customer):
    """A POST that does something on every privacy screen that takes one."""
    return {
        "kind": "access",
        "channel": "phone",
        "received_at": (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%d %H:%M"),
        "customer": customer.email,
        "note": "Written by someone without the permission",
        "update": "1",
        "status": "completed",
        "outcome": "Done",
    }


def assert_login_redirect(response, url):
    assert response.status_code == 302, f"{url}: {response.status_code}"
    assert response.url.startswith(reverse("wagtailadmin_login") + "?next="), response.url


def assert_refused(client, response, url, customer):
    """Wagtail's refusal in the admin: back to the admin home, saying why; nothing served."""
    assert response.status_code == 302, f"{url}: {response.status_code} for staff"
    assert response.url == reverse("wagtailadmin_home"), response.url
    assert not response.streaming and not response.content
    assert not response.get("Content-Type", "").startswith("text/csv")
    assert not response.has_header("Content-Disposition")
    assert REFUSED_MESSAGE in [str(m).strip() for m in get_messages(response.wsgi_request)]


# --- the walk finds what it must --------------------------------------------------------


def test_the_walk_finds_the_privacy_admin():
    found = {name for _route, name, _pattern in CENTRE}
    assert len(CENTRE) >= len(KNOWN_CENTRE_URLS) == 14
    assert KNOWN_CENTRE_URLS <= found, KNOWN_CENTRE_URLS - found
    assert all(route.startswith("privacy/") for route, _name, _pattern in CENTRE)
    # the dashboard, at least, is where the menu says it is
    assert reverse("wagtail_privacy_centre:dashboard") == "/" + _admin_root() + "privacy/centre/"


def test_every_privacy_viewset_url_is_in_the_centre_or_deliberately_outside():
    outside = {
        name
        for route, name, _pattern in PRIVACY_VIEWSETS
        if not route.startswith(CENTRE_URL_PREFIX)
    }
    assert outside == EDITOR_URLS, (
        "A privacy admin URL outside /admin/privacy/ needs the centre permission there or a "
        f"deliberate place in EDITOR_URLS: {sorted(outside - EDITOR_URLS)}"
    )


@pytest.mark.parametrize("route,name,pattern", CENTRE, ids=_ids(CENTRE))
def test_every_centre_view_is_wrapped_by_the_centre_guard(route, name, pattern):
    assert getattr(pattern.callback, "privacy_centre_guard", False), (
        f"{name or route} is under /admin/privacy/ but not served by a PrivacyCentreViewSet"
    )


# --- the matrix: the privacy centre -----------------------------------------------------


@pytest.mark.parametrize("route,name,pattern", CENTRE, ids=_ids(CENTRE))
def test_anonymous_is_sent_to_the_login_page(client, world, route, name, pattern):
    url = url_of(route, name, pattern, world["params"])
    assert_login_redirect(client.get(url, QUERIES.get(name, {})), url)
    before = snapshot()
    assert_login_redirect(client.post(url, post_data(world["request"].user)), url)
    assert snapshot() == before


@pytest.mark.parametrize("route,name,pattern", CENTRE, ids=_ids(CENTRE))
def test_staff_without_the_centre_permission_is_refused(
    client, world, staff, customer, route, name, pattern
):
    url = url_of(route, name, pattern, world["params"])
    client.force_login(staff)
    response = client.get(url, QUERIES.get(name, {}))
    assert_refused(client, response, url, customer)
    home = client.get(response.url).content.decode()
    assert customer.email not in home and "Ana called" not in home

    xhr = client.get(url, QUERIES.get(name, {}), headers={"x-requested-with": "XMLHttpRequest"})
    assert xhr.status_code == 403, f"{url}: {xhr.status_code} for XHR"
    assert customer.email.encode() not in xhr.content

    before = snapshot()
    refused = client.post(url, post_data(customer))
    assert_refused(client, refused, url, customer)
    assert snapshot() == before, f"{url}: a refused POST changed something"


@pytest.mark.parametrize("route,name,pattern", CENTRE, ids=_ids(CENTRE))
def test_privacy_officer_is_served(client, world, officer, route, name, pattern):
    url = url_of(route, name, pattern, world["params"])
    client.force_login(officer)
    response = client.get(url, QUERIES.get(name, {}))
    if response.status_code == 405:  # a POST-only view: it must say so, and take a POST
        assert "POST" in response["Allow"], f"{url}: 405 without POST allowed"
        assert officer_post_changes_something(client, url, officer)
        return
    assert response.status_code == 200, f"{url}: {response.status_code} for the officer"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body


def officer_post_changes_something(client, url, officer):
    before = snapshot()
    client.post(url, post_data(get_user_model().objects.get(username="ana")))
    return snapshot() != before


@pytest.mark.parametrize(
    "name", ["wagtail_privacy_requests:create", "wagtail_privacy_requests:detail"]
)
def test_the_refused_post_would_have_worked_for_the_officer(client, world, officer, name):
    """So 'a refused POST changes nothing' is not true merely because the POST was empty."""
    route, _name, pattern = next(u for u in CENTRE if u[1] == name)
    url = url_of(route, name, pattern, world["params"])
    client.force_login(officer)
    assert officer_post_changes_something(client, url, officer)


def test_the_menu_shows_the_section_to_officers_only(client, world, staff, officer):
    """Each item of the section too (see test_privacy_menu.py for each permission)."""
    from wagtail_privacy.admin.viewsets import PrivacyViewSetGroup

    items = [viewset.menu_url for viewset in PrivacyViewSetGroup().registerables]
    assert reverse("wagtail_privacy_centre:dashboard") in items
    client.force_login(staff)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert not [url for url in items if url in home]
    client.force_login(officer)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert [url for url in items if url in home] == items


# --- outside the centre on purpose: editors' screens ------------------------------------

EDITOR = [u for u in PRIVACY_VIEWSETS if u[1] in EDITOR_URLS]


@pytest.mark.parametrize("route,name,pattern", EDITOR, ids=_ids(EDITOR))
def test_editor_screens_follow_page_permissions(
    client, world, officer, page_editor, route, name, pattern
):
    url = url_of(route, name, pattern, world["params"])
    assert_login_redirect(client.get(url), url)
    # the privacy officer has no permission on pages: refused, like any non-editor
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    # an editor of the page needs nothing of the privacy centre
    client.force_login(page_editor)
    assert client.get(url).status_code == 200


def test_consent_purposes_are_editors_snippets_outside_the_centre(client, world, staff):
    snippet_urls = [u for u in admin_urls() if u[1].startswith("wagtailsnippets_" + APP + "_")]
    assert snippet_urls and not any(r.startswith(CENTRE_URL_PREFIX) for r, _n, _p in snippet_urls)
    index = reverse("wagtailsnippets_wagtail_privacy_consentpurpose:list")
    edit = reverse(
        "wagtailsnippets_wagtail_privacy_consentpurpose:edit", args=[world["purpose"].pk]
    )
    # Wagtail's model permissions: without any on consent purposes, refused
    clerk = _user("clerk", ["view_datarequest", "view_acceptance", "view_consentrecord"])
    client.force_login(clerk)
    for url in (index, edit):
        response = client.get(url)
        assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    # with them (and without the centre permission), an editor works the snippets
    client.force_login(staff)
    assert client.get(index).status_code == 200
    assert client.get(edit).status_code == 200


def test_a_new_centre_viewset_cannot_forget_the_guard(rf, staff, officer):
    """However a subclass builds its URLs, they come out behind the centre permission."""

    def view(request):
        return HttpResponse("personal data")

    class Forgetful(PrivacyCentreViewSet):  # overrides get_urlpatterns, never calls super()
        name = "forgetful"

        def get_urlpatterns(self):
            return [path("", view, name="index"), path("more/", include([path("", view)]))]

    class Mixed:  # a ViewSet placed before the base in the MRO
        def get_urlpatterns(self):
            return [path("", view, name="index")]

    class MixedIn(Mixed, PrivacyCentreViewSet):
        name = "mixed"

    patterns = Forgetful().get_urlpatterns() + MixedIn().get_urlpatterns()
    callbacks = [patterns[0].callback, patterns[1].url_patterns[0].callback, patterns[2].callback]
    for callback in callbacks:
        request = rf.get("/")
        request.user = staff
        with pytest.raises(PermissionDenied):
            callback(request)
        request.user = officer
        assert callback(request).content == b"personal data"
