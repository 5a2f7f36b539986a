"""Block-aware, word-level differences between two frozen texts of a policy.

The texts are split into blocks (headings, paragraphs, list items, tables); blocks are
aligned first, then words are compared inside blocks that changed, so a moved paragraph shows
as moved. A table that changed is shown as one table: its rows are aligned the same way (an
added row is one added row, a moved row a moved one) and words are compared inside the cells
of a changed row.

Every piece of HTML this module returns is rebuilt from the parsed text, never copied from
it: text is escaped, and the only elements kept are the known ones (blocks, table parts and
the inline ``strong``, ``b``, ``em``, ``i``, ``u``, ``s``, ``sub``, ``sup``, ``code``, ``a`` and
``br``). Attributes are dropped except a link's ``href`` (http, https, mailto or relative
URLs; a link to anything else loses its ``a``) and a header cell's ``scope`` (``col``,
``row``, ``colgroup`` or ``rowgroup``). Other elements give up their markup but keep their
text; scripts, styles, images and embedded content are left out.

Changed words are compared with the link they belong to, so a link that points elsewhere is
marked as changed; bold or italic added to unchanged words is shown but not marked.
"""

import functools
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import NamedTuple

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString
from django.utils.html import escape
from django.utils.translation import gettext as _

#: Elements whose children are walked for blocks; they are not shown themselves.
CONTAINERS = frozenset(
    "div section article main aside header footer nav ul ol dl figure body html".split()
)
#: Elements that start a block of their own.
BLOCKS = frozenset("p h1 h2 h3 h4 h5 h6 li dt dd blockquote pre address figcaption".split())
#: Block elements shown as themselves; other blocks are shown as paragraphs.
SHOWN_BLOCKS = frozenset("p h1 h2 h3 h4 h5 h6 li dt dd blockquote".split())
TABLE_PARTS = frozenset("table thead tbody tfoot tr".split())
#: Inline elements kept, with their formatting, inside blocks and cells.
INLINE = frozenset("strong b em i u s sub sup code a".split())
#: Elements left out together with everything inside them.
DROPPED = frozenset(
    (
        "script style template noscript iframe frame frameset object embed applet img "
        "picture video audio source track canvas svg math map head title meta link base "
        "form input button select textarea colgroup col"
    ).split()
)
#: Elements that separate words when they are flattened into a block's text.
SEPARATING = CONTAINERS | BLOCKS | TABLE_PARTS | {"caption", "th", "td", "hr"}
LINK_SCHEMES = {"http", "https", "mailto"}
SCOPES = {"col", "row", "colgroup", "rowgroup"}
SIMILAR = 0.5
#: Formatting nested deeper than this is flattened (hostile or broken HTML stays cheap).
MAX_INLINE_DEPTH = 8
#: Containers nested deeper than this are read as one block.
MAX_BLOCK_DEPTH = 40

_TOKENS = re.compile(r"\n|\w+|[^\w\s]|[^\S\n]+")
_SPACE = re.compile(r"\s+")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
# What browsers ignore in a URL (leading and trailing controls and spaces; tabs and newlines).
_URL_EDGES = "".join(chr(c) for c in range(0x21))
_URL_IGNORED = re.compile(r"[\t\n\r]")


class Piece(NamedTuple):
    """A run of text, or a line break, inside its inline elements (outermost first).

    An element is ``(tag, ((attribute, value), ...))``.
    """

    text: str
    ctx: tuple = ()
    br: bool = False


class Token(NamedTuple):
    """A word, a punctuation mark, a space or a line break, and the pieces it is written in;
    ``key`` is what is compared: the text, and the targets of the links it is in."""

    text: str
    pieces: tuple
    key: tuple


@dataclass(frozen=True, eq=False)
class Text:
    """Text with its inline markup: ``pieces`` with whitespace collapsed as a browser does.

    ``key`` is what blocks are aligned by (the text, and which parts of it link where);
    ``tokens`` are made only for text that is compared word by word.
    """

    pieces: tuple = ()
    text: str = ""
    key: tuple = ()

    @functools.cached_property
    def tokens(self):
        return _tokens(self.pieces)


@dataclass(frozen=True, eq=False)
class Cell:
    tag: str
    scope: str | None
    content: Text


@dataclass(frozen=True, eq=False)
class Block:
    """A comparable block: text (``content``), a table (``rows``, and its caption as
    ``content``) or a table row (``cells``)."""

    tag: str
    text: str
    key: tuple
    content: Text = Text()
    rows: tuple = ()
    cells: tuple = ()
    section: str = "tbody"

    @property
    def html(self):
        return _block_html(self)


