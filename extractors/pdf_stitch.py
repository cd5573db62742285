"""Tables of a PDF page as Fragments, and the joining of fragments split across pages.

``fragment`` turns a ruled table's cell boxes and the page's characters into a Table whose
merged cells appear once with their spans. A table at the top of page N+1 continues the table
at the bottom of page N when both have the same number of columns at similar x positions;
header rows repeated on the continuation are dropped, every row keeps the page it was printed
on. A row broken by the page break stays two rows here (the second with the page it was
printed on); the interpreters join a continuation to the row above. All functions are pure.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from operator import itemgetter
from typing import Any

from pdfplumber.utils import extract_text

from extractors import pdf_text, pdf_turn
from extractors.model import Cell, Table

log = logging.getLogger(__name__)

DEFAULT_COL_TOLERANCE = 6.0
"""Largest shift (PDF points) of a column boundary between two fragments of one table."""

DEFAULT_MAX_HEADER_ROWS = 6
"""At most this many leading rows of a continuation are compared with the first header."""

DEFAULT_SNAP = 2.0
"""Cell edges closer than this (points) are one grid line."""

DEFAULT_OVERFLOW = 0.1
"""A cell's first line starting this share of its font size above the cell is clipped text."""

DEFAULT_TEXT_TOLERANCE = 3.0

_SPACES = re.compile(r"\s+")

Char = dict[str, Any]
Span = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class Fragment:
    """One table as found on one page, with what stitching needs to know about its place."""

    table: Table
    page: int
    col_edges: tuple[float, ...]
    first_on_page: bool = True
    last_on_page: bool = True


def _axis(values: Sequence[float], snap: float = DEFAULT_SNAP) -> list[float]:
    """Cluster cell-edge coordinates into the grid lines of a table."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > snap:
            out.append(v)
    return out


def _nearest(axis: Sequence[float], v: float) -> int:
    """Index of the grid line nearest ``v`` (the lower one on a tie); ``axis`` is sorted."""
    i = bisect_left(axis, v)
    if i == 0:
        return 0
    if i == len(axis) or abs(axis[i - 1] - v) <= abs(axis[i] - v):
        return i - 1
    return i


def grid(
    bboxes: Sequence[tuple[float, float, float, float]],
) -> tuple[list[float], list[float], list[Span]]:
    """Resolve cell bboxes to grid lines and ``(row, col, row_span, col_span)`` per cell."""
    xs = _axis([b[0] for b in bboxes] + [b[2] for b in bboxes])
    ys = _axis([b[1] for b in bboxes] + [b[3] for b in bboxes])
    spans = []
    for x0, top, x1, bottom in bboxes:
        col, row = _nearest(xs, x0), _nearest(ys, top)
        spans.append((row, col, max(1, _nearest(ys, bottom) - row), max(1, _nearest(xs, x1) - col)))
    return xs, ys, spans


def _center_cell(
    ch: Char, xs: list[float], ys: list[float], cover: dict[tuple[int, int], int]
) -> int | None:
    x, y = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
    if not (xs[0] <= x <= xs[-1] and ys[0] <= y <= ys[-1]):
        return None
    return cover.get((bisect_right(ys, y) - 1, bisect_right(xs, x) - 1))


def _is_overflow(mine: list[Char], above: list[Char], cell_top: float) -> bool:
    """Tell whether a cell's first line is the clipped continuation of the cell above.

    LibreOffice draws a repeated header's extra lines into the next row, where the PDF clips
    them away; such a line starts above the cell's border, in the font of the cell above.
    """
    first, last = min(mine, key=itemgetter("top")), max(above, key=itemgetter("top"))
    size = float(first["size"]) or 1.0
    return (
        (first["fontname"], first["size"]) == (last["fontname"], last["size"])
        and first["top"] < cell_top - DEFAULT_OVERFLOW * size
        and 0 < first["top"] - last["top"] <= 1.6 * size
    )


def _drop_overflow(
    texts: dict[int, list[Char]],
    spans: list[Span],
    cover: dict[tuple[int, int], int],
    ys: list[float],
) -> None:
    """Remove clipped header lines that spill into the first row under a repeated header."""
    drops: dict[int, set[int]] = {}
    for k, (row, col, _, _) in enumerate(spans):
        above = cover.get((row - 1, col))
        if row == 0 or above is None:
            continue
        mine = [c for c in texts.get(k, []) if c["text"].strip()]
        theirs = [c for c in texts.get(above, []) if c["text"].strip()]
        if mine and theirs and _is_overflow(mine, theirs, ys[row]):
            top = min(c["top"] for c in mine)
            drops[k] = {id(c) for c in texts[k] if c["top"] - top < 0.5}
    for k, ids in drops.items():
        texts[k] = [c for c in texts[k] if id(c) not in ids]


def _cell_text(chars: list[Char]) -> str:
    """Join a cell's chars into lines; text turned a quarter left reads bottom to top."""
    if not chars:
        return ""
    tol = DEFAULT_TEXT_TOLERANCE
    turned = None if all(c["upright"] for c in chars) else pdf_turn.turned_upright(chars)
    if turned is not None:  # vertical text: its words in reading order
        chars = turned
    if all(c["upright"] for c in chars):  # pdfplumber's reading, without its per-call setup
        text = pdf_text.upright_text(chars, tol)
    else:
        up = sum(not c["upright"] and c["matrix"][1] > 0 for c in chars) * 2 > len(chars)
        text = extract_text(
            chars, x_tolerance=tol, y_tolerance=tol, char_dir_rotated="btt" if up else None
        )
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _cover(spans: list[Span]) -> dict[tuple[int, int], int]:
    """Map every grid position to the index of the cell that covers it."""
    cover: dict[tuple[int, int], int] = {}
    for k, (row, col, rs, cs) in enumerate(spans):
        for r in range(row, row + rs):
            for c in range(col, col + cs):
                cover.setdefault((r, c), k)
    return cover


