"""Block-aware, word-level differences between two frozen texts of a policy.

The texts are split into blocks (headings, paragraphs, list items, table rows); blocks are
aligned first, then words are compared inside blocks that changed, so a moved paragraph shows
as moved and an added table row as one added row.
"""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from bs4 import BeautifulSoup, NavigableString, Tag
from django.utils.html import escape
from django.utils.translation import gettext as _

CONTAINERS = {"div", "section", "article", "ul", "ol", "table", "thead", "tbody", "tfoot", "dl"}
LIST_ITEMS = {"li", "dt", "dd"}
SIMILAR = 0.5
_TOKENS = re.compile(r"\w+|[^\w\s]|\s+")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Block:
    tag: str
    text: str
    html: str

    @property
    def key(self):
        return (self.tag, self.text)


@dataclass
class Change:
    """One block of the comparison. ``op``: equal, insert, delete, change, moved_from, moved_to."""

    op: str
    tag: str
    html: str
    old_text: str = ""
    new_text: str = ""

    @property
    def label(self):
        return {
            "equal": "",
            "insert": _("Added"),
            "delete": _("Removed"),
            "change": _("Changed"),
            "moved_from": _("Moved from here"),
            "moved_to": _("Moved here"),
        }[self.op]


@dataclass
class Comparison:
    changes: list[Change] = field(default_factory=list)

    @property
    def stats(self):
        counts = {op: 0 for op in ("insert", "delete", "change", "moved_to")}
        for change in self.changes:
            if change.op in counts:
                counts[change.op] += 1
        return {
            "added": counts["insert"],
            "removed": counts["delete"],
            "changed": counts["change"],
            "moved": counts["moved_to"],
        }

    @property
    def has_changes(self):
        return any(c.op != "equal" for c in self.changes)


def _normal(text):
    return _SPACE.sub(" ", text).strip()


def blocks_of(html):
    """Split frozen HTML into comparable blocks."""
    blocks = []

    def walk(node):
        for child in node.children:
            if isinstance(child, NavigableString):
                if child.strip() and not isinstance(child, type(None)):
                    blocks.append(Block("p", _normal(child), f"<p>{escape(_normal(child))}</p>"))
                continue
            if not isinstance(child, Tag):
                continue
            if child.name in CONTAINERS:
                walk(child)
            elif child.name == "tr":
                cells = [_normal(cell.get_text(" ")) for cell in child.find_all(["th", "td"])]
                blocks.append(Block("tr", " | ".join(cells), str(child)))
            else:
                blocks.append(Block(child.name, _normal(child.get_text(" ")), str(child)))

    walk(BeautifulSoup(html or "", "html.parser"))
    return [b for b in blocks if b.text or b.tag == "hr"]


def word_diff(old, new):
    """Inline HTML of ``new`` with removed words in ``<del>`` and added ones in ``<ins>``.

    Each mark carries a translated ``data-label`` that the stylesheet shows as text, so the
    change is visible without colour.
    """
    old_tokens, new_tokens = _TOKENS.findall(old), _TOKENS.findall(new)
    matcher = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    removed_label, added_label = escape(_("removed")), escape(_("added"))
    out = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = "".join(old_tokens[i1:i2]), "".join(new_tokens[j1:j2])
        if op == "equal":
            out.append(escape(added))
            continue
        if removed:
            out.append(f'<del data-label="{removed_label}">{escape(removed)}</del>')
        if added:
            out.append(f'<ins data-label="{added_label}">{escape(added)}</ins>')
    return "".join(out)


def _word_block(tag, old, new):
    inner = word_diff(old, new)
    if tag == "tr":
        return f"<tr><td>{inner}</td></tr>"
    return f"<{tag}>{inner}</{tag}>"


def _similarity(a, b):
    return SequenceMatcher(None, a.text.split(), b.text.split(), autojunk=False).ratio()


def _pair(olds, news):
    """Align a replaced run: similar blocks become word-level changes, the rest delete/insert."""
    changes, i = [], 0
    for new in news:
        best, best_ratio = None, SIMILAR
        for k in range(i, len(olds)):
            if olds[k].tag != new.tag:
                continue
            ratio = _similarity(olds[k], new)
            if ratio >= best_ratio:
                best, best_ratio = k, ratio
        if best is None:
            changes.append(Change("insert", new.tag, new.html, new_text=new.text))
            continue
        changes += [Change("delete", o.tag, o.html, old_text=o.text) for o in olds[i:best]]
        old = olds[best]
        changes.append(
            Change("change", new.tag, _word_block(new.tag, old.text, new.text), old.text, new.text)
        )
        i = best + 1
    changes += [Change("delete", o.tag, o.html, old_text=o.text) for o in olds[i:]]
    return changes


def _mark_moves(changes):
    """A deleted block that reappears elsewhere, as is or reworded, was moved."""
    inserted = {}
    for change in changes:
        if change.op == "insert":
            inserted.setdefault((change.tag, change.new_text), change)
    deleted = [c for c in changes if c.op == "delete"]
    for change in deleted:
        twin = inserted.pop((change.tag, change.old_text), None)
        if twin is not None:
            change.op, twin.op, twin.old_text = "moved_from", "moved_to", change.old_text
    for change in (c for c in deleted if c.op == "delete"):
        old = Block(change.tag, change.old_text, change.html)
        candidates = [
            (_similarity(old, Block(c.tag, c.new_text, c.html)), c)
            for c in inserted.values()
            if c.op == "insert" and c.tag == change.tag
        ]
        ratio, twin = max(candidates, key=lambda pair: pair[0], default=(0, None))
        if twin is not None and ratio >= SIMILAR:
            change.op, twin.op, twin.old_text = "moved_from", "moved_to", change.old_text
            twin.html = _word_block(twin.tag, change.old_text, twin.new_text)


def compare(old_html, new_html):
    """Compare two frozen texts and return their ``Comparison``."""
    old, new = blocks_of(old_html), blocks_of(new_html)
    matcher = SequenceMatcher(None, [b.key for b in old], [b.key for b in new], autojunk=False)
    changes = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            changes += [Change("equal", b.tag, b.html, b.text, b.text) for b in new[j1:j2]]
        elif op == "delete":
            changes += [Change("delete", b.tag, b.html, old_text=b.text) for b in old[i1:i2]]
        elif op == "insert":
            changes += [Change("insert", b.tag, b.html, new_text=b.text) for b in new[j1:j2]]
        else:
            changes += _pair(old[i1:i2], new[j1:j2])
    _mark_moves(changes)
    return Comparison(changes)