@dataclass
class Change:
    """One block of the comparison. ``op``: equal, insert, delete, change, moved_from, moved_to.

    A table is one block (``tag`` "table"), whose ``html`` marks its rows and cells.
    """

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


# --- Reading ------------------------------------------------------------------------------


def _normal(text):
    return _SPACE.sub(" ", text).strip()


def safe_href(value):
    """``value`` if it is an http, https, mailto or relative URL (as a browser reads it)."""
    url = _URL_IGNORED.sub("", (value or "").strip(_URL_EDGES))
    scheme = _SCHEME.match(url)
    if scheme and scheme.group(1).lower() not in LINK_SCHEMES:
        return None
    return url or None


def _element(tag):
    """The kept form of an inline element, or None when it keeps only its text."""
    if tag.name != "a":
        return (tag.name, ())
    href = tag.get("href")
    href = safe_href(href) if isinstance(href, str) else None
    return ("a", (("href", href),)) if href else None


def _pieces(nodes, ctx=()):
    """The text of ``nodes`` as pieces with their inline elements (iterative: no recursion)."""
    out = []
    gap = object()
    stack = [(node, ctx) for node in reversed(list(nodes))]
    while stack:
        node, ctx = stack.pop()
        if node is gap:
            out.append(Piece(" ", ctx))
        elif isinstance(node, PreformattedString):  # comments, doctypes, CDATA
            continue
        elif isinstance(node, NavigableString):
            out.append(Piece(str(node), ctx))
        elif isinstance(node, Tag) and node.name not in DROPPED:
            if node.name == "br":
                out.append(Piece("\n", ctx, br=True))
                continue
            inner = ctx
            if node.name in INLINE and len(ctx) < MAX_INLINE_DEPTH:
                element = _element(node)
                inner = ctx + (element,) if element else ctx
            children = [(child, inner) for child in node.children]
            if node.name in SEPARATING:
                children = [(gap, ctx), *children, (gap, ctx)]
            stack.extend(reversed(children))
    return out


def _trim_end(pieces, breaks):
    """Drop trailing spaces (and, with ``breaks``, trailing line breaks) from ``pieces``."""
    while pieces:
        last = pieces[-1]
        if last.br:
            if not breaks:
                return
            pieces.pop()
            continue
        text = last.text.rstrip(" ")
        if text == last.text:
            return
        if text:
            pieces[-1] = Piece(text, last.ctx)
            return
        pieces.pop()


@functools.lru_cache(maxsize=256)
def _links(ctx):
    """The targets of the links ``ctx`` is inside."""
    return tuple(value for tag, attrs in ctx if tag == "a" for name, value in attrs)


def _token(text, parts):
    if text != "\n" and text.isspace():
        return Token(" ", parts, (" ",))
    if len(parts) == 1:
        links = _links(parts[0].ctx)
    else:
        links = tuple(dict.fromkeys(link for part in parts for link in _links(part.ctx)))
    return Token(text, parts, (text, links) if links else (text,))


def _clean(pieces):
    """``pieces`` with whitespace collapsed as a browser does."""
    clean, space = [], True
    for piece in pieces:
        if piece.br:
            _trim_end(clean, breaks=False)
            if clean:
                clean.append(piece)
            space = True
            continue
        text = _SPACE.sub(" ", piece.text)
        if space:
            text = text.lstrip(" ")
        if text:
            clean.append(Piece(text, piece.ctx))
            space = text.endswith(" ")
    _trim_end(clean, breaks=True)
    return tuple(clean)


def _tokens(clean):
    """Clean pieces cut into tokens that keep their pieces."""
    tokens, index, offset = [], 0, 0
    for match in _TOKENS.finditer("".join(piece.text for piece in clean)):
        text = match.group()
        piece = clean[index]
        if offset + len(text) < len(piece.text):  # inside one piece: the common case
            tokens.append(_token(text, (Piece(text, piece.ctx),)))
            offset += len(text)
            continue
        need, parts = len(text), []
        while need:
            piece = clean[index]
            take = min(need, len(piece.text) - offset)
            whole = take == len(piece.text)
            parts.append(piece if whole else Piece(piece.text[offset : offset + take], piece.ctx))
            offset, need = offset + take, need - take
            if offset == len(piece.text):
                index, offset = index + 1, 0
        tokens.append(_token(text, tuple(parts)))
    return tuple(tokens)


def tokens_of(pieces):
    """``pieces`` as tokens, whitespace collapsed as a browser does."""
    return _tokens(_clean(pieces))


