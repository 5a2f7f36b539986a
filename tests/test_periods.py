"""Periods: days, calendar months, and calendar years where a caller allows them."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from wagtail_privacy.periods import InvalidPeriod, Period

TZ = ZoneInfo("Europe/Ljubljana")


def test_years_are_read_where_allowed():
    assert Period.parse("10y", units="dmy") == Period(10, "y")
    assert Period.parse(" 60M ", units="dmy") == Period(60, "m")
    assert str(Period(10, "y")) == "10 years" and str(Period(1, "y")) == "1 year"
    assert Period(10, "y").code == "10y"


def test_years_are_refused_where_they_are_not_asked_for():
    with pytest.raises(InvalidPeriod, match='"30d" or "1m"'):
        Period.parse("2y")
    with pytest.raises(InvalidPeriod, match='days, months or years, such as "30d", "1m" or "10y"'):
        Period.parse("10 years", units="dmy")


def test_a_period_before_and_after_a_moment():
    moment = datetime(2036, 2, 29, 10, tzinfo=TZ)
    assert Period(10, "y").before(moment) == datetime(2026, 2, 28, 10, tzinfo=TZ)
    assert Period(10, "y").after(datetime(2026, 3, 31, 10, tzinfo=TZ)) == datetime(
        2036, 3, 31, 10, tzinfo=TZ
    )
    assert Period(1, "m").before(datetime(2026, 3, 31, tzinfo=TZ)) == datetime(
        2026, 2, 28, tzinfo=TZ
    )
    assert Period(3, "m").before(datetime(2026, 1, 15, tzinfo=TZ)) == datetime(
        2025, 10, 15, tzinfo=TZ
    )
    assert Period(30, "d").before(datetime(2026, 3, 1, tzinfo=TZ)) == datetime(
        2026, 1, 30, tzinfo=TZ
    )
