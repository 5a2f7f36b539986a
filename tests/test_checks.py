"""System checks report a misconfigured WAGTAIL_PRIVACY."""

import pytest

from wagtail_privacy.checks import check_settings


def ids(settings):
    return {problem.id for problem in check_settings()}


def test_default_configuration_is_clean(settings):
    assert ids(settings) == set()


def test_bad_values_are_reported(settings):
    settings.WAGTAIL_PRIVACY = {
        "NOTICE_DAYS": -1,
        "POLICY_KINDS": [],
        "PDF_STORAGE": "nowhere",
        "PDF_RENDER_TIMEOUT": 0,
        "ACCEPTANCE_IP": "partial",
        "NOTICE_BATCH_SIZE": 0,
        "HOST": "no.such.module.Host",
        "CUSTOMER_LANGUAGE": "tests.testapp.hooks.profile_languages",
        "NOTICE_DAY": 5,
        "ERASURES_PER_TICK": 0,
    }
    assert ids(settings) == {
        "wagtail_privacy.E002",
        "wagtail_privacy.E003",
        "wagtail_privacy.E004",
        "wagtail_privacy.E005",
        "wagtail_privacy.E006",
        "wagtail_privacy.E007",
        "wagtail_privacy.E008",
        "wagtail_privacy.E011",
        "wagtail_privacy.E016",
        "wagtail_privacy.W001",
    }


def test_not_a_dict(settings):
    settings.WAGTAIL_PRIVACY = ["NOTICE_DAYS"]
    assert ids(settings) == {"wagtail_privacy.E001"}


def test_i18n_off_is_a_warning(settings):
    settings.WAGTAIL_I18N_ENABLED = False
    assert ids(settings) == {"wagtail_privacy.W002"}


def test_middleware_order(settings):
    settings.MIDDLEWARE = [
        "wagtail_privacy.notices.enforcement.AcceptanceMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
    ]
    assert "wagtail_privacy.E009" in ids(settings)


def test_missing_apps(settings, monkeypatch):
    from wagtail_privacy import checks

    class WithoutOtp:
        INSTALLED_APPS = [a for a in settings.INSTALLED_APPS if a != "django_otp"]

        def __getattr__(self, name):
            return getattr(settings, name)

    # Changing INSTALLED_APPS for real would reload every app; the check only reads the list.
    monkeypatch.setattr(checks, "settings", WithoutOtp())
    assert "wagtail_privacy.E010" in {p.id for p in checks.check_settings()}


@pytest.mark.parametrize(
    "key, value",
    [
        ("RETENTION_BATCH_SIZE", 0),
        ("ERASURES_PER_TICK", "all"),
        ("ERASURE_CLAIM_TIMEOUT", -5),
        ("ERASE_USER", "shred"),
        ("GATE_REFRESH_SECONDS", 0),
        ("EXPORT_STALE_SECONDS", "soon"),
        ("NOTICE_TASKS_LOST_AFTER", 0),
        ("EXPORT_MAX_ATTEMPTS", 0),
    ],
)
def test_sweep_settings_are_checked(settings, key, value):
    settings.WAGTAIL_PRIVACY = {key: value}
    assert ids(settings) == {"wagtail_privacy.E011"}


def test_a_host_that_is_not_a_host_subclass_is_reported(settings):
    settings.WAGTAIL_PRIVACY = {"HOST": "tests.testapp.hooks.profile_languages"}
    assert "wagtail_privacy.E008" in ids(settings)
