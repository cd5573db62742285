"""The format-neutral document model every extractor produces.

A Document is an ordered tuple of blocks: paragraphs and tables. Tables are cell grids whose
merged cells appear once, at their top-left position, with their spans (as in docling's
TableData); every row keeps the page it was printed on, so a table stitched across pages
still locates each row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from schemas.enums import Format


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    locator: str
    page: int | None = None
    heading_level: int | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Cell:
    row: int
    col: int
    text: str
    row_span: int = 1
    col_span: int = 1
    nested: tuple[Table, ...] = ()


Grid = tuple[tuple[str | None, ...], ...]


@dataclass(frozen=True, slots=True)
class Table:
    n_rows: int
    n_cols: int
    cells: tuple[Cell, ...]
    locator: str
    row_pages: tuple[int | None, ...] = ()
    row_lines: tuple[int | None, ...] = ()
    first_row: int = 0  # a block cut out of a larger grid keeps the grid's row numbers

    def row_locator(self, row: int) -> str:
        """Contract locator of one row, 1-based: ``table 2 row 5`` (``line 41`` added for TXT)."""
        loc = f"{self.locator} row {row + self.first_row + 1}"
        if self.row_lines and row < len(self.row_lines) and self.row_lines[row] is not None:
            loc += f" line {self.row_lines[row]}"
        return loc

    def row_page(self, row: int) -> int | None:
        return self.row_pages[row] if row < len(self.row_pages) else None

    def grid(self, fill: bool = False) -> list[list[str | None]]:
        """Dense ``n_rows x n_cols`` grid of cell texts, a list of rows of one's own.

        Positions covered by a merged cell hold ``None``, or the merged cell's text when
        ``fill`` is true (useful to carry a vertically merged project name down).
        """
        return [list(row) for row in self.dense(fill)]

    def dense(self, fill: bool = False) -> Grid:
        """``grid(fill)`` as tuples, built anew on each call: a reader that looks at the grid
        more than once keeps it for as long as it reads the table (the table holds no cache,
        so a long document's tables never hold their grids all at once)."""
        out: list[list[str | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        n_rows, n_cols = self.n_rows, self.n_cols
        for c in self.cells:
            if c.row >= n_rows or c.col >= n_cols or c.row_span < 1 or c.col_span < 1:
                continue
            if not fill or (c.row_span == 1 and c.col_span == 1):
                out[c.row][c.col] = c.text
                continue
            cols = range(c.col, min(c.col + c.col_span, n_cols))
            for r in range(c.row, min(c.row + c.row_span, n_rows)):
                row = out[r]
                for k in cols:
                    row[k] = c.text
        return tuple(map(tuple, out))

    def rows(self, start: int, end: int) -> Table:
        """Rows ``start..end-1`` as a table of their own (a block of a larger grid); merged
        cells reaching in from above are cut to the block, keeping their text."""
        cells = []
        for c in self.cells:
            top, bottom = max(c.row, start), min(c.row + c.row_span, end)
            if top < bottom:
                cells.append(Cell(top - start, c.col, c.text, bottom - top, c.col_span, c.nested))
        return Table(end - start, self.n_cols, tuple(cells), self.locator,
                     self.row_pages[start:end], self.row_lines[start:end],
                     self.first_row + start)


Block = Paragraph | Table


@dataclass(frozen=True, slots=True)
class Document:
    source: str
    format: Format
    blocks: tuple[Block, ...]
    pages: int | None = None
    encoding: str | None = None
    warnings: tuple[str, ...] = field(default=())

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Table))

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Paragraph))
