"""The acceptance gate: exact flips, no I/O in steady state, decorator and middleware.

"Another worker" is simulated in-process by giving it its own memo of the requirements
(``Worker``); the sessions and the database are shared, as between real processes. The real
two-process test runs gunicorn (tests/topology/).
"""

import json
import os
from contextlib import contextmanager
from datetime import timedelta
from importlib import import_module

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone

from wagtail_privacy.notices import acceptance, gate
from wagtail_privacy.notices.enforcement import AcceptanceMiddleware, acceptance_required
from wagtail_privacy.notices.models import Acceptance
from wagtail_privacy.policies.models import Policy
from wagtail_privacy.policies.pages import PolicyPage

pytestmark = pytest.mark.django_db
API = "/api/privacy/v1/me"
GATE = "wagtail_privacy.notices.enforcement.AcceptanceMiddleware"


@pytest.fixture(autouse=True)
def _fresh_memo():
    """The requirements memo is per process: every test starts (and leaves) it empty."""
    gate.forget_requirements()
    yield
    gate.forget_requirements()


class Worker:
    """Another process: its own memo of the requirements, the same database and sessions."""

    def __init__(self):
        self.memo = None

    @contextmanager
    def serving(self):
        saved, gate._memo = gate._memo, self.memo
        try:
            yield
        finally:
            self.memo, gate._memo = gate._memo, saved


@pytest.fixture
def required(policies):
    """A privacy policy that must be accepted: v1 in effect, a major v2 in 12 days."""
    page = policies.create(title="Privacy policy", requires_acceptance=True)
    page = policies.publish(page, level="editorial")
    effective = (timezone.now() + timedelta(days=12)).replace(microsecond=0)
    policies.publish(page, level="major", effective_at=effective, text="New rules.")
    return effective


def accept(user, number):
    return acceptance.accept(user, "privacy-policy", number, language="en")


def test_first_version_must_be_accepted(customer, required):
    assert [(r.slug, r.number) for r in gate.missing_acceptances(customer)] == [
        ("privacy-policy", 1)
    ]
    accept(customer, 1)
    assert gate.missing_acceptances(customer) == []


def test_requirement_flips_exactly_at_the_effective_instant(customer, required):
    accept(customer, 1)
    with time_machine.travel(required - timedelta(microseconds=1), tick=False):
        assert gate.missing_acceptances(customer) == []
    with time_machine.travel(required, tick=False):
        assert [r.number for r in gate.missing_acceptances(customer)] == [2]


def test_early_acceptance_counts_after_the_flip(customer, required):
    accept(customer, 2)
    with time_machine.travel(required + timedelta(seconds=1)):
        assert gate.missing_acceptances(customer) == []


def test_minor_change_does_not_ask_again(customer, policies):
    page = policies.create(requires_acceptance=True)
    page = policies.publish(page, level="editorial")
    accept(customer, 1)
    policies.publish(page, level="minor", text="Clearer.")
    assert gate.missing_acceptances(customer) == []


def test_policy_without_acceptance_requires_nothing(customer, policies):
    page = policies.create(requires_acceptance=False)
    policies.publish(page, level="editorial")
    assert gate.missing_acceptances(customer) == []


