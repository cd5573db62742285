"""Blocks of a grid. A spreadsheet or a passport is often one big grid: key/value rows
(``Куратор …``, ``Цель …``), then an indicator block whose header band sits in the middle of
the sheet, then a finance block, then key/value rows again. Each header band found anywhere in
the grid opens a block that runs to the next band; each block is then read as a table of its
own. A table that a page break cut from its header (no band of its own, the same columns as
the table before) is read with the header of that table.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from itertools import pairwise

from extractors.model import Block, Paragraph, Table
from pipeline.interpret.headers import Header, analyse, band_rows, columns_in, header_band

NAME_ROLES = frozenset({"indicator", "activity", "task_result", "result_name", "source"})
VALUE_ROLES = frozenset({"year", "planned", "actual", "base_value", "total", "need",
                         "completion"})
NUMERIC_CELL_RE = re.compile(r"^[\d\s.,%()+-]+$")
MIN_CONTINUED_COLS = 3


def _opens_block(table: Table, grid: list[list[str | None]], fill: list[list[str | None]],
                 r: int) -> tuple[int, bool]:
    """Rows of the header band at row ``r`` (0 when there is none), and whether it opens a
    block: a band that names a column of names (or sources) and a column of values."""
    if any(c and NUMERIC_CELL_RE.match(c.strip()) and len(c.strip()) != 4 for c in grid[r]):
        return 0, False  # a row of data (cheap test first: most rows of a big sheet are data)
    n = band_rows(grid, r, fill)
    if not n:
        return 0, False
    roles = {c.role for c in columns_in(fill, table.n_cols, r, r + n) if c.role}
    return n, bool(roles & NAME_ROLES and roles & VALUE_ROLES)


def band_starts(table: Table) -> list[int]:
    """First rows of every header band of ``table`` that opens a block, top to bottom."""
    grid, fill = table.grid(), table.grid(fill=True)
    out: list[int] = []
    r = 0
    while r < table.n_rows:
        n, opens = _opens_block(table, grid, fill, r)
        if opens:
            out.append(r)
        r += max(n, 1)
    return out


def split_blocks(table: Table) -> list[Table]:
    """``table`` cut at every header band that opens a block below its first band; the table
    itself when it has one band at most, at its top."""
    starts = band_starts(table)
    if not starts or (len(starts) == 1 and starts[0] <= header_band(table)[0]):
        return [table]
    cuts = ([0] if starts[0] > 0 else []) + starts + [table.n_rows]
    return [table.rows(a, b) for a, b in pairwise(cuts) if b > a]


def analysed_blocks(tables: Iterable[Table]) -> list[tuple[Table, Header]]:
    """Every block of every table with its header; a block with no header band that has the
    columns of the block before it continues that block (a page break cut it off)."""
    out: list[tuple[Table, Header]] = []
    for table in tables:
        for block in split_blocks(table):
            h = analyse(block)
            if out and not h.n_rows and not h.roles and block.n_cols >= MIN_CONTINUED_COLS:
                before = out[-1][1]
                if before.roles and len(before.columns) == block.n_cols:
                    h = Header(0, before.columns, 0)
            out.append((block, h))
    return out


def _starts_lower(text: str) -> bool:
    first = text.lstrip()[:1]
    return first.isalpha() and first.islower()


def _with_tail(table: Table, h: Header, tail: str) -> Table:
    """``table`` with ``tail`` added to the name cell of its last row."""
    name_col = next((c.index for c in h.columns if c.role in NAME_ROLES - {"source"}), None)
    if name_col is None:
        return table
    last = max((c.row for c in table.cells), default=-1)
    cells = tuple(replace(c, text=f"{c.text}\n{tail}")
                  if (c.row, c.col) == (last, name_col) and c.text else c for c in table.cells)
    return replace(table, cells=cells)


def tables_of(blocks: Sequence[Block]) -> list[Table]:
    """The tables of a document. Text that a page break put between a table and the rest of
    it (a name cell's last line printed outside the ruled cells: lower case, then a table with
    the same columns and no header) is the end of the last name of the table before."""
    out: list[Table] = []
    tail: list[str] = []
    for b in blocks:
        if isinstance(b, Paragraph):
            if out and _starts_lower(b.text) and len(tail) < 2:
                tail.append(b.text)
            else:  # text between tables that starts a sentence ends any tail
                tail = []
            continue
        if out and tail and b.n_cols == out[-1].n_cols:
            h = analyse(out[-1])
            if h.roles and not analyse(b).n_rows:
                out[-1] = _with_tail(out[-1], h, "\n".join(tail))
        tail = []
        out.append(b)
    return out