def _assign(
    chars: list[Char], xs: list[float], ys: list[float], cover: dict[tuple[int, int], int]
) -> tuple[dict[int, list[Char]], list[Char]]:
    """Give each char to the cell holding its centre; return the per-cell chars and the rest."""
    texts: dict[int, list[Char]] = {}
    rest: list[Char] = []
    for ch in chars:
        k = _center_cell(ch, xs, ys, cover)
        if k is None:
            rest.append(ch)
        else:
            texts.setdefault(k, []).append(ch)
    return texts, rest


def fragment(
    bboxes: Sequence[tuple[float, float, float, float]], chars: list[Char], page_no: int
) -> tuple[Fragment, list[Char]]:
    """Build a table from its cell boxes and the page's chars; also return the unclaimed chars.

    Cell text keeps its line breaks as ``\\n``; a merged cell appears once, with its spans.
    """
    xs, ys, spans = grid(bboxes)
    cover = _cover(spans)
    texts, rest = _assign(chars, xs, ys, cover)
    _drop_overflow(texts, spans, cover, ys)
    cells: dict[tuple[int, int], Cell] = {}
    for k, (row, col, rs, cs) in enumerate(spans):
        if (row, col) not in cells:
            cells[row, col] = Cell(row, col, _cell_text(texts.get(k, [])), rs, cs)
    ordered = tuple(cells[key] for key in sorted(cells))
    n_rows = len(ys) - 1
    table = Table(n_rows, len(xs) - 1, ordered, "", row_pages=(page_no,) * n_rows)
    return Fragment(table, page_no, tuple(xs)), rest


def columns_match(
    a: Sequence[float], b: Sequence[float], tolerance: float = DEFAULT_COL_TOLERANCE
) -> bool:
    """Tell whether two tables have the same column boundaries within ``tolerance`` points."""
    return len(a) == len(b) and all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


def continues(prev: Fragment, nxt: Fragment, tolerance: float = DEFAULT_COL_TOLERANCE) -> bool:
    """Tell whether ``nxt`` (top of the next page) carries on ``prev`` (bottom of its page)."""
    return (
        nxt.page == prev.page + 1
        and prev.last_on_page
        and nxt.first_on_page
        and prev.table.n_cols == nxt.table.n_cols
        and columns_match(prev.col_edges, nxt.col_edges, tolerance)
    )