def _text(nodes):
    """The ``Text`` of parsed ``nodes``."""
    clean = _clean(_pieces(nodes))
    text = _normal("".join(piece.text for piece in clean))
    runs = []  # (targets, text) of the linked runs
    for piece in clean:
        links = _links(piece.ctx)
        if runs and runs[-1][0] == links:
            runs[-1][1].append(piece.text)
        elif links:
            runs.append((links, [piece.text]))
        else:
            runs.append(((), []))
    linked = tuple((links, "".join(parts).strip()) for links, parts in runs if links)
    return Text(clean, text, (text, linked) if linked else (text,))


def _text_block(tag, nodes):
    content = _text(nodes)
    return Block(tag, content.text, (tag, content.key), content=content)


def _row_block(row):
    cells = []
    for cell in row.find_all(["th", "td"], recursive=False):
        scope = cell.get("scope") if cell.name == "th" else None
        scope = scope.lower() if isinstance(scope, str) and scope.lower() in SCOPES else None
        cells.append(Cell(cell.name, scope, _text(cell.children)))
    parent = row.find_parent(["thead", "tbody", "tfoot", "table"])
    section = parent.name if parent is not None and parent.name != "table" else "tbody"
    return Block(
        "tr",
        " | ".join(cell.content.text for cell in cells),
        tuple(cell.content.key for cell in cells),
        cells=tuple(cells),
        section=section,
    )


def _table_block(node):
    """A table, with its caption (as ``content``) and its rows."""
    caption = node.find("caption") if node.name == "table" else None
    content = _text(caption.children) if caption is not None else Text()
    rows = [node] if node.name == "tr" else node.find_all("tr")
    rows = tuple(block for block in map(_row_block, rows) if block.cells)
    text = "\n".join(line for line in [content.text, *(row.text for row in rows)] if line)
    key = ("table", content.key, tuple(row.key for row in rows))
    return Block("table", text, key, content=content, rows=rows)


def _walk(node, tag, blocks, depth=0):
    pending = []

    def flush():
        if pending:
            blocks.append(_text_block(tag, pending))
            pending.clear()

    for child in node.children:
        if not isinstance(child, Tag):
            pending.append(child)
            continue
        name = child.name
        if name in DROPPED:
            continue
        if depth >= MAX_BLOCK_DEPTH:
            pending.append(child)
        elif name in TABLE_PARTS:
            flush()
            blocks.append(_table_block(child))
        elif name in CONTAINERS:
            flush()
            _walk(child, tag, blocks, depth + 1)
        elif name in BLOCKS:
            flush()
            # A paragraph inside a list item (or another block) stays part of that block.
            inner = tag if name == "p" and tag != "p" else name
            _walk(child, inner if inner in SHOWN_BLOCKS else "p", blocks, depth + 1)
        elif name == "hr":
            flush()
            blocks.append(Block("hr", "", ("hr",)))
        else:
            pending.append(child)
    flush()


def blocks_of(html):
    """Split frozen HTML into comparable blocks."""
    blocks = []
    _walk(BeautifulSoup(html or "", "html.parser"), "p", blocks)
    return [b for b in blocks if b.text or b.tag == "hr"]


# --- Writing ------------------------------------------------------------------------------


def _open_tag(element):
    tag, attrs = element
    return "<" + tag + "".join(f' {name}="{escape(value)}"' for name, value in attrs) + ">"


class _Html:
    """Writes pieces inside the elements each needs, opening and closing as few as it can."""

    def __init__(self):
        self.parts, self.open = [], ()

    def _to(self, stack):
        common = 0
        while common < min(len(self.open), len(stack)) and self.open[common] == stack[common]:
            common += 1
        self.parts += [f"</{element[0]}>" for element in reversed(self.open[common:])]
        self.parts += [_open_tag(element) for element in stack[common:]]
        self.open = stack

    def text(self, text, stack):
        self._to(stack)
        self.parts.append(escape(text))

    def br(self, stack):
        self._to(stack)
        self.parts.append("<br>")

    def raw(self, html):
        """Known markup around the text (block and table elements)."""
        self._to(())
        self.parts.append(html)

    def html(self):
        self._to(())
        return "".join(self.parts)


def _mark(kind):
    label = {
        "removed": ("del", _("removed")),
        "added": ("ins", _("added")),
        "moved_from": ("del", _("moved from here")),
        "moved_to": ("ins", _("moved here")),
    }[kind]
    return (label[0], (("data-label", str(label[1])),))


def _write(out, tokens, mark=None):
    """Write ``tokens``; with ``mark``, inside one ``<del>``/``<ins>`` around the whole run,
    nested in the formatting every token of the run shares."""
    _write_pieces(out, [piece for token in tokens for piece in token.pieces], mark)


