"""The privacy centre: its own menu section and permission, and a dashboard that renders offline."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from wagtail_privacy.rights import ledger

pytestmark = pytest.mark.django_db


def officer_group():
    group = Group.objects.create(name="Privacy officers")
    group.permissions.add(
        *Permission.objects.filter(
            codename__in=[
                "access_admin",
                "access_privacy_centre",
                "view_datarequest",
                "change_datarequest",
                "view_acceptance",
                "view_consentrecord",
            ]
        )
    )
    return group


@pytest.fixture
def officer(db):
    user = get_user_model().objects.create_user("officer", "officer@example.com", "pw")
    user.groups.add(officer_group())
    return user


@pytest.fixture
def clerk(db):
    user = get_user_model().objects.create_user("clerk", "clerk@example.com", "pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def test_officer_sees_the_privacy_section_and_dashboard(client, officer, customer, policies):
    page = policies.create(requires_acceptance=True)
    page = policies.publish(page, level="editorial")
    policies.publish(page, level="major", effective_at=policies.days(12), text="Changed.")
    ledger.open_request(
        kind="erasure",
        channel="email",
        user=customer,
        received_at=timezone.now() - timedelta(days=40),
    )
    client.force_login(officer)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Privacy" in home and reverse("wagtail_privacy_centre:dashboard") in home
    response = client.get(reverse("wagtail_privacy_centre:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and "1 overdue" in html
    assert "Privacy policy v1" in html and "privacy-policy v" not in html  # titles, not slugs
    assert "http://" not in html.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org/2000/svg", ""
    )  # nothing loaded from elsewhere
    assert client.get(reverse("wagtail_privacy_requests:index")).status_code == 200


def test_admin_without_the_permission_is_refused(client, clerk):
    client.force_login(clerk)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("wagtail_privacy_centre:dashboard") not in home
    response = client.get(reverse("wagtail_privacy_centre:dashboard"))
    assert response.status_code in (302, 403)
    assert "<svg" not in response.content.decode()


def test_charts_have_an_accessible_name_and_labels_cut_whole():
    from html.parser import HTMLParser

    from wagtail_privacy.admin.charts import bars

    svg = bars([("Marketing & newsletters (weekly digest)", 3, 4), ("Orders", 1, 4)])

    class Reader(HTMLParser):
        name, texts = None, []

        def handle_starttag(self, tag, attrs):
            if tag == "svg":
                Reader.name = dict(attrs)["aria-label"]

        def handle_data(self, data):
            Reader.texts.append(data)

    Reader().feed(str(svg))
    assert Reader.name == "Marketing & newsletters (weekly digest): 3/4 (75%); Orders: 1/4 (25%)"
    assert "Marketing & newsletters…" in Reader.texts
    assert "&am" not in str(svg).replace("&amp;", "")


# --- the dashboard: its header, and every figure a link to what it counts ------------------


def links(html):
    """{href: link text} of the dashboard's main content."""
    from html.parser import HTMLParser

    main = html.split('<div class="nice-padding">', 1)[1]

    class Reader(HTMLParser):
        found, href, text = {}, None, []

        def handle_starttag(self, tag, attrs):
            if tag == "a":
                Reader.href, Reader.text = dict(attrs).get("href"), []

        def handle_data(self, data):
            if Reader.href is not None:
                Reader.text.append(data)

        def handle_endtag(self, tag):
            if tag == "a" and Reader.href is not None:
                Reader.found[Reader.href] = " ".join("".join(Reader.text).split())
                Reader.href = None

    Reader.found = {}
    Reader().feed(main)
    return Reader.found


@pytest.fixture
def busy(policies, customer, other_customer):
    """Policies, notices, requests, a closure and a failure: something behind every figure."""
    from wagtail_privacy.background import BackgroundFailure
    from wagtail_privacy.notices import fanout
    from wagtail_privacy.policies.models import PolicyVersion
    from wagtail_privacy.rights import closure
    from wagtail_privacy.verification.service import without_step_up

    page = policies.create(title="Privacy policy", requires_acceptance=True)
    page = policies.publish(page, level="editorial")
    page = policies.publish(page, level="major", effective_at=policies.days(12), text="v2")
    fanout.fan_out(PolicyVersion.objects.get(number=2).pk)
    late = ledger.open_request(
        kind="access",
        channel="email",
        user=customer,
        received_at=timezone.now() - timedelta(days=40),
    )
    done = ledger.open_request(kind="objection", channel="post", contact_email="x@example.com")
    ledger.set_status(done, "completed", outcome="Done")
    closure.request_deletion(other_customer, proof=without_step_up("test fixture"))
    BackgroundFailure.objects.create(
        work="notices.tasks.send_notice_chunk",
        subject="1",
        error="SMTPServerDisconnected in send (wagtail_privacy/mail.py:1)",
        first_failed_at=timezone.now(),
        last_failed_at=timezone.now(),
    )
    return {"page": page, "late": late, "done": done}


