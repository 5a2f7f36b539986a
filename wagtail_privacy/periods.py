"""Periods a shop promises in its policy: "30 days", "1 month" or "10 years", written
``"30d"``/``"1m"``/``"10y"``.

Calendar months keep the day of the month (31 January + 1 month = 28 February), as the GDPR's
"one month" is read; a year is twelve such months; days are calendar days at the same local
time. Years are accepted only where a caller asks for them (retention periods): the deadlines
of requests are days or months.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import ngettext

_SYNTAX = re.compile(r"^\s*(\d+)\s*([a-z])\s*$", re.IGNORECASE)
#: What each unit is called in error messages, and an example of it.
_UNITS = {"d": ("days", "30d"), "m": ("months", "1m"), "y": ("years", "10y")}


class InvalidPeriod(ValueError):
    """A period that is not a whole number of days or months (``"30d"``, ``"1m"``), or of
    years where they are allowed (``"10y"``)."""


@dataclass(frozen=True, order=True)
class Period:
    count: int
    unit: str  # "d" (days), "m" (calendar months) or "y" (calendar years)

    @classmethod
    def parse(cls, value, *, units="dm"):
        """A ``Period`` from ``"30d"``, ``"1m"`` (``"10y"`` if ``units`` has ``"y"``) or a
        ``Period`` in one of ``units``; ``InvalidPeriod`` otherwise."""
        match = _SYNTAX.match(value) if isinstance(value, str) else None
        if isinstance(value, Period) and value.unit in units:
            return value
        if match is None or match[2].lower() not in units:
            names = [_UNITS[unit][0] for unit in units]
            examples = [f'"{_UNITS[unit][1]}"' for unit in units]
            raise InvalidPeriod(
                f"{value!r} is not a period: write a whole number of {_either(names)}, "
                f"such as {_either(examples)}."
            )
        return cls(int(match[1]), match[2].lower())

    def after(self, moment):
        """``moment`` plus this period, in the site's time zone."""
        return self._shift(moment, self.count)

    def before(self, moment):
        """``moment`` minus this period, in the site's time zone (the day of the month is kept,
        or the month's last: 29 February 2036 - 10 years = 28 February 2026)."""
        return self._shift(moment, -self.count)

    def _shift(self, moment, count):
        local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
        if self.unit == "d":
            return local + timedelta(days=count)
        return add_months(local, count * 12 if self.unit == "y" else count)

    def __str__(self):
        if self.unit == "d":
            return ngettext("%(count)d day", "%(count)d days", self.count) % {"count": self.count}
        if self.unit == "y":
            return ngettext("%(count)d year", "%(count)d years", self.count) % {"count": self.count}
        return ngettext("%(count)d month", "%(count)d months", self.count) % {"count": self.count}

    @property
    def code(self):
        """The period as written in settings: ``"30d"``."""
        return f"{self.count}{self.unit}"


def _either(words):
    return " or ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)


def add_months(moment, months):
    """``moment`` plus calendar months, on the same day or the month's last (31 Jan → 28 Feb)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)