def _write_pieces(out, pieces, mark=None):
    shared = pieces[0].ctx if pieces else ()
    if mark is not None:
        for piece in pieces[1:]:
            common = 0
            while common < min(len(shared), len(piece.ctx)) and shared[common] == piece.ctx[common]:
                common += 1
            shared = shared[:common]
    run, ctx = [], None
    for piece in pieces:
        if run and (piece.br or piece.ctx != ctx):
            out.text("".join(run), _within(shared, mark, ctx))
            run = []
        if piece.br:
            out.br(_within(shared, mark, piece.ctx))
        else:
            run.append(piece.text)
            ctx = piece.ctx
    if run:
        out.text("".join(run), _within(shared, mark, ctx))


def _within(shared, mark, ctx):
    """The elements a piece is written in: its own, with ``mark`` inside the ``shared`` ones."""
    return ctx if mark is None else (*shared, mark, *ctx[len(shared) :])


def _joined(opcodes, new):
    """Opcodes with two changes separated by a mere space joined into one change."""
    joined = []
    for opcode in opcodes:
        if (
            opcode[0] != "equal"
            and len(joined) >= 2
            and joined[-1][0] == "equal"
            and joined[-2][0] != "equal"
            and all(token.key == (" ",) for token in new[joined[-1][3] : joined[-1][4]])
        ):
            joined.pop()
            first = joined.pop()
            opcode = ("replace", first[1], opcode[2], first[3], opcode[4])
        joined.append(opcode)
    return joined


def _write_diff(out, old, new):
    """The tokens of ``new`` with removed ones in ``<del>`` and added ones in ``<ins>``."""
    matcher = SequenceMatcher(None, [t.key for t in old], [t.key for t in new], autojunk=False)
    for op, i1, i2, j1, j2 in _joined(matcher.get_opcodes(), new):
        if op == "equal":
            _write(out, new[j1:j2])
            continue
        if i2 > i1:
            _write(out, old[i1:i2], _mark("removed"))
        if j2 > j1:
            _write(out, new[j1:j2], _mark("added"))


def word_diff(old, new):
    """Inline HTML of ``new`` with removed words in ``<del>`` and added ones in ``<ins>``.

    Each mark carries a translated ``data-label`` that the stylesheet shows as text, so the
    change is visible without colour. ``old`` and ``new`` are plain text.
    """
    out = _Html()
    _write_diff(out, tokens_of([Piece(old or "")]), tokens_of([Piece(new or "")]))
    return out.html()


_ROW_MARKS = {
    "insert": "added",
    "delete": "removed",
    "moved_from": "moved_from",
    "moved_to": "moved_to",
}


def _open_cell(cell):
    return f'<th scope="{cell.scope}">' if cell.scope else f"<{cell.tag}>"


def _row_html(row, op="equal", old=None):
    """One ``<tr>``: its cells marked as the row's ``op`` says, or compared with ``old``."""
    out = _Html()
    classes = "" if op == "equal" else f' class="privacy-diff-row privacy-diff-row-{op}"'
    out.raw(f"<tr{classes}>")
    mark = None if old is not None or op == "equal" else _mark(_ROW_MARKS[op])
    count = len(row.cells) if old is None else max(len(row.cells), len(old.cells))
    for index in range(count):
        cell = row.cells[index] if index < len(row.cells) else None
        before = old.cells[index] if old is not None and index < len(old.cells) else None
        shown = cell or before
        out.raw(_open_cell(shown))
        if old is None:
            _write_pieces(out, cell.content.pieces, mark)
        elif cell is None:
            _write_pieces(out, before.content.pieces, _mark("removed"))
        elif before is None:
            _write_pieces(out, cell.content.pieces, _mark("added"))
        else:
            _write_diff(out, before.content.tokens, cell.content.tokens)
        out.raw(f"</{shown.tag}>")
    out.raw("</tr>")
    return out.html()


def _caption_html(old, new):
    """The caption of table ``new``, compared with that of ``old`` when given."""
    if not new.content.pieces and not (old is not None and old.content.pieces):
        return ""
    out = _Html()
    out.raw("<caption>")
    if old is None:
        _write_pieces(out, new.content.pieces)
    else:
        _write_diff(out, old.content.tokens, new.content.tokens)
    out.raw("</caption>")
    return out.html()


def _table_html(caption, rows):
    """``rows``: (row block, html) in order; consecutive rows of a section share its element."""
    parts, section = ["<table>", caption], None
    for row, html in rows:
        if row.section != section:
            if section:
                parts.append(f"</{section}>")
            section = row.section
            parts.append(f"<{section}>")
        parts.append(html)
    if section:
        parts.append(f"</{section}>")
    parts.append("</table>")
    return "".join(parts)


