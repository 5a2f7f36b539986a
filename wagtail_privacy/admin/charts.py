"""Small server-rendered SVG bar charts for the privacy centre (no script, no CDN)."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH = 360
BAR = 18
GAP = 8
LABEL = 150


def bars(rows, *, total=None, unit="%"):
    """A horizontal bar chart: ``rows`` are (label, value) pairs, or (label, part, whole).

    With a whole, bars show part/whole as a percentage; otherwise values are scaled to the
    largest. Text labels carry the figures, so the chart reads without colour.
    """
    if not rows:
        return ""
    prepared = []
    for row in rows:
        if len(row) == 3:
            label, part, whole = row
            share = part / whole if whole else 0
            prepared.append((label, share, f"{part}/{whole} ({share:.0%})"))
        else:
            label, value = row
            prepared.append((label, value, str(value)))
    if not any(len(r) == 3 for r in rows):
        top = max((v for _l, v, _t in prepared), default=0) or 1
        prepared = [(label, value / top, text) for label, value, text in prepared]
    height = len(prepared) * (BAR + GAP)
    plot = WIDTH - LABEL - 90
    # Screen readers read the figures from the name, as sighted readers do from the labels.
    name = "; ".join(f"{label}: {text}" for label, _share, text in prepared)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'role="img" aria-label="{escape(name)}" viewBox="0 0 {WIDTH} {height}" '
        'class="privacy-chart">'
    ]
    for index, (label, share, text) in enumerate(prepared):
        y = index * (BAR + GAP)
        width = max(1, round(plot * min(share, 1)))
        parts.append(
            f'<text x="0" y="{y + BAR - 5}" font-size="12">{escape(_short(label))}</text>'
            f'<rect x="{LABEL}" y="{y}" width="{width}" height="{BAR}" fill="#2e6da4">'
            f"<title>{escape(label)}: {escape(text)}</title></rect>"
            f'<text x="{LABEL + width + 6}" y="{y + BAR - 5}" font-size="12">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _short(label, length=24):
    """``label`` cut to fit beside the bars (the full text is in the bar's title)."""
    label = str(label)
    return label if len(label) <= length else label[: length - 1].rstrip() + "…"
