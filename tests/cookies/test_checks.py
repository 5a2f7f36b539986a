"""System checks of cookie consent: its settings (E090, E091, E095), its categories (E092-94)."""

import pytest
from django.core.management import call_command

from tests.cookies.helpers import category
from wagtail_privacy.checks import check_cookie_categories, check_cookie_settings

pytestmark = pytest.mark.django_db


def ids(problems):
    return sorted(problem.id for problem in problems)


def test_the_defaults_are_clean(cookie_categories):
    assert check_cookie_settings() == []
    assert check_cookie_categories(databases=["default"]) == []


@pytest.mark.parametrize(
    "overrides, expected",
    [
        ({"COOKIE_VISITOR_COOKIE": ""}, ["wagtail_privacy.E090"]),
        ({"COOKIE_VISITOR_COOKIE": "my cookie;"}, ["wagtail_privacy.E090"]),
        ({"COOKIE_VISITOR_COOKIE": None}, ["wagtail_privacy.E090"]),
        ({"COOKIE_VISITOR_COOKIE": "sessionid"}, ["wagtail_privacy.E090"]),
        ({"COOKIE_VISITOR_COOKIE": "csrftoken"}, ["wagtail_privacy.E090"]),
        ({"COOKIE_CONSENT_MAX_AGE": "395d"}, ["wagtail_privacy.E091"]),
        ({"COOKIE_CONSENT_MAX_AGE": 3600}, ["wagtail_privacy.E091"]),
        ({"COOKIE_CONSENT_MAX_AGE": 401 * 24 * 3600}, ["wagtail_privacy.E091"]),
        ({"COOKIE_CONSENT_MAX_AGE": True}, ["wagtail_privacy.E091"]),
        ({"COOKIE_NEW_VISITORS_PER_IP": 0}, ["wagtail_privacy.E095"]),
        ({"COOKIE_NEW_VISITORS_PER_IP": "600"}, ["wagtail_privacy.E095"]),
        ({"COOKIE_VISITOR_COOKIE": "shop_visitor", "COOKIE_CONSENT_MAX_AGE": 86400}, []),
    ],
)
def test_bad_settings(settings, overrides, expected):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, **overrides}
    assert ids(check_cookie_settings()) == expected


def test_a_category_both_necessary_and_marketing(locales):
    category(locales, "odd", "Odd", necessary=True, marketing=True)
    assert ids(check_cookie_categories(databases=["default"])) == ["wagtail_privacy.E092"]


def test_a_key_shared_by_categories_that_are_not_translations(locales):
    category(locales, "statistics", "Statistics")
    category(locales, "statistics", "Statistika", language="sl")  # not a translation
    assert ids(check_cookie_categories(databases=["default"])) == ["wagtail_privacy.E093"]


def test_translations_that_disagree(locales):
    original = category(locales, "statistics", "Statistics")
    category(locales, "statistics", "Statistika", language="sl", original=original, marketing=True)
    assert ids(check_cookie_categories(databases=["default"])) == ["wagtail_privacy.E094"]
    other = category(locales, "ads", "Ads", marketing=True)
    category(locales, "oglasi", "Oglasi", language="sl", original=other, marketing=True)
    assert ids(check_cookie_categories(databases=["default"])) == [
        "wagtail_privacy.E094",
        "wagtail_privacy.E094",
    ]


def test_the_database_checks_run_only_when_asked(locales):
    category(locales, "odd", "Odd", necessary=True, marketing=True)
    assert check_cookie_categories() == []
    with pytest.raises(Exception, match="E092"):
        call_command("check", "--database", "default", "--fail-level", "ERROR")
