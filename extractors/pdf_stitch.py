"""Join tables that a PDF splits across pages: pure functions on Table and its page geometry.

A table at the top of page N+1 continues the table at the bottom of page N when both have the
same number of columns at similar x positions; header rows repeated on the continuation page
are dropped, every row keeps the page it was printed on, and split rows are not merged.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from extractors.model import Cell, Table

log = logging.getLogger(__name__)

DEFAULT_COL_TOLERANCE = 6.0
"""Largest shift (PDF points) of a column boundary between two fragments of one table."""

DEFAULT_MAX_HEADER_ROWS = 4
"""At most this many leading rows of a continuation are compared with the first header."""

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Fragment:
    """One table as found on one page, with what stitching needs to know about its place."""

    table: Table
    page: int
    col_edges: tuple[float, ...]
    first_on_page: bool = True
    last_on_page: bool = True


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
    return x == y or bool(x and y and (x.startswith(y) or y.startswith(x)))


def _rows_match(a: Sequence[str | None], b: Sequence[str | None]) -> bool:
    has_text = any(_norm(t) for t in a) and any(_norm(t) for t in b)
    return has_text and all(_same_header_text(x, y) for x, y in zip(a, b, strict=True))


def repeated_header_rows(first: Table, cont: Table, max_rows: int = DEFAULT_MAX_HEADER_ROWS) -> int:
    """Count the leading rows of ``cont`` that repeat the leading rows of ``first``."""
    if first.n_cols != cont.n_cols:
        return 0
    head, tail = first.grid(), cont.grid()
    count = 0
    for k in range(min(max_rows, first.n_rows, cont.n_rows)):
        if not _rows_match(head[k], tail[k]):
            break
        count = k + 1
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