def _block_html(block):
    if block.tag == "hr":
        return "<hr>"
    if block.tag == "table":
        return _table_html(
            _caption_html(None, block), [(row, _row_html(row)) for row in block.rows]
        )
    if block.tag == "tr":
        return _row_html(block)
    out = _Html()
    out.raw(f"<{block.tag}>")
    _write_pieces(out, block.content.pieces)
    out.raw(f"</{block.tag}>")
    return out.html()


def _changed_html(old, new):
    """``new`` with what changed since ``old`` marked (the two have the same tag)."""
    if new.tag == "table":
        rows = []
        for step in _align(old.rows, new.rows):
            if step.op in ("equal", "insert", "delete", "moved_from"):
                row = step.new or step.old
                rows.append((row, _row_html(row, step.op)))
            elif step.op == "moved_to" and step.old.key == step.new.key:
                rows.append((step.new, _row_html(step.new, "moved_to")))
            else:
                rows.append((step.new, _row_html(step.new, step.op, step.old)))
        return _table_html(_caption_html(old, new), rows)
    if new.tag == "tr":
        return _row_html(new, "change", old)
    out = _Html()
    out.raw(f"<{new.tag}>")
    _write_diff(out, old.content.tokens, new.content.tokens)
    out.raw(f"</{new.tag}>")
    return out.html()


# --- Aligning -----------------------------------------------------------------------------


@dataclass(eq=False)
class _Step:
    op: str
    old: Block | None = None
    new: Block | None = None


def _similarity(a, b):
    return SequenceMatcher(None, a.text.split(), b.text.split(), autojunk=False).ratio()


def _pair(olds, news):
    """Align a replaced run: similar blocks become word-level changes, the rest delete/insert
    (what was removed before what was added in its place, as it is read)."""
    steps, added, i = [], [], 0
    for new in news:
        best, best_ratio = None, SIMILAR
        for k in range(i, len(olds)):
            if olds[k].tag != new.tag:
                continue
            ratio = _similarity(olds[k], new)
            if ratio >= best_ratio:
                best, best_ratio = k, ratio
        if best is None:
            added.append(_Step("insert", new=new))
            continue
        steps += [_Step("delete", old=o) for o in olds[i:best]] + added
        steps.append(_Step("change", olds[best], new))
        added, i = [], best + 1
    return steps + [_Step("delete", old=o) for o in olds[i:]] + added


def _mark_moves(steps):
    """A deleted block that reappears elsewhere, as is or reworded, was moved."""
    inserted = {}
    for step in steps:
        if step.op == "insert":
            inserted.setdefault(step.new.key, step)
    deleted = [s for s in steps if s.op == "delete"]
    for step in deleted:
        twin = inserted.pop(step.old.key, None)
        if twin is not None:
            step.op, twin.op, twin.old = "moved_from", "moved_to", step.old
    for step in (s for s in deleted if s.op == "delete"):
        candidates = [
            (_similarity(step.old, s.new), s)
            for s in inserted.values()
            if s.op == "insert" and s.new.tag == step.old.tag
        ]
        ratio, twin = max(candidates, key=lambda pair: pair[0], default=(0, None))
        if twin is not None and ratio >= SIMILAR:
            step.op, twin.op, twin.old = "moved_from", "moved_to", step.old


def _align(olds, news):
    matcher = SequenceMatcher(None, [b.key for b in olds], [b.key for b in news], autojunk=False)
    steps = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            steps += [_Step("equal", o, n) for o, n in zip(olds[i1:i2], news[j1:j2], strict=True)]
        elif op == "delete":
            steps += [_Step("delete", old=o) for o in olds[i1:i2]]
        elif op == "insert":
            steps += [_Step("insert", new=n) for n in news[j1:j2]]
        else:
            steps += _pair(olds[i1:i2], news[j1:j2])
    _mark_moves(steps)
    return steps


def _change(step):
    old, new = step.old, step.new
    if step.op == "equal":
        return Change("equal", new.tag, new.html, new.text, new.text)
    if step.op in ("delete", "moved_from"):
        return Change(step.op, old.tag, old.html, old_text=old.text)
    if step.op == "insert":
        return Change("insert", new.tag, new.html, new_text=new.text)
    html = new.html if step.op == "moved_to" and old.key == new.key else _changed_html(old, new)
    return Change(step.op, new.tag, html, old.text, new.text)


def compare(old_html, new_html):
    """Compare two frozen texts and return their ``Comparison``."""
    steps = _align(blocks_of(old_html), blocks_of(new_html))
    return Comparison([_change(step) for step in steps])