def signed_in_session(user):
    """A stored session of ``user`` signed in, as ``django.contrib.auth.login`` leaves it."""
    store = import_module(django_settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return store.session_key


def load_session(key):
    """The session as SessionMiddleware and AuthenticationMiddleware leave it: loaded."""
    store = import_module(django_settings.SESSION_ENGINE).SessionStore(session_key=key)
    store.keys()
    return store


def test_steady_state_costs_zero_queries(
    customer, required, django_assert_num_queries, cache_calls
):
    accept(customer, 1)
    session = load_session(signed_in_session(customer))
    assert gate.missing_acceptances(customer, session=session) == []  # fills the session
    session.save()
    session = load_session(session.session_key)
    with django_assert_num_queries(0):
        for _ in range(100):
            assert gate.missing_acceptances(customer, session=session) == []
            assert gate.passes(customer, session)
    assert not session.modified
    assert cache_calls == []


def test_without_a_session_the_database_answers(customer, required, django_assert_num_queries):
    """Token authentication, a service: one query for the customer's acceptances.

    A requirement that looks unmet is confirmed with requirements read afresh (a second
    query) and the customer's notice of it (a third: was it given in time?).
    """
    gate.requirements()
    with django_assert_num_queries(3):
        assert [r.number for r in gate.missing_acceptances(customer)] == [1]
    accept(customer, 1)
    with django_assert_num_queries(1):
        assert gate.missing_acceptances(customer) == []


def test_cost_does_not_grow_with_acceptances(required, django_assert_num_queries):
    User = get_user_model()
    users = [User.objects.create_user(f"u{i}", f"u{i}@example.com", "pw") for i in range(1000)]
    policy = Policy.objects.get()
    v1 = policy.versions.get(number=1)
    Acceptance.objects.bulk_create(
        [
            Acceptance(
                user=u,
                policy=policy,
                version=v1,
                language="en",
                text_sha256="0" * 64,
                accepted_at=timezone.now(),
                channel="api",
            )
            for u in users
        ]
    )
    sessions = {}
    for user in users[:10]:
        sessions[user] = load_session(signed_in_session(user))
        gate.missing_acceptances(user, session=sessions[user])
    with django_assert_num_queries(0):
        for user in users[:10]:
            assert gate.missing_acceptances(user, session=sessions[user]) == []


def test_accepting_refreshes_the_customers_entry(
    customer, required, django_capture_on_commit_callbacks
):
    assert gate.missing_acceptances(customer)
    with django_capture_on_commit_callbacks(execute=True):
        accept(customer, 1)
    assert gate.missing_acceptances(customer) == []


def test_publishing_refreshes_the_requirements(
    customer, policies, django_capture_on_commit_callbacks
):
    page = policies.create(requires_acceptance=False)
    with django_capture_on_commit_callbacks(execute=True):
        page = policies.publish(page, level="editorial")
    assert gate.missing_acceptances(customer) == []
    page.requires_acceptance = True
    page.save()
    with django_capture_on_commit_callbacks(execute=True):
        policies.publish(page, level="editorial", text="Now binding.")
    assert [r.number for r in gate.missing_acceptances(customer)] == [2]


def _request(user, path="/shop/", session=None):
    request = RequestFactory().get(path)
    request.user = user
    if session is not None:
        request.session = session
    return request


def test_decorator_refuses_with_a_stable_code(customer, required):
    view = acceptance_required(lambda request: HttpResponse("ok"))
    response = view(_request(customer))
    assert response.status_code == 403
    body = json.loads(response.content)
    assert body["code"] == "policy_acceptance_required"
    assert body["policies"] == [{"policy": "privacy-policy", "version": 1}]
    accept(customer, 1)
    assert view(_request(customer)).status_code == 200


def test_decorator_around_the_effective_instant(customer, required):
    view = acceptance_required(lambda request: HttpResponse("ok"))
    accept(customer, 1)
    with time_machine.travel(required - timedelta(seconds=1), tick=False):
        assert view(_request(customer)).status_code == 200
    with time_machine.travel(required, tick=False):
        assert view(_request(customer)).status_code == 403


def test_middleware_redirects_and_exempts(customer, editor, required, settings):
    middleware = AcceptanceMiddleware(lambda request: HttpResponse("page"))
    response = middleware(_request(customer, "/basket/?step=2"))
    assert response.status_code == 302
    assert response["Location"] == "/privacy/accept/?next=%2Fbasket%2F%3Fstep%3D2"
    assert middleware(_request(customer, "/privacy/accept/")).status_code == 200
    assert middleware(_request(customer, "/api/privacy/v1/me/")).status_code == 200
    assert middleware(_request(customer, "/admin/")).status_code == 200
    assert middleware(_request(editor, "/basket/")).status_code == 200  # staff exempt
    settings.WAGTAIL_PRIVACY = {"ACCEPTANCE_EXEMPT_URLS": [r"^/basket/"]}
    assert middleware(_request(customer, "/basket/")).status_code == 200


@pytest.mark.parametrize("first", ["/sl/basket/", "/basket/"])
def test_middleware_sends_each_language_to_its_own_accept_page(
    client, customer, required, settings, first
):
    """The accept page inside i18n_patterns: whichever language the process met first, an
    English and a Slovenian customer each land on their own accept page, which lets them in
    (no redirect loop)."""
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, GATE]
    client.force_login(customer)
    client.get(first)  # the first request the process serves
    for prefix in ("/sl", ""):
        response = client.get(f"{prefix}/basket/")
        assert response.status_code == 302
        assert response["Location"].startswith(f"{prefix}/privacy/accept/?next=")
        assert client.get(response["Location"]).status_code == 200


def _steady(handler, user, key, count, django_assert_num_queries, cache_calls):
    """``count`` requests of ``user``'s stored session ``key``: no query, cache call, write."""
    sessions = [load_session(key) for _ in range(count)]
    with django_assert_num_queries(0):
        statuses = {handler(_request(user, session=session)).status_code for session in sessions}
    assert not any(session.modified for session in sessions)
    assert cache_calls == []
    return statuses


def test_middleware_costs_no_io_in_steady_state(
    customer, required, django_assert_num_queries, cache_calls
):
    accept(customer, 1)
    middleware = AcceptanceMiddleware(lambda request: HttpResponse("page"))
    key = signed_in_session(customer)
    first = load_session(key)
    assert middleware(_request(customer, session=first)).status_code == 200
    assert first.modified  # the first request records the acceptances in the session
    first.save()
    statuses = _steady(middleware, customer, key, 50, django_assert_num_queries, cache_calls)
    assert statuses == {200}


