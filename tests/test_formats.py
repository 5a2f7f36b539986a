"""Dates read the same way everywhere, in each language's own style."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from django.utils.formats import reset_format_cache

from wagtail_privacy import formats

WHEN = datetime(2026, 11, 6, 13, 5, tzinfo=ZoneInfo("UTC"))


@pytest.mark.parametrize(
    "language,long_date",
    [
        ("en", "6 November 2026"),
        ("sl", "6. november 2026"),
        ("hr", "6. studenoga 2026"),
        ("sq", "6 Nëntor 2026"),  # month names as Django's Albanian catalog writes them
    ],
)
def test_one_long_date_per_language_with_no_full_stop_for_the_sentence_to_double(
    settings, language, long_date
):
    settings.TIME_ZONE = "UTC"
    with translation.override(language):
        assert formats.date(WHEN) == long_date
        assert formats.date(date(2026, 11, 6)) == long_date
        assert formats.date_time(WHEN).startswith(long_date)
        assert formats.date_time(WHEN).endswith("13:05")


def test_a_site_with_its_own_formats_keeps_them(settings):
    settings.FORMAT_MODULE_PATH = "tests.testapp.formats"
    reset_format_cache()  # Django keeps the format modules it found per language
    try:
        with translation.override("en"):
            assert formats.date(WHEN) == "2026-11-06"
    finally:
        reset_format_cache()


def test_other_languages_use_djangos_format():
    with translation.override("de"):
        assert formats.date(WHEN) == "6. November 2026"
