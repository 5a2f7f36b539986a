"""The requests list is Wagtail's generic IndexView: pages, filters, sorting, AJAX results.

No row cap: every request is on some page. The filters are a Django filterset in Wagtail's
header (``show``, ``status``, ``kind``, ``due``, ``closing``), every link into the list keeps
working (the dashboard's among them), and the results-only URL serves Wagtail's filtering
without reloading the page.
"""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from wagtail_privacy.admin.requests import RequestFilterSet, RequestIndexView, requests_url
from wagtail_privacy.rights import ledger
from wagtail_privacy.rights.models import AccountClosure, DataRequest

pytestmark = pytest.mark.django_db

INDEX = "wagtail_privacy_requests:index"
RESULTS = "wagtail_privacy_requests:index_results"


@pytest.fixture
def staff(client, editor):
    client.force_login(editor)
    return client


def listed(response):
    return list(response.context["object_list"])


def received(days_ago, **fields):
    fields.setdefault("kind", "access")
    fields.setdefault("channel", "email")
    fields.setdefault("contact_email", "someone@example.com")
    return ledger.open_request(received_at=timezone.now() - timedelta(days=days_ago), **fields)


@pytest.fixture
def ledger_mix(customer, other_customer):
    """One request in each state the filters tell apart."""
    from wagtail_privacy.rights import closure
    from wagtail_privacy.verification.service import without_step_up

    items = {
        "overdue": received(40, kind="erasure"),
        "due_soon": received(27, kind="objection"),
        "on_time": received(2, kind="access"),
        "extended": received(40, kind="rectification"),  # overdue, but extended: on time
        "closed": received(50, kind="access"),
    }
    # extended while it was still on time (20 days ago), by a month
    ledger.extend(
        items["extended"], 1, "Archive in storage.", now=timezone.now() - timedelta(days=20)
    )
    ledger.set_status(items["closed"], "completed", outcome="Sent.")
    items["deletion"] = closure.request_deletion(
        other_customer, proof=without_step_up("test fixture")
    ).request
    return items


def test_more_than_a_page_of_requests_is_paginated_not_cut(staff):
    page_size = RequestIndexView.paginate_by
    items = [received(days) for days in range(page_size + 7)]
    first = staff.get(reverse(INDEX))
    assert first.status_code == 200
    assert len(listed(first)) == page_size
    assert first.context["paginator"].num_pages == 2
    assert first.context["items_count"] == page_size + 7
    html = first.content.decode()
    assert "Page 1 of 2" in html and "?p=2" in html

    second = staff.get(reverse(INDEX), {"p": 2})
    assert second.status_code == 200
    assert "Page 2 of 2" in second.content.decode()
    rest = listed(second)
    assert len(rest) == 7
    # every request once, the most overdue first across the pages
    assert listed(first) + rest == sorted(items, key=lambda r: (r.due_at, r.pk))


def test_the_filters_are_a_filterset_in_wagtails_header(staff, ledger_mix):
    response = staff.get(reverse(INDEX))
    assert response.context["filters"].__class__ is RequestFilterSet
    header = response.content.decode().split("</header>", 1)[0]
    assert 'id="filters-drilldown"' in header
    for name in ("show", "status", "kind", "due", "closing"):
        assert f'name="{name}"' in header, name
    # the form refreshes the results from the results-only URL
    assert f'data-w-swap-src-value="{reverse(RESULTS)}"' in header


OPEN = ["overdue", "due_soon", "on_time", "extended", "deletion"]


@pytest.mark.parametrize(
    "query,expected",
    [
        ({}, OPEN),
        ({"show": "open"}, OPEN),
        ({"show": "closed"}, ["closed"]),
        ({"status": "completed"}, ["closed"]),  # a status picks its own, whatever show says
        ({"status": "completed", "show": "open"}, ["closed"]),
        ({"kind": "access"}, ["on_time"]),
        ({"kind": "access", "show": "all"}, ["on_time", "closed"]),
        ({"due": "overdue"}, ["overdue"]),
        ({"due": "due_soon"}, ["due_soon"]),
        ({"closing": "deletion"}, ["deletion"]),
        ({"closing": "deactivation"}, []),
        # values that are no choice of the filter are ignored, as before
        ({"status": "bogus", "due": "someday", "show": "everything"}, OPEN),
    ],
)
def test_each_filter(staff, ledger_mix, query, expected):
    response = staff.get(reverse(INDEX), query)
    assert response.status_code == 200
    by_pk = {item.pk: name for name, item in ledger_mix.items()}
    # in the worklist's order: open first, the nearest deadline first
    order = sorted(ledger_mix, key=lambda n: (not ledger_mix[n].is_open, ledger_mix[n].deadline))
    assert [by_pk[r.pk] for r in listed(response)] == [n for n in order if n in expected]