def test_decorator_costs_no_io_in_steady_state(
    customer, required, django_assert_num_queries, cache_calls
):
    accept(customer, 1)
    view = acceptance_required(lambda request: HttpResponse("ok"))
    key = signed_in_session(customer)
    first = load_session(key)
    assert view(_request(customer, session=first)).status_code == 200
    first.save()
    assert _steady(view, customer, key, 50, django_assert_num_queries, cache_calls) == {200}


def test_a_customer_refused_does_not_write_the_session_again(customer, required):
    middleware = AcceptanceMiddleware(lambda request: HttpResponse("page"))
    key = signed_in_session(customer)
    first = load_session(key)
    assert middleware(_request(customer, session=first)).status_code == 302
    first.save()
    again = load_session(key)
    assert middleware(_request(customer, session=again)).status_code == 302
    assert not again.modified


def test_flip_at_the_effective_instant_with_a_memo_computed_before(
    customer, required, django_assert_num_queries, cache_calls
):
    accept(customer, 1)
    middleware = AcceptanceMiddleware(lambda request: HttpResponse("page"))
    key = signed_in_session(customer)
    # Within GATE_REFRESH_SECONDS (5) of the instant, the memo's horizon is the instant itself.
    with time_machine.travel(required - timedelta(seconds=3), tick=False):
        first = load_session(key)
        assert middleware(_request(customer, session=first)).status_code == 200
        first.save()
        memo = gate._memo
        assert memo.horizon == required.timestamp()  # known in advance: the next version
    session = load_session(key)
    with time_machine.travel(required - timedelta(microseconds=1), tick=False):
        with django_assert_num_queries(0):
            assert middleware(_request(customer, session=session)).status_code == 200
    assert gate._memo is memo
    with time_machine.travel(required, tick=False):
        response = middleware(_request(customer, session=load_session(key)))
    assert response.status_code == 302 and gate._memo is not memo
    assert cache_calls == []


def test_every_worker_flips_at_the_instant(customer, required):
    """Workers that computed their memo at different times all flip at the same instant."""
    accept(customer, 1)
    key = signed_in_session(customer)
    workers = [Worker() for _ in range(3)]
    for offset, worker in zip((3600, 59, 1), workers, strict=True):
        with time_machine.travel(required - timedelta(seconds=offset), tick=False):
            with worker.serving():
                assert gate.missing_acceptances(customer, session=load_session(key)) == []
    for worker in workers:
        with worker.serving():
            with time_machine.travel(required - timedelta(microseconds=1), tick=False):
                assert gate.missing_acceptances(customer, session=load_session(key)) == []
            with time_machine.travel(required, tick=False):
                missing = gate.missing_acceptances(customer, session=load_session(key))
                assert [r.number for r in missing] == [2]


def test_a_superseded_upcoming_version_never_gates(customer, policies, required):
    """v2 (major, at ``required``) is replaced by v3 later; a worker's memo predates that."""
    accept(customer, 1)
    key = signed_in_session(customer)
    other = Worker()
    with time_machine.travel(required - timedelta(seconds=30), tick=False):
        with other.serving():
            assert gate.missing_acceptances(customer, session=load_session(key)) == []
    later = required + timedelta(days=5)
    page = PolicyPage.objects.get(slug="privacy-policy")
    policies.publish(page, level="major", effective_at=later, text="Other rules.")
    assert Policy.objects.get().versions.get(number=2).withdrawn_at is not None
    for at in (required - timedelta(microseconds=1), required, required + timedelta(days=1)):
        with time_machine.travel(at, tick=False):
            with other.serving():
                assert gate.missing_acceptances(customer, session=load_session(key)) == []
            assert gate.missing_acceptances(customer, session=load_session(key)) == []
    with time_machine.travel(later, tick=False):
        with other.serving():
            missing = gate.missing_acceptances(customer, session=load_session(key))
    assert [r.number for r in missing] == [3]


def test_a_stale_memo_never_keeps_anyone_out(customer, policies, django_assert_num_queries):
    """Another worker made the policy optional; this worker's memo still requires it."""
    page = policies.create(title="Privacy policy", requires_acceptance=True)
    page = policies.publish(page, level="editorial")
    key = signed_in_session(customer)
    stale = Worker()
    with stale.serving():
        assert gate.missing_acceptances(customer, session=load_session(key))
    page.requires_acceptance = False
    page.save()
    policies.publish(page, level="editorial", text="Optional now.")
    with stale.serving():
        assert [r.number for r in gate.requirements()] == [1]  # still stale
        session = load_session(key)
        assert gate.missing_acceptances(customer, session=session) == []
        assert gate.requirements() == ()  # and refreshed by the check
        with django_assert_num_queries(0):
            assert gate.missing_acceptances(customer, session=session) == []


