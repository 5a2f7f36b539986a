"""GET/PUT /api/privacy/v1/cookies/ end to end, through the test client."""

import pytest
from django.core import signing
from django.test import Client

from wagtail_privacy.cookies import service, visitor
from wagtail_privacy.cookies.models import CookieConsentRecord, CookieItem

pytestmark = pytest.mark.django_db

URL = "/api/privacy/v1/cookies/"
COOKIE = "privacy_visitor"


def put(client, choices, **extra):
    return client.put(
        URL, {"choices": choices, **extra.pop("body", {})}, content_type="application/json", **extra
    )


def by_key(body):
    return {c["key"]: c for c in body["categories"]}


def test_before_any_choice_the_banner_shows_and_no_cookie_is_set(client, cookie_categories):
    response = client.get(URL)
    assert response.status_code == 200
    assert response.cookies == {} and "Set-Cookie" not in response.headers
    body = response.json()
    assert body["show_banner"] is True and body["gpc"] is False and body["decided_at"] is None
    assert body["choices"] == {"statistics": False, "marketing": False}
    categories = by_key(body)
    assert [c["key"] for c in body["categories"]] == ["necessary", "statistics", "marketing"]
    assert categories["necessary"]["choice"] is True and categories["necessary"]["necessary"]
    assert categories["statistics"]["choice"] is None and not categories["statistics"]["changed"]
    assert categories["marketing"]["marketing"] is True
    assert categories["necessary"]["cookies"][0] == {
        "name": "sessionid",
        "provider": "Lipa & Co.",
        "duration": "2 weeks",
        "purpose": "sessionid purpose",
    }
    assert body["texts"]["accept_all"] == "Accept all" and body["texts"]["reject_all"]
    assert body["policy"] == {"title": "Cookie policy", "url": ""}
    assert "no-cache" in response["Cache-Control"] and "Cookie" in response["Vary"]


def test_the_reader_language(client, cookie_categories):
    body = client.get(URL, HTTP_ACCEPT_LANGUAGE="sl").json()
    assert by_key(body)["statistics"]["name"] == "Statistika"
    assert by_key(body)["statistics"]["cookies"][0]["duration"] == "13 mesecev"
    assert by_key(body)["marketing"]["name"] == "Marketing"  # no translation: English
    assert body["texts"]["accept_all"] != "" and client.get(f"{URL}?locale=xx").status_code == 400


def test_put_records_and_sets_only_the_visitor_cookie(client, cookie_categories):
    response = put(client, {"statistics": True}, body={"source": "banner"})
    assert response.status_code == 200
    assert list(response.cookies) == [COOKIE]
    morsel = response.cookies[COOKIE]
    assert morsel["httponly"] and morsel["samesite"] == "Lax" and not morsel["secure"]
    assert int(morsel["max-age"]) == 395 * 24 * 3600
    body = response.json()
    assert body["show_banner"] is False and body["decided_at"] is not None
    assert body["choices"] == {"statistics": True, "marketing": False}
    rows = {r.category_key: r for r in CookieConsentRecord.objects.all()}
    assert set(rows) == {"statistics", "marketing"}  # marketing left out: refused
    assert rows["statistics"].granted and not rows["marketing"].granted
    assert rows["statistics"].source == "banner" and rows["statistics"].user is None
    assert rows["statistics"].fingerprint == cookie_categories["statistics"].fingerprint
    assert rows["statistics"].visitor_id == signing.Signer(salt=visitor.SALT).unsign(morsel.value)
    # The same choices again record nothing; the cookie is kept by the client.
    again = client.get(URL).json()
    assert again["choices"] == {"statistics": True, "marketing": False}
    assert put(client, {"statistics": True}).status_code == 200
    assert CookieConsentRecord.objects.count() == 2
    # A change records that category only.
    assert put(client, {"marketing": True}).json()["choices"] == {
        "statistics": True,
        "marketing": True,
    }
    assert CookieConsentRecord.objects.count() == 3


def test_reject_all_is_an_empty_choice(client, cookie_categories):
    body = put(client, {}, body={"source": "banner"}).json()
    assert body["choices"] == {"statistics": False, "marketing": False}
    assert body["show_banner"] is False
    assert [c["choice"] for c in body["categories"]] == [True, False, False]
    assert set(CookieConsentRecord.objects.values_list("granted", "source")) == {(False, "banner")}