def _norm(text: str | None) -> str:
    return _SPACES.sub(" ", text or "").strip().casefold()


def _same_header_text(a: str | None, b: str | None) -> bool:
    """Compare header cells; a repeated header cut short by its row height still matches."""
    x, y = _norm(a), _norm(b)
    short, long_ = sorted((x, y), key=len)
    return x == y or (len(short) >= 4 and long_.startswith(short))


def _rows_match(a: Sequence[str | None], b: Sequence[str | None]) -> bool:
    has_text = any(_norm(t) for t in a) and any(_norm(t) for t in b)
    return has_text and all(_same_header_text(x, y) for x, y in zip(a, b, strict=True))


def _texts_among(row: Sequence[str | None], known: set[str]) -> bool:
    """Tell whether a row has text and all of it appears among ``known`` header texts."""
    texts = [t for t in row if _norm(t)]
    return bool(texts) and all(any(_same_header_text(t, k) for k in known) for t in texts)


def repeated_header_rows(first: Table, cont: Table, max_rows: int = DEFAULT_MAX_HEADER_ROWS) -> int:
    """Count the leading rows of ``cont`` that repeat the header rows of ``first``.

    Rows are compared position by position; once some match, further rows still count when
    all their texts come from the matched header, which the page may have split differently.
    """
    if first.n_cols != cont.n_cols:
        return 0
    head, tail = first.grid(), cont.grid()
    count = 0
    while count < min(max_rows, first.n_rows, cont.n_rows) and _rows_match(
        head[count], tail[count]
    ):
        count += 1
    if count:
        known = {t for row in head[: count + 1] for t in row if t and _norm(t)}
        while count < min(max_rows, cont.n_rows) and _texts_among(tail[count], known):
            count += 1
    return count


def drop_leading_rows(table: Table, k: int) -> Table:
    """Remove the first ``k`` rows; a merged cell reaching below them is cut to what remains."""
    if k <= 0:
        return table
    cells = []
    for c in table.cells:
        end = c.row + c.row_span
        if end <= k:
            continue
        row = max(c.row - k, 0)
        cells.append(replace(c, row=row, row_span=end - k - row))
    return replace(
        table,
        n_rows=max(table.n_rows - k, 0),
        cells=tuple(cells),
        row_pages=table.row_pages[k:],
        row_lines=table.row_lines[k:],
    )


def _row_pages(table: Table) -> tuple[int | None, ...]:
    pages = tuple(table.row_pages[: table.n_rows])
    return pages + (None,) * (table.n_rows - len(pages))


def append_rows(first: Table, cont: Table) -> Table:
    """Put the rows of ``cont`` under those of ``first``, keeping each row's page."""
    shifted = tuple(replace(c, row=c.row + first.n_rows) for c in cont.cells)
    cells: tuple[Cell, ...] = first.cells + shifted
    return replace(
        first,
        n_rows=first.n_rows + cont.n_rows,
        n_cols=max(first.n_cols, cont.n_cols),
        cells=cells,
        row_pages=_row_pages(first) + _row_pages(cont),
        row_lines=(),
    )


def join(first: Table, cont: Table) -> Table:
    """Join a continuation onto a table, dropping the header rows it repeats."""
    k = repeated_header_rows(first, cont)
    if k:
        log.debug("dropping %d repeated header row(s) of a continuation", k)
    return append_rows(first, drop_leading_rows(cont, k))


def stitch(fragments: Sequence[Fragment]) -> list[tuple[int, Table]]:
    """Join page-split tables, given in document order.

    Returns:
        ``(index, table)`` per resulting table: ``index`` is the position in ``fragments`` of
        its first fragment; fragments joined onto an earlier table do not appear.
    """
    out: list[tuple[int, Table]] = []
    last: Fragment | None = None
    for i, frag in enumerate(fragments):
        if last is not None and out and continues(last, frag):
            out[-1] = (out[-1][0], join(out[-1][1], frag.table))
        else:
            out.append((i, frag.table))
        last = frag
    return out
