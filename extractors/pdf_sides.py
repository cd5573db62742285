"""A ruled table whose first column has no rule on its left: the row labels printed left of
the grid, each inside one of its rows, become a column of their own.

Tables exported without outer borders draw the rules between columns only, so the grid the
rules make starts at its second column. When most rows of the grid that hold text (and
``MIN_ROWS`` at least) have words just left of the grid (letters: a chart's axis has numbers
there), within the height of the row and none of it crossing the grid's edge, each row of
the grid gets a cell from the leftmost of that text to the grid. A grid with text in fewer
than a quarter of its cells is a chart's plot area, whose axis labels are no column.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Char = dict[str, Any]
Box = tuple[float, float, float, float]

MIN_ROWS = 3  # rows with a label left of the grid, at least
MAX_REACH = 250.0  # points left of the grid a label may start


def _filled(cells: Sequence[Box], chars: list[Char], box: Box) -> int:
    """How many of ``cells`` (inside ``box``) hold text."""
    centres = [(x, y) for x, y in (((c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2)
                                   for c in chars if c["text"].strip())
               if box[0] <= x <= box[2] and box[1] <= y <= box[3]]
    return sum(any(x0 <= x <= x1 and t <= y <= b for x, y in centres) for x0, t, x1, b in cells)


def left_column(cells: Sequence[Box], chars: list[Char]) -> list[Box]:
    """The cells to add left of the grid ``cells`` (none when its left side is ruled or
    holds no labels)."""
    left = min(c[0] for c in cells)
    rows = sorted({(c[1], c[3]) for c in cells if abs(c[0] - left) < 1})
    if len(rows) < MIN_ROWS:
        return []
    top, bottom = rows[0][0], rows[-1][1]
    near = [c for c in chars if c["text"].strip() and top <= (c["top"] + c["bottom"]) / 2 <= bottom
            and c["x0"] < left and c["x1"] > left - MAX_REACH]
    if any(c["x1"] > left + 1 for c in near):
        return []  # text crosses the grid's edge: no column of labels
    right = max(c[2] for c in cells)
    inside = [(c["top"] + c["bottom"]) / 2 for c in chars if c["text"].strip()
              and left <= (c["x0"] + c["x1"]) / 2 <= right]
    labels = [(c["top"] + c["bottom"]) / 2 for c in near if c["text"].isalpha()]
    labelled = sum(any(t <= y <= b for y in labels) for t, b in rows)
    written = sum(any(t <= y <= b for y in inside) for t, b in rows)
    if labelled < MIN_ROWS or labelled * 2 < written:
        return []
    if _filled(cells, chars, (left, top, right, bottom)) * 4 < len(cells):
        return []  # a chart's plot area: its axis labels are no column
    x0 = min(c["x0"] for c in near) - 1
    return [(x0, t, left, b) for t, b in rows]
