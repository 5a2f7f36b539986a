"""Dates as customers and staff read them, the same way on every page, email and PDF.

Django's own formats of the shop's languages disagree with each other and with how these
languages write dates: English "Nov. 28, 2026" beside "July 27, 2026", Slovenian
"06. december 2026", Croatian "28. studenoga 2026." (a full stop that a sentence then doubles),
US "11/24/2026" for short dates. Here each language has one long date, day first and with the
month's name, and no date ends in a full stop: sentences add their own. Languages without an
entry use Django's ``DATE_FORMAT``, and a site that set ``FORMAT_MODULE_PATH`` (its own formats)
gets those.
"""

from datetime import datetime

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.dateformat import format as format_value

DATE = {"en": "j F Y", "sl": "j. F Y", "hr": "j. E Y", "sq": "j F Y"}
DATETIME = {"en": "j F Y, H:i", "sl": "j. F Y, H:i", "hr": "j. E Y. H:i", "sq": "j F Y, H:i"}


def _pattern(table, django_name):
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if getattr(settings, "FORMAT_MODULE_PATH", None) or language not in table:
        return formats.get_format(django_name)
    return table[language]


def _local(value):
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def date(value):
    """``value`` (a date or datetime) as a long date in the active language."""
    if value in (None, ""):
        return ""
    return format_value(_local(value), _pattern(DATE, "DATE_FORMAT")).rstrip(".")


def date_time(value):
    """``value`` as a date with the time of day, in the active language and time zone."""
    if value in (None, ""):
        return ""
    return format_value(_local(value), _pattern(DATETIME, "DATETIME_FORMAT")).rstrip(".")