def test_a_secure_request_gets_a_secure_cookie(cookie_categories):
    client = Client()
    response = put(client, {"statistics": False}, secure=True)
    assert response.cookies[COOKIE]["secure"]


@pytest.mark.parametrize(
    "value",
    [
        "forged",
        "abc:def",
        signing.Signer(salt="another.salt").sign("A" * 24),
        signing.Signer(salt=visitor.SALT).sign("A" * 300),
        "x" * 201,
    ],
)
def test_a_forged_or_oversized_visitor_cookie_is_replaced(client, cookie_categories, value):
    put(Client(), {"statistics": True})  # someone else's choice
    client.cookies[COOKIE] = value
    body = client.get(URL).json()
    assert body["show_banner"] is True
    response = put(client, {"statistics": False})
    new = response.cookies[COOKIE].value
    assert new != value and visitor.MAX_LENGTH >= len(new)
    new_id = signing.Signer(salt=visitor.SALT).unsign(new)
    assert CookieConsentRecord.objects.filter(visitor_id=new_id).count() == 2


def test_another_visitors_signed_id_is_theirs_only(client, cookie_categories):
    first = Client()
    put(first, {"statistics": True})
    assert first.get(URL).json()["choices"]["statistics"] is True
    assert client.get(URL).json()["choices"]["statistics"] is False


@pytest.mark.parametrize(
    "choices, code",
    [
        ({"tracking": True}, "unknown_cookie_category"),
        ({"statistics": True, "x" * 500: False}, "unknown_cookie_category"),
        ({"necessary": False}, "cookie_category_necessary"),
    ],
)
def test_bad_choices_are_422_with_a_stable_code(client, cookie_categories, choices, code):
    response = put(client, choices)
    assert response.status_code == 422
    assert response.json()["code"] == code and response.json()["detail"]
    assert CookieConsentRecord.objects.count() == 0 and COOKIE not in response.cookies


@pytest.mark.parametrize(
    "body",
    [
        {"choices": {"statistics": "yes"}},
        {"choices": ["statistics"]},
        {"choices": {"statistics": True}, "source": "gpc"},
        {},
        {"choices": {f"k{i}": True for i in range(101)}},
    ],
)
def test_malformed_bodies_are_invalid_input(client, cookie_categories, body):
    response = client.put(URL, body, content_type="application/json")
    assert response.status_code == 422 and response.json()["code"] == "invalid_input"
    assert CookieConsentRecord.objects.count() == 0


def test_necessary_true_is_accepted_and_not_recorded(client, cookie_categories):
    assert put(client, {"necessary": True}).status_code == 200
    assert set(CookieConsentRecord.objects.values_list("category_key", flat=True)) == {
        "statistics",
        "marketing",
    }


def test_global_privacy_control_is_recorded_once(client, cookie_categories):
    # A browser without a visitor cookie: the header decides alone, nothing is stored (a
    # client that keeps no cookie would add records on every request).
    for _ in range(3):
        response = client.get(URL, HTTP_SEC_GPC="1")
        assert response.json()["gpc"] is True and response.cookies == {}
        assert by_key(response.json())["marketing"]["choice"] is None
        assert response.json()["choices"]["marketing"] is False
    assert CookieConsentRecord.objects.count() == 0
    assert "Global Privacy Control" in response.json()["texts"]["gpc"]
    assert response.json()["texts"]["error"]
    # A known browser (a choice made before, without GPC): the refusal is recorded once.
    put(client, {"statistics": False, "marketing": True})
    assert CookieConsentRecord.objects.count() == 2
    first = client.get(URL, HTTP_SEC_GPC="1")
    body = first.json()
    assert body["gpc"] is True
    assert list(first.cookies) == [COOKIE]  # a refusal was recorded
    assert by_key(body)["marketing"]["choice"] is False
    assert body["show_banner"] is False
    record = CookieConsentRecord.objects.latest("pk")
    assert (record.category_key, record.granted, record.source, record.gpc) == (
        "marketing",
        False,
        "gpc",
        True,
    )
    second = client.get(URL, HTTP_SEC_GPC="1")
    assert second.json()["gpc"] is True and second.cookies == {}
    assert CookieConsentRecord.objects.count() == 3
    # Allowing marketing under GPC is recorded as a refusal: already recorded.
    body = put(client, {"statistics": True, "marketing": True}, HTTP_SEC_GPC="1").json()
    assert body["choices"] == {"statistics": True, "marketing": False} and body["gpc"] is True
    assert CookieConsentRecord.objects.count() == 4  # statistics only