def test_every_link_the_dashboard_makes_is_a_filter_of_the_list(staff, ledger_mix):
    for filters in (
        {},
        {"due": "overdue"},
        {"due": "due_soon"},
        {"status": "received"},
        {"closing": "deletion"},
        {"closing": "deactivation"},
        {"show": "all"},
    ):
        url = requests_url(**filters)
        response = staff.get(url)
        assert response.status_code == 200, url
        form = response.context["filters"].form
        assert form.is_valid()
        for name, value in filters.items():
            assert form.cleaned_data[name] == value, url
    with pytest.raises(ValueError, match="Not filters of the requests list: overdue"):
        requests_url(overdue="1")


def test_the_due_figures_of_the_list_agree_with_each_request(staff, ledger_mix):
    for state in ("overdue", "due_soon"):
        shown = listed(staff.get(reverse(INDEX), {"due": state}))
        everyone = DataRequest.objects.all()
        assert {r.pk for r in shown} == {r.pk for r in everyone if ledger.due_state(r) == state}, (
            state
        )


@pytest.mark.parametrize("ordering", ["received_at", "-received_at", "deadline_at", "-kind"])
def test_columns_sort(staff, ledger_mix, ordering):
    response = staff.get(reverse(INDEX), {"ordering": ordering, "show": "all"})
    rows = listed(response)
    field = ordering.lstrip("-")

    def key(r):
        return getattr(r, "deadline" if field == "deadline_at" else field)

    assert [key(r) for r in rows] == sorted(
        (key(r) for r in rows), reverse=ordering.startswith("-")
    )
    assert response.context["ordering"] == ordering


def test_the_sortable_columns_link_to_their_ordering(staff, ledger_mix):
    html = staff.get(reverse(INDEX)).content.decode()
    thead = html.split('<table class="listing', 1)[1].split("</thead>", 1)[0]
    for ordering in ("kind", "channel", "received_at", "deadline_at", "status"):
        assert f"ordering={ordering}" in thead, ordering
    # an unknown ordering falls back on the worklist's
    assert (
        listed(staff.get(reverse(INDEX), {"ordering": "user__password"}))[0]
        == (ledger_mix["overdue"])
    )


def test_the_results_only_url_serves_wagtails_ajax_filtering(staff, ledger_mix):
    response = staff.get(reverse(RESULTS), {"status": "completed", "_w_filter_fragment": 1})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "<header" not in html  # a fragment for #listing-results
    assert "<table" in html and str(ledger_mix["closed"].reference)[:8] in html
    assert str(ledger_mix["overdue"].reference)[:8] not in html
    # the filters come back too, as a template Wagtail moves into the header
    assert 'data-w-teleport-target-value="#filters-drilldown"' in html
    # the active filter, removable
    assert "Completed" in html.split("<table", 1)[0]


def test_results_say_how_many_closed_requests_are_hidden(staff, ledger_mix):
    html = staff.get(reverse(RESULTS), {"kind": "access"}).content.decode()
    assert "1 closed request is not shown." in html
    assert f'href="{reverse(INDEX)}?kind=access&amp;show=all"' in html


def test_the_list_is_not_exported_as_a_spreadsheet(staff, ledger_mix):
    response = staff.get(reverse(INDEX), {"export": "csv"})
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response


def test_recording_is_offered_to_those_who_may_record(client, ledger_mix):
    handler = get_user_model().objects.create_user("handler", "handler@example.com", "pw")
    handler.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["access_admin", "access_privacy_centre", "view_datarequest"]
        )
    )
    client.force_login(handler)
    create = reverse("wagtail_privacy_requests:create")
    html = client.get(reverse(INDEX)).content.decode()
    assert create not in html
    handler.user_permissions.add(Permission.objects.get(codename="add_datarequest"))
    handler = get_user_model().objects.get(pk=handler.pk)
    client.force_login(handler)
    header = client.get(reverse(INDEX)).content.decode().split("</header>", 1)[0]
    assert create in header and "Record a request" in header


def test_the_closing_filter_names_what_it_shows(staff, ledger_mix):
    html = staff.get(reverse(INDEX), {"closing": "deletion"}).content.decode()
    assert "Showing: Accounts whose deletion is pending." in html
    assert AccountClosure.objects.filter(request=ledger_mix["deletion"]).exists()
