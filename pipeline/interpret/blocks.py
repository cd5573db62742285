"""Blocks of a grid. A spreadsheet or a passport is often one big grid: key/value rows
(``Куратор …``, ``Цель …``), then an indicator block whose header band sits in the middle of
the sheet, then a finance block, then key/value rows again. Each header band found anywhere in
the grid opens a block that runs to the next band; each block is then read as a table of its
own. A table that a page break cut from its header (no band of its own, the same columns as
the table before) is read with the header of that table.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from itertools import pairwise

from extractors.model import Block, Paragraph, Table
from pipeline.grammar.years import YEAR_ONLY_RE
from pipeline.interpret.cells import item_level
from pipeline.interpret.headers import (
    NAME_ROLES,
    VALUE_ROLES,
    Cells,
    Header,
    analyse,
    band_rows,
    columns_in,
    header_band,
    is_caption_row,
    lower_first,
)
from pipeline.interpret.view import TableView, view_of

# a band opens a block when it names a column of names (or of sources) and one of values
BLOCK_NAME_ROLES = frozenset({*NAME_ROLES, "source"})
BLOCK_VALUE_ROLES = VALUE_ROLES | {"total"}
NUMERIC_CELL_RE = re.compile(r"^[\d\s.,%()+-]+$")
MIN_CONTINUED_COLS = 3
MAX_TAIL_LINES = 2  # lines a page break may print between a table and the rest of it


def _opens_block(table: TableView, grid: Cells, fill: Cells,
                 r: int) -> tuple[int, bool]:
    """Rows of the header band at row ``r`` (0 when there is none), and whether it opens a
    block."""
    if any(c and NUMERIC_CELL_RE.match(c) and not YEAR_ONLY_RE.match(c) for c in grid[r]):
        return 0, False  # a row of data (cheap test first: most rows of a big sheet are data)
    if item_level(next((c for c in grid[r] if c and c.strip()), None))[1]:
        return 0, False  # an item of a plan with its level and number: 'Основное мероприятие 1.2'
    years = [c.strip() for c in grid[r] if c and YEAR_ONLY_RE.match(c)]
    if len(years) > len(set(years)):
        return 0, False  # one bare 'year' twice in a row is an amount (2000 | 2000): a header
        # of years names each year once
    n = band_rows(grid, r, fill)
    if not n:
        return 0, False
    roles = {c.role for c in columns_in(fill, table.n_cols, r, r + n) if c.role}
    return n, bool(roles & BLOCK_NAME_ROLES and roles & BLOCK_VALUE_ROLES)


def band_starts(table: Table | TableView) -> list[int]:
    """First rows of every header band of ``table`` that opens a block, top to bottom."""
    table = view_of(table)
    grid, fill = table.grid, table.filled
    out: list[int] = []
    r = 0
    while r < table.n_rows:
        n, opens = _opens_block(table, grid, fill, r)
        if not opens:
            r += max(n, 1)
            continue
        # a one-text row over a band (a name row whose words name a role, «Доля показателей
        # …») stays out of it when the rows below it open the block by themselves
        while n > 1 and is_caption_row(grid[r]) and _opens_block(table, grid, fill, r + 1) == (
                n - 1, True):
            r, n = r + 1, n - 1
        out.append(r)
        r += n
    return out


def split_blocks(table: Table) -> list[Table]:
    """``table`` cut at every header band that opens a block below its first band; the table
    itself when it has one band at most, at its top."""
    return [view.table for view, _ in banded_blocks(table)]


def banded_blocks(table: Table) -> list[tuple[TableView, tuple[int, int, int] | None]]:
    """``split_blocks`` as views, with each block's header band (``header_band``) when it was
    found on the way (the band of a table left whole, whose view is then the one the band
    was found in), else None: a band is found once per table."""
    view = TableView(table)
    starts = band_starts(view)
    band = header_band(view) if len(starts) <= 1 else None
    if not starts or (band is not None and starts[0] <= band[0]):
        return [(view, band)]
    cuts = ([0] if starts[0] > 0 else []) + starts + [table.n_rows]
    return [(TableView(table.rows(a, b)), None) for a, b in pairwise(cuts) if b > a]


def _continues(block: Table, h: Header, before: Header) -> bool:
    """``block`` has no header band of its own and the columns of the block before it."""
    return (not h.n_rows and not h.roles and block.n_cols >= MIN_CONTINUED_COLS
            and bool(before.roles) and len(before.columns) == block.n_cols)


def _with_tail(table: Table, h: Header, tail: str) -> Table:
    """``table`` with ``tail`` added to the name cell of its last row."""
    name_col = h.first_of(NAME_ROLES)
    if name_col is None:
        return table
    last = max((c.row for c in table.cells), default=-1)
    cells = tuple(replace(c, text=f"{c.text}\n{tail}")
                  if (c.row, c.col) == (last, name_col) and c.text else c for c in table.cells)
    return replace(table, cells=cells)


def analysed_blocks(blocks: Iterable[Block]) -> list[tuple[Table, Header]]:
    """Every block of every table of a document with its header. A block with no header band
    that has the columns of the block before it continues that block (a page break cut it
    off), and the lower-case text printed between the two (a name cell's last line outside
    the ruled cells) ends the last name of the block before."""
    out: list[tuple[Table, Header]] = []
    tail: list[str] = []
    for b in blocks:
        if isinstance(b, Paragraph):
            more = out and lower_first(b.text.lstrip()) and len(tail) < MAX_TAIL_LINES
            tail = [*tail, b.text] if more else []  # a sentence between tables ends a tail
            continue
        for view, band in banded_blocks(b):
            block, h = view.table, analyse(view, band=band)
            if out and _continues(block, h, out[-1][1]):
                before, before_h = out[-1]
                h = Header(0, before_h.columns, 0)
                if tail:
                    out[-1] = (_with_tail(before, before_h, "\n".join(tail)), before_h)
            tail = []
            out.append((block, h))
    return out
