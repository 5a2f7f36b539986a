"""Admin: staff list, record, update and extend data requests; customers are refused."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from wagtail_privacy.rights import ledger
from wagtail_privacy.rights.models import DataRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, editor):
    client.force_login(editor)
    return client


def test_list_shows_overdue_first(staff, customer):
    late = ledger.open_request(
        kind="erasure",
        channel="email",
        user=customer,
        received_at=timezone.now() - timedelta(days=40),
    )
    soon = ledger.open_request(
        kind="access",
        channel="post",
        contact_email="x@example.com",
        received_at=timezone.now() - timedelta(days=27),
    )
    response = staff.get(reverse("wagtail_privacy_requests:index"))
    assert response.status_code == 200
    rows = list(response.context["object_list"])
    assert rows == [late, soon]
    assert [ledger.due_state(r) for r in rows] == ["overdue", "due_soon"]
    html = response.content.decode()
    assert "Overdue" in html and "Due soon" in html


def test_staff_records_an_offline_request(staff, customer):
    received = timezone.localtime() - timedelta(days=2)
    response = staff.post(
        reverse("wagtail_privacy_requests:create"),
        {
            "kind": "rectification",
            "channel": "phone",
            "received_at": received.strftime("%Y-%m-%d %H:%M"),
            "customer": customer.email,
            "note": "Called about a wrong address",
        },
    )
    item = DataRequest.objects.get()
    assert response.status_code == 302
    assert item.user == customer and item.channel == "phone"
    assert item.events.get().note == "Called about a wrong address"
    assert ModelLogEntry.objects.filter(action="wagtail_privacy.request_recorded").exists()


def test_recording_needs_someone_to_answer(staff):
    response = staff.post(
        reverse("wagtail_privacy_requests:create"),
        {
            "kind": "access",
            "channel": "post",
            "received_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        },
    )
    assert response.status_code == 200
    assert not DataRequest.objects.exists()


def test_staff_extends_and_closes(staff, customer, django_capture_on_commit_callbacks):
    item = ledger.open_request(kind="access", channel="email", user=customer)
    url = reverse("wagtail_privacy_requests:detail", args=[item.pk])
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(url, {"extend": "1", "period": "2m", "reason": "Archive in storage."})
    item.refresh_from_db()
    assert item.extended_until is not None
    assert "Archive in storage." in mail.outbox[-1].body
    staff.post(url, {"update": "1", "status": "completed", "outcome": "Sent by post."})
    item.refresh_from_db()
    assert item.status == "completed" and item.closed_at and item.handler is not None
    page = staff.get(url).content.decode()
    assert "Sent by post." in page and "Archive in storage." in page


def test_extensions_in_days_and_an_overdue_request_refused(staff, customer, settings):
    settings.WAGTAIL_PRIVACY = {
        **settings.WAGTAIL_PRIVACY,
        "REQUEST_DUE": "30d",
        "REQUEST_MAX_EXTENSION": "45d",
    }
    item = ledger.open_request(kind="access", channel="email", user=customer)
    url = reverse("wagtail_privacy_requests:detail", args=[item.pk])
    page = staff.get(url).content.decode()
    assert [
        value for value in ("7d", "14d", "30d", "45d", "60d") if f'value="{value}"' in page
    ] == [
        "7d",
        "14d",
        "30d",
        "45d",
    ]
    staff.post(url, {"extend": "1", "period": "14d", "reason": "Archive in storage."})
    item.refresh_from_db()
    assert item.extended_until == item.due_at + timedelta(days=14)

    late = ledger.open_request(
        kind="access",
        channel="email",
        user=customer,
        received_at=timezone.now() - timedelta(days=40),
    )
    url = reverse("wagtail_privacy_requests:detail", args=[late.pk])
    response = staff.post(url, {"extend": "1", "period": "7d", "reason": "Too late."})
    assert "This request is overdue" in response.content.decode()
    late.refresh_from_db()
    assert late.extended_until is None


def test_customers_are_refused(client, customer):
    ledger.open_request(kind="access", channel="email", user=customer)
    client.force_login(customer)
    response = client.get(reverse("wagtail_privacy_requests:index"))
    assert response.status_code in (302, 403)
    assert "Privacy requests" not in response.content.decode()


def test_the_record_form_is_a_wagtail_form_with_a_working_date_picker(staff):
    response = staff.get(reverse("wagtail_privacy_requests:create"))
    assert response.status_code == 200
    html = response.content.decode()
    # The picker's script is loaded before the field calls it (the page used to fail with
    # "initDateTimeChooser is not defined").
    script = html.index("wagtailadmin/js/date-time-chooser.js")
    assert script < html.index('initDateTimeChooser("id_received_at"')
    # Wagtail's form furniture: each field in its wrapper, the editor form, the footer action
    main = html.split('id="main"', 1)[1]
    assert main.count('class="w-field__wrapper') == 7
    assert 'id="w-editor-form"' in main and "Record the request" in main
    assert 'class="w-field__label"' in main and "Customer account (username or email)" in main
    # and its header says where it is
    assert "Privacy requests" in main.split("</header>", 1)[0]


def test_a_refused_recording_keeps_the_wagtail_form_and_says_why(staff):
    response = staff.post(
        reverse("wagtail_privacy_requests:create"),
        {"kind": "access", "channel": "post", "received_at": "not a date"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The request could not be recorded: see the errors below." in html
    assert "date-time-chooser.js" in html and 'class="w-field__wrapper' in html
    assert not DataRequest.objects.exists()


@pytest.fixture
def open_and_closed(customer):
    now = timezone.now()
    late = ledger.open_request(
        kind="erasure", channel="email", user=customer, received_at=now - timedelta(days=40)
    )
    done = []
    for kind in ("access", "objection"):
        item = ledger.open_request(kind=kind, channel="post", contact_email="x@example.com")
        ledger.set_status(item, "completed", outcome="Answered")
        done.append(item)
    return late, done


def test_the_list_opens_on_open_requests_and_says_how_many_closed_ones_exist(
    staff, open_and_closed
):
    late, done = open_and_closed
    index = reverse("wagtail_privacy_requests:index")
    response = staff.get(index)
    assert list(response.context["object_list"]) == [late]
    html = response.content.decode()
    assert "2 closed requests are not shown." in html
    assert f'href="{index}?show=all"' in html
    everything = staff.get(index + "?show=all")
    assert set(everything.context["object_list"]) == {late, *done}


def test_no_open_request_is_not_a_dead_end(staff, open_and_closed):
    late, done = open_and_closed
    ledger.set_status(late, "completed", outcome="Erased")
    index = reverse("wagtail_privacy_requests:index")
    html = staff.get(index).content.decode()
    assert "No request is open. 3 closed requests match." in html
    assert f'href="{index}?show=all"' in html
    assert "No request matches." not in html


def test_the_empty_ledger_explains_itself(staff):
    html = staff.get(reverse("wagtail_privacy_requests:index")).content.decode()
    assert "No request has been recorded yet." in html
    assert reverse("wagtail_privacy_requests:create") in html


def test_filters_that_match_nothing_offer_a_way_back(staff, open_and_closed):
    index = reverse("wagtail_privacy_requests:index")
    html = staff.get(index + "?kind=restriction").content.decode()
    assert "No request matches these filters." in html
    assert f'<a href="{index}">Show the open requests</a>' in html
