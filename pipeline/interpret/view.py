"""The interpreter's view of one table: the table with its two dense grids (merged cells once,
and merged cells filled), built on first use and shared by every reader of the table — the
header analysis, the data rows, the captions — for as long as the interpreter holds the view.
The extractors' ``Table`` stays a plain value that caches nothing; the grids go with the
view once the table is read."""

from __future__ import annotations

from extractors.model import Grid, Table


class TableView:
    """A table as the interpreter reads it."""

    __slots__ = ("_filled", "_sparse", "table")

    def __init__(self, table: Table) -> None:
        self.table = table
        self._sparse: Grid | None = None
        self._filled: Grid | None = None

    @property
    def grid(self) -> Grid:
        """Cell texts, a merged cell's text at its top-left position only."""
        if self._sparse is None:
            self._sparse = self.table.dense()
        return self._sparse

    @property
    def filled(self) -> Grid:
        """Cell texts, a merged cell's text in every position it covers."""
        if self._filled is None:
            self._filled = self.table.dense(fill=True)
        return self._filled

    @property
    def n_rows(self) -> int:
        return self.table.n_rows

    @property
    def n_cols(self) -> int:
        return self.table.n_cols

    def row_locator(self, row: int) -> str:
        return self.table.row_locator(row)

    def row_page(self, row: int) -> int | None:
        return self.table.row_page(row)


def view_of(table: Table | TableView) -> TableView:
    """``table``'s view: the view itself when the caller holds one (its grids shared), else a
    new one that lives as long as the call."""
    return table if isinstance(table, TableView) else TableView(table)