def test_a_first_choice_under_gpc_records_the_refusal(client, cookie_categories):
    body = put(client, {"statistics": True, "marketing": True}, HTTP_SEC_GPC="1").json()
    assert body["choices"] == {"statistics": True, "marketing": False}
    marketing = CookieConsentRecord.objects.get(category_key="marketing")
    assert (marketing.granted, marketing.source, marketing.gpc) == (False, "gpc", True)


def test_without_gpc_a_get_records_nothing(client, cookie_categories):
    client.get(URL)
    client.get(URL, HTTP_SEC_GPC="0")
    assert CookieConsentRecord.objects.count() == 0


def test_a_changed_category_asks_again_for_it_only(client, cookie_categories):
    put(client, {"statistics": True, "marketing": True})
    statistics = cookie_categories["statistics"]
    CookieItem.objects.create(
        category=statistics, name="_demo_stats_id", provider="Lipa Stats", duration="1 day"
    )
    body = client.get(URL).json()
    assert body["show_banner"] is True
    assert by_key(body)["statistics"]["choice"] is None
    assert by_key(body)["statistics"]["changed"] is True
    assert by_key(body)["marketing"]["choice"] is True and not by_key(body)["marketing"]["changed"]
    assert body["choices"] == {"statistics": False, "marketing": True}
    # A new wording version too (saved by an editor: the rules are forgotten).
    marketing = cookie_categories["marketing"]
    marketing.wording_version = 2
    marketing.save()
    body = client.get(URL).json()
    assert by_key(body)["marketing"]["changed"] is True
    body = put(client, {"statistics": True}).json()  # marketing left out: refused now
    assert body["show_banner"] is False
    assert body["choices"] == {"statistics": True, "marketing": False}


def test_a_new_wording_asks_again_even_without_a_new_version(client, cookie_categories):
    put(client, {"statistics": True, "marketing": False})
    statistics = cookie_categories["statistics"]
    statistics.wording = statistics.wording + " We also count which pages you read."
    statistics.save()
    body = client.get(URL).json()
    assert by_key(body)["statistics"]["changed"] is True and body["show_banner"] is True
    put(client, {"statistics": True})
    record = CookieConsentRecord.objects.filter(category_key="statistics").latest("pk")
    assert record.wording_sha256 == statistics.wording_sha256  # the text agreed to, in proof


def test_a_translation_does_not_change_the_fingerprint(client, cookie_categories, locales):
    put(client, {"statistics": True})
    sl = cookie_categories["statistics"].get_translation(locales["sl"])
    sl.cookies.all().update(duration="eno leto")
    sl.save()
    assert client.get(URL).json()["show_banner"] is False


