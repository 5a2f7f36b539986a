"""The CSV writer every CSV of the plugin goes through: safe to open in a spreadsheet.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some,
a tab or carriage return) as a formula, so text a customer typed, such as their user agent,
could otherwise call ``HYPERLINK`` or ``WEBSERVICE`` on the computer of whoever opens the file.
Such text is written with a leading single quote, as OWASP recommends: spreadsheets show it as
text, and the original follows the quote unchanged. Numbers and dates are written as they are
(``-5`` is a number, not a formula). A row whose length differs from the header's is refused,
so values can never slip under the wrong column.
"""

import csv
from datetime import date, time
from decimal import Decimal

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Written unchanged: their text can only ever be a number or a date, never a formula.
_LITERALS = (int, float, Decimal, date, time)


def neutralise(value):
    """One cell: ``None`` as empty, numbers and dates as they are, anything else as text
    prefixed with ``'`` when it starts like a formula."""
    if value is None:
        return ""
    if isinstance(value, _LITERALS):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class SafeWriter:
    """``csv.writer`` with a fixed header, formula-safe cells and rows of the header's length.

    ``out`` is anything with ``write()``: a file, a ``TextIOWrapper`` around a ZIP member, or
    an echo buffer for a streamed response (``writerow`` returns what the writer returned).
    """

    def __init__(self, out, header, **fmtparams):
        self.header = list(header)
        self._writer = csv.writer(out, **fmtparams)

    def writeheader(self):
        return self._writer.writerow([neutralise(name) for name in self.header])

    def writerow(self, row):
        row = list(row)
        if len(row) != len(self.header):
            raise ValueError(
                f"A CSV row has {len(row)} values but the header has {len(self.header)} "
                f"columns ({', '.join(map(str, self.header))}): refused, it would misalign them."
            )
        return self._writer.writerow([neutralise(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)
