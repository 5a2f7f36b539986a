"""What a person reads in a data export: column names and values in their language, and each
source's records as HTML tables in ``index.html``.

Everything here is called with the customer's language active. ``data.json`` keeps the
sources' field names as its stable keys; the CSV headers and the tables use these names.

A column's name is, first found: the source's own ``field_labels`` (a mapping of field to a
translatable name), the ``verbose_name`` of the model field a field of the source's ``model``
points to (``"address__city"``: "Address: city"), or the field name made readable
("delivery_note": "Delivery note"). Two columns with the same name get their field name after
it.

``index.html`` shows at most ``INDEX_ROWS`` records per source, with a note saying how many
there are; the CSV files and ``data.json`` always hold all of them. A source without records
gets no table.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .. import formats as privacy_formats
from ..sources import field_path

#: Records shown per source in index.html; more are counted and left to the CSV file.
INDEX_ROWS = 1000

_LINE_BREAKS = str.maketrans({"\r": "\n"})


@dataclass(frozen=True)
class Column:
    """A field of a source: its key in data.json, its name for people, the names of its
    values when the model field has choices."""

    name: str
    label: str
    choices: dict | None = None


def _model_field(model, name):
    """(names of the fields along ``name``, the last field), or None if it is no field."""
    fields = field_path(model, name)
    if not fields:
        return None
    names = [str(getattr(f, "verbose_name", "") or f.name.replace("_", " ")) for f in fields]
    return names, fields[-1]


def columns(source):
    """The columns of ``source``, in the order of its ``fields``, with unique names."""
    own = dict(source.field_labels or {})
    own_choices = dict(getattr(source, "field_choices", None) or {})
    model = getattr(source, "model", None)
    found = []
    for name in source.fields:
        label, values = own.get(name), own_choices.get(name)
        resolved = _model_field(model, name) if model is not None else None
        if resolved is not None:
            names, field = resolved
            label = label or ": ".join(names)
            if values is None and getattr(field, "flatchoices", None):
                values = dict(field.flatchoices)
        label = capfirst(str(label or name.replace("__", ": ").replace("_", " ")))
        found.append(Column(name, label, values))
    repeated = {c.label for c in found if sum(o.label == c.label for o in found) > 1}
    return [
        Column(c.name, f"{c.label} ({c.name})", c.choices) if c.label in repeated else c
        for c in found
    ]


def display(value, column=None):
    """A value as a person reads it in the active language (numbers and dates localised)."""
    if value is None:
        return ""
    if column is not None and column.choices:
        try:
            if value in column.choices:
                return str(column.choices[value])
        except TypeError:  # not hashable: no choice
            pass
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return privacy_formats.date_time(value)
    if isinstance(value, date):
        return privacy_formats.date(value)
    if isinstance(value, time):
        return formats.time_format(value, "TIME_FORMAT")
    if isinstance(value, (int, float, Decimal)):
        return formats.number_format(value)
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return str(value)


def _cell(value, column):
    text = escape(display(value, column).replace("\r\n", "\n").translate(_LINE_BREAKS))
    return text.replace("\n", "<br>")


def table_row(record, cols):
    """One record as a row of the index table."""
    return "<tr>" + "".join(f"<td>{_cell(record.get(c.name), c)}</td>" for c in cols) + "</tr>\n"


def table_start(source, cols, total, file):
    """What comes before the rows of ``source``'s table in index.html.

    ``total`` is how many records the source has; when it is more than the table shows
    (``INDEX_ROWS``), a note before the table says so and names ``file``.
    """
    ident = f"records-{escape(source.name)}"
    start, described = "", ""
    if total > INDEX_ROWS:
        note = _(
            "The first %(shown)s of %(total)s records are shown here; all of them are in %(file)s."
        ) % {
            "shown": formats.number_format(INDEX_ROWS, force_grouping=True),
            "total": formats.number_format(total, force_grouping=True),
            "file": file,
        }
        start = f'<p class="privacy-records-note" id="{ident}-note">{escape(note)}</p>\n'
        described = f' aria-describedby="{ident}-note"'
    return (
        start
        + f'<div class="privacy-records" role="region" tabindex="0" aria-labelledby="{ident}">'
        f'<table{described}><caption id="{ident}">{escape(str(source.label))}</caption>\n'
        "<thead><tr>"
        + "".join(f'<th scope="col">{escape(c.label)}</th>' for c in cols)
        + "</tr></thead>\n<tbody>\n"
    )


TABLE_END = "</tbody></table></div>\n"