def test_sign_in_joins_the_visitors_choices(client, customer, cookie_categories):
    put(client, {"statistics": True, "marketing": False})
    sign_in(client)
    joined = CookieConsentRecord.objects.filter(user=customer)
    assert sorted(joined.values_list("category_key", "granted", "source")) == [
        ("marketing", False, "joined"),
        ("statistics", True, "joined"),
    ]
    # Another browser, signed in as the same customer, sees the same choices.
    other = Client()
    assert other.get(URL).json()["show_banner"] is True
    sign_in(other)
    body = other.get(URL).json()
    assert body["show_banner"] is False
    assert body["choices"] == {"statistics": True, "marketing": False}
    # A change there follows the customer back to the first browser.
    csrf = Client(enforce_csrf_checks=True)
    csrf.force_login(customer)
    token = _csrf_token(csrf)
    response = put(csrf, {"statistics": False}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200, response.json()
    assert client.get(URL).json()["choices"]["statistics"] is False


def sign_in(client, username="ana"):
    """Sign in through a real login form (Wagtail's), as a browser does: with its cookies."""
    response = client.post("/admin/login/", {"username": username, "password": "pw"})
    assert response.status_code == 302
    return client


def _csrf_token(client):
    from django.middleware.csrf import _get_new_csrf_string

    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token
    return token


def test_an_older_visitor_choice_does_not_override_the_account(client, customer, cookie_categories):
    put(client, {"statistics": True})
    account = Client()
    account.force_login(customer)
    put(account, {"statistics": False})
    sign_in(client)
    assert CookieConsentRecord.objects.filter(user=customer, source="joined").count() == 0
    assert client.get(URL).json()["choices"]["statistics"] is False


def test_sign_in_keeps_when_a_choice_was_made_and_skips_lapsed_ones(
    client, customer, cookie_categories
):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    # A marketing choice older than COOKIE_CONSENT_MAX_AGE (395 days) no longer counts.
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=396)):
        put(client, {"statistics": False, "marketing": True})
    with time_machine.travel(now - timedelta(days=10)):
        put(client, {"statistics": True})  # marketing still counts then: left alone
    made = CookieConsentRecord.objects.filter(category_key="statistics").latest("pk").at
    sign_in(client)
    joined = CookieConsentRecord.objects.filter(user=customer, source="joined")
    assert list(joined.values_list("category_key", "at")) == [("statistics", made)]
    body = client.get(URL).json()
    assert body["choices"] == {"statistics": True, "marketing": False}
    assert by_key(body)["marketing"]["choice"] is None and body["show_banner"] is True


def test_a_later_choice_on_another_device_wins_at_sign_in(client, customer, cookie_categories):
    put(client, {"statistics": True})  # device A, signed out
    device_b = Client()
    put(device_b, {"statistics": False})  # device B, signed out, later
    sign_in(device_b)
    sign_in(client)  # A's choice is older than the account's (B's): not carried over
    assert client.get(URL).json()["choices"]["statistics"] is False


def test_a_signed_in_put_needs_the_csrf_token(customer, cookie_categories):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    response = put(client, {"statistics": True})
    assert response.status_code == 403 and response.json()["code"] == "csrf_failed"
    assert CookieConsentRecord.objects.count() == 0
    token = _csrf_token(client)
    response = put(client, {"statistics": True}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    assert CookieConsentRecord.objects.filter(user=customer).count() == 2


def test_an_anonymous_put_needs_no_csrf_token(cookie_categories):
    client = Client(enforce_csrf_checks=True)
    assert put(client, {"statistics": True}).status_code == 200


def test_the_cookie_policy_link(client, cookie_categories, policies):
    page = policies.create(title="Cookie policy", kind="cookies", slug="cookies")
    policies.publish(page, level="editorial")
    policy = client.get(URL).json()["policy"]
    assert policy["title"] == "Cookie policy" and policy["url"].endswith("/cookies/")
    assert service.cookie_policy_url("en") == policy["url"]
    put(client, {"statistics": True})
    assert CookieConsentRecord.objects.filter(policy_version__isnull=False).count() == 2


def test_the_openapi_document_lists_the_codes(client):
    schema = client.get("/api/privacy/v1/openapi.json").json()
    put_op = schema["paths"]["/api/privacy/v1/cookies/"]["put"]
    assert "unknown_cookie_category" in put_op["responses"]["422"]["description"]
    assert "cookie_category_necessary" in put_op["responses"]["422"]["description"]
    assert (
        put_op["description"] and schema["paths"]["/api/privacy/v1/cookies/"]["get"]["description"]
    )


def test_new_visitors_are_counted_per_ip_address(cookie_categories, settings):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "COOKIE_NEW_VISITORS_PER_IP": 2}
    # A client that keeps no cookie: a new visitor, and new proof, on every request.
    for _ in range(2):
        assert put(Client(), {"statistics": True}).status_code == 200
    refused = put(Client(), {"statistics": True})
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled" and refused.json()["retry_after"] == 3600
    assert refused.cookies == {}
    assert CookieConsentRecord.objects.count() == 4  # two visitors, two categories each
    # Another address, a known visitor and a signed-in customer are not held back.
    assert put(Client(REMOTE_ADDR="192.0.2.9"), {"statistics": True}).status_code == 200
    known = Client()
    known.cookies[COOKIE] = visitor.signed(visitor.new_id())
    assert put(known, {"statistics": True}).status_code == 200