def test_a_requirement_with_immediate_effect_reaches_other_workers_within_the_refresh(
    customer, policies, settings
):
    """Made binding at once by an editorial version: at once here, within the refresh there."""
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "GATE_REFRESH_SECONDS": 5}
    page = policies.create(title="Privacy policy", requires_acceptance=False)
    page = policies.publish(page, level="editorial")
    key = signed_in_session(customer)
    other = Worker()
    start = timezone.now()
    with time_machine.travel(start, tick=False), other.serving():
        assert gate.missing_acceptances(customer, session=load_session(key)) == []
    page.requires_acceptance = True
    page.save()
    with time_machine.travel(start + timedelta(seconds=1), tick=False):
        policies.publish(page, level="editorial", text="Now binding.")
        assert gate.missing_acceptances(customer, session=load_session(key))  # this worker
    with time_machine.travel(start + timedelta(seconds=4.9), tick=False), other.serving():
        assert gate.missing_acceptances(customer, session=load_session(key)) == []
    with time_machine.travel(start + timedelta(seconds=5), tick=False), other.serving():
        missing = gate.missing_acceptances(customer, session=load_session(key))
    assert [r.number for r in missing] == [2]


def gated_browser(user, settings):
    """A browser signed in as ``user`` on a site with the gate in its middleware."""
    if GATE not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE, GATE]
    browser = Client()
    browser.force_login(user)
    return browser


def test_acceptance_in_one_worker_is_seen_by_another_on_the_next_request(
    customer, required, settings
):
    browser = gated_browser(customer, settings)
    shop, api = Worker(), Worker()
    with shop.serving():
        assert browser.get("/shop/").status_code == 302
    with api.serving():
        accepted = browser.post(
            f"{API}/acceptances/",
            {"policy": "privacy-policy", "version": 1},
            content_type="application/json",
        )
        assert accepted.status_code == 201
    with shop.serving():
        assert shop.memo is not None  # computed before the acceptance, still in use
        assert browser.get("/shop/").status_code == 404  # reached the (missing) page
        assert browser.get("/shop/").status_code == 404


def test_acceptance_on_another_device_is_seen(customer, required, settings):
    phone = gated_browser(customer, settings)
    laptop = gated_browser(customer, settings)
    assert phone.get("/shop/").status_code == 302
    assert laptop.get("/shop/").status_code == 302
    done = laptop.post("/privacy/accept/", {"confirm": "on", "next": "/shop/"})
    assert done.status_code == 302 and done["Location"] == "/shop/"
    assert laptop.get("/shop/").status_code == 404
    fresh = Worker()
    with fresh.serving():
        assert phone.get("/shop/").status_code == 404


def test_a_session_entry_of_another_user_does_not_count(customer, other_customer, required):
    accept(customer, 1)
    session = load_session(signed_in_session(customer))
    assert gate.missing_acceptances(customer, session=session) == []
    assert [r.number for r in gate.missing_acceptances(other_customer, session=session)] == [1]
    assert not gate.passes(other_customer, session)


def test_a_computation_overtaken_by_a_publication_is_not_kept(customer, required, monkeypatch):
    original = gate.compute_requirements

    def publication_meanwhile(now):
        computed = original(now)
        gate.forget_requirements()  # a publication committed while this one was reading
        return computed

    monkeypatch.setattr(gate, "compute_requirements", publication_meanwhile)
    gate.requirements()
    assert gate._memo is None


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_worker_starts_without_the_parents_memo(required):
    gate.requirements()
    assert gate._memo is not None
    pid = os.fork()
    if pid == 0:  # the child: no database, no pytest, just the answer
        os._exit(0 if gate._memo is None else 1)
    _pid, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_accept_page_records_a_web_acceptance(client, customer, required):
    client.force_login(customer)
    page = client.get("/privacy/accept/?next=/basket/")
    assert page.status_code == 200
    assert "Privacy policy" in page.content.decode()
    refused = client.post("/privacy/accept/", {"next": "/basket/"})
    assert refused.status_code == 200 and not Acceptance.objects.exists()
    done = client.post("/privacy/accept/", {"confirm": "on", "next": "/basket/"})
    assert done.status_code == 302 and done["Location"] == "/basket/"
    record = Acceptance.objects.get()
    assert record.channel == "web" and record.version.number == 1


def test_accept_page_ignores_foreign_redirects(client, customer, required):
    client.force_login(customer)
    done = client.post("/privacy/accept/", {"confirm": "on", "next": "https://evil.example/"})
    assert done["Location"] == "/"


def test_accept_page_needs_sign_in(client, required):
    response = client.get("/privacy/accept/")
    assert response.status_code == 302 and "login" in response["Location"]
