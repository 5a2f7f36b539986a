"""The step-up throttle's cache: the system checks on it, and that the throttle uses it."""

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.test import Client

from wagtail_privacy.checks import check_throttle_cache
from wagtail_privacy.verification import service

API = "/api/privacy/v1/me/verification/"
LOCMEM = "django.core.cache.backends.locmem.LocMemCache"
DUMMY = "django.core.cache.backends.dummy.DummyCache"
REDIS = "django.core.cache.backends.redis.RedisCache"


def ids():
    return [problem.id for problem in check_throttle_cache()]


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    return settings


def test_a_per_process_cache_is_a_warning(production):
    production.CACHES = {"default": {"BACKEND": LOCMEM}}
    [problem] = check_throttle_cache()
    assert problem.id == "wagtail_privacy.W003"
    assert "CACHES['default']" in problem.msg and "THROTTLE_CACHE" in problem.hint


def test_the_dummy_cache_is_an_error(production):
    production.CACHES = {"default": {"BACKEND": LOCMEM}, "none": {"BACKEND": DUMMY}}
    production.WAGTAIL_PRIVACY = {"THROTTLE_CACHE": "none"}
    assert ids() == ["wagtail_privacy.E014"]


def test_subclasses_count(production):
    production.CACHES = {
        "default": {"BACKEND": LOCMEM},
        "mine": {"BACKEND": "tests.verification.test_throttle_checks.MyLocMemCache"},
    }
    production.WAGTAIL_PRIVACY = {"THROTTLE_CACHE": "mine"}
    assert ids() == ["wagtail_privacy.W003"]


def test_a_shared_cache_is_clean(production):
    production.CACHES = {
        "default": {"BACKEND": LOCMEM},
        "shared": {"BACKEND": REDIS, "LOCATION": "redis://127.0.0.1:6379/14"},
    }
    production.WAGTAIL_PRIVACY = {"THROTTLE_CACHE": "shared"}
    assert ids() == []


def test_no_warning_in_debug(settings):
    settings.DEBUG = True
    settings.CACHES = {"default": {"BACKEND": LOCMEM}, "none": {"BACKEND": DUMMY}}
    assert ids() == []
    settings.WAGTAIL_PRIVACY = {"THROTTLE_CACHE": "none"}
    assert ids() == []


@pytest.mark.parametrize("debug", [True, False])
def test_an_unknown_alias_is_an_error(settings, debug):
    settings.DEBUG = debug
    settings.WAGTAIL_PRIVACY = {"THROTTLE_CACHE": "throttle"}
    assert ids() == ["wagtail_privacy.E013"]


def test_the_setting_is_a_known_key(settings):
    from wagtail_privacy.checks import check_settings

    settings.WAGTAIL_PRIVACY = {"THROTTLE_CACHE": "default"}
    assert [p.id for p in check_settings()] == []


def test_registered_with_the_checks(production):
    from django.core.checks import run_checks

    production.CACHES = {"default": {"BACKEND": LOCMEM}}
    found = [p.id for p in run_checks(tags=["caches"]) if p.id.startswith("wagtail_privacy.")]
    assert found == ["wagtail_privacy.W003"]


class MyLocMemCache(LocMemCache):
    pass


@pytest.mark.django_db
def test_the_throttle_counts_in_its_own_cache(customer, settings):
    settings.CACHES = {
        "default": {"BACKEND": LOCMEM, "LOCATION": "default"},
        "throttle": {"BACKEND": LOCMEM, "LOCATION": "throttle"},
    }
    settings.WAGTAIL_PRIVACY = {
        **settings.WAGTAIL_PRIVACY,
        "THROTTLE_CACHE": "throttle",
        "STEP_UP_MAX_ATTEMPTS": 2,
    }
    client = Client()
    client.force_login(customer)
    for _attempt in range(2):
        response = client.post(API, {"token": "000000"}, content_type="application/json")
        assert response.status_code == 400
    keys = [service.FAILURES_KEY.format(customer.pk, n) for n in range(2)]
    assert set(caches["throttle"].get_many(keys)) == set(keys)
    assert cache.get_many(keys) == {}
    refused = client.post(API, {"token": "000000"}, content_type="application/json")
    assert refused.status_code == 429 and refused.json()["code"] == "throttled"
    caches["throttle"].clear()
    assert client.post(API, {"token": "000000"}, content_type="application/json").status_code == 400


@pytest.mark.django_db
def test_the_last_attempt_goes_to_one_caller_only(customer, settings):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "STEP_UP_MAX_ATTEMPTS": 3}
    claimed = [service._claim_attempt(customer) for _ in range(3)]
    assert len(set(claimed)) == 3
    with pytest.raises(service.Throttled) as refused:
        service._claim_attempt(customer)
    assert 0 < refused.value.params["retry_after"] <= 901
    # An attempt given back (django-otp's back-off: no code checked) can be taken again.
    service._release_attempt(claimed[1])
    assert service._claim_attempt(customer) == claimed[1]
