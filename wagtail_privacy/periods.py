"""Periods a shop promises in its policy: "30 days" or "1 month", written ``"30d"``/``"1m"``.

Calendar months keep the day of the month (31 January + 1 month = 28 February), as the GDPR's
"one month" is read; days are calendar days at the same local time.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import ngettext

_SYNTAX = re.compile(r"^\s*(\d+)\s*([dm])\s*$", re.IGNORECASE)


class InvalidPeriod(ValueError):
    """A period that is not a whole number of days or months (``"30d"``, ``"1m"``)."""


@dataclass(frozen=True, order=True)
class Period:
    count: int
    unit: str  # "d" (days) or "m" (calendar months)

    @classmethod
    def parse(cls, value):
        """A ``Period`` from ``"30d"``, ``"1m"`` or a ``Period``; ``InvalidPeriod`` otherwise."""
        if isinstance(value, Period):
            return value
        match = _SYNTAX.match(value) if isinstance(value, str) else None
        if match is None:
            raise InvalidPeriod(
                f"{value!r} is not a period: write a whole number of days or months, "
                'such as "30d" or "1m".'
            )
        return cls(int(match[1]), match[2].lower())

    def after(self, moment):
        """``moment`` plus this period, in the site's time zone."""
        local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
        if self.unit == "d":
            return local + timedelta(days=self.count)
        return add_months(local, self.count)

    def __str__(self):
        if self.unit == "d":
            return ngettext("%(count)d day", "%(count)d days", self.count) % {"count": self.count}
        return ngettext("%(count)d month", "%(count)d months", self.count) % {"count": self.count}

    @property
    def code(self):
        """The period as written in settings: ``"30d"``."""
        return f"{self.count}{self.unit}"


def add_months(moment, months):
    """``moment`` plus calendar months, on the same day or the month's last (31 Jan → 28 Feb)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)
