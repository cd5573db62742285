"""Tables built directly in the neutral model, for tests of the interpreters."""

from __future__ import annotations

from extractors.model import Cell, Table

Spans = dict[tuple[int, int], tuple[int, int]]


def grid_table(rows: list[list[str]], spans: Spans | None = None) -> Table:
    """A table of ``rows``; ``spans`` maps a cell's (row, col) to its (row_span, col_span),
    and the positions it covers drop out of ``rows``."""
    spans = spans or {}
    covered = set()
    for (r, c), (rs, cs) in spans.items():
        covered |= {(r + i, c + j) for i in range(rs) for j in range(cs)} - {(r, c)}
    cells = tuple(Cell(r, c, text, *spans.get((r, c), (1, 1)))
                  for r, row in enumerate(rows) for c, text in enumerate(row)
                  if (r, c) not in covered)
    return Table(len(rows), len(rows[0]), cells, "table 1")