def test_the_dashboard_header_names_the_privacy_centre(client, officer, busy):
    client.force_login(officer)
    html = client.get(reverse("wagtail_privacy_centre:dashboard")).content.decode()
    header = html.split('<header class="w-slim-header', 1)[1].split("</header>", 1)[0]
    assert '<h1 class="w-sr-only">' in header and "Privacy centre" in header
    assert "icon-lock" in header.split("Privacy centre")[-2]  # the screen's icon beside it
    assert reverse("wagtailadmin_home") in header  # Home stays a breadcrumb


def test_every_figure_links_to_the_screen_that_counts_it(client, officer, busy):
    client.force_login(officer)
    found = links(client.get(reverse("wagtail_privacy_centre:dashboard")).content.decode())
    requests = reverse("wagtail_privacy_requests:index")
    assert found[requests] == "2 open requests"  # the late one, and the deletion's
    assert found[requests + "?due=overdue"] == "1 overdue"
    assert found[requests + "?due=due_soon"] == "0 due soon"
    assert found[requests + "?status=completed"] == "Completed: 1"
    assert found[requests + "?status=received"] == "Received: 1"
    assert found[requests + "?closing=deletion"] == "Deletions pending: 1"
    assert found[requests + "?closing=deactivation"] == "Deactivated: 0"
    assert reverse("wagtail_privacy_proof:search") in found
    assert reverse("wagtail_privacy_consent:overview") in found
    assert reverse("wagtail_privacy_background:index") in found

    # and the screens list what the figures count
    overdue = client.get(requests + "?due=overdue")
    assert list(overdue.context["object_list"]) == [busy["late"]]
    completed = client.get(requests + "?status=completed")
    assert list(completed.context["object_list"]) == [busy["done"]]
    deletions = client.get(requests + "?closing=deletion")
    assert [r.kind for r in deletions.context["object_list"]] == ["erasure"]


def test_policies_show_their_titles_with_notice_progress(client, officer, busy):
    client.force_login(officer)
    html = client.get(reverse("wagtail_privacy_centre:dashboard")).content.decode()
    assert "Privacy policy, version 2" in html and "2/2 emailed" in html
    assert "privacy-policy" not in html
    # the officer may not edit the page: the title is not a link to a screen they cannot open
    history = reverse("wagtail_privacy_versions:history", args=[busy["page"].pk])
    assert history not in html


def test_editors_among_officers_reach_the_version_history(client, editor, busy):
    editor.groups.add(officer_group())
    client.force_login(editor)
    found = links(client.get(reverse("wagtail_privacy_centre:dashboard")).content.decode())
    history = reverse("wagtail_privacy_versions:history", args=[busy["page"].pk])
    assert found[history] in ("Privacy policy, version 2", "Privacy policy, version 1")
    assert client.get(history).status_code == 200


def test_titles_follow_the_editors_language(client, officer, busy, policies, locales):
    from wagtail.users.models import UserProfile

    translated = policies.translate(
        busy["page"], "sl", title="Politika zasebnosti", text="Hranimo podatke."
    )
    translated.save_revision().publish()
    profile = UserProfile.get_for_user(officer)
    profile.preferred_language = "sl"
    profile.save()
    client.force_login(officer)
    html = client.get(reverse("wagtail_privacy_centre:dashboard")).content.decode()
    assert "Politika zasebnosti" in html


def test_the_wagtail_dashboard_counts_overdue_and_due_soon_requests(client, django_user_model):
    """The officer sees the deadlines on Wagtail's own dashboard, linked to the list."""
    from datetime import timedelta

    from django.contrib.auth.models import Group, Permission
    from django.utils import timezone

    from wagtail_privacy.rights import ledger

    now = timezone.now()
    for days in (40, 45):  # overdue
        ledger.open_request(kind="access", channel="email", received_at=now - timedelta(days=days))
    ledger.open_request(kind="access", channel="email", received_at=now - timedelta(days=26))
    ledger.open_request(kind="access", channel="email", received_at=now)

    group = Group.objects.create(name="Officers")
    group.permissions.add(
        *Permission.objects.filter(
            codename__in=["access_admin", "access_privacy_centre", "view_datarequest"]
        )
    )
    officer = django_user_model.objects.create_user("off", "off@shop.example", "x")
    officer.groups.add(group)
    client.force_login(officer)
    home = client.get("/admin/").content.decode()
    assert "2 privacy requests overdue" in home
    assert "1 privacy request due soon" in home
    assert "/admin/privacy/requests/?due=overdue" in home

    group.permissions.remove(Permission.objects.get(codename="view_datarequest"))
    officer = django_user_model.objects.get(pk=officer.pk)  # fresh permission cache
    client.force_login(officer)
    assert "privacy requests overdue" not in client.get("/admin/").content.decode()
