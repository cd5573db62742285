"""Ruled grids that are not tables but marks on an unruled one: boxes drawn around column
groups, rules under a header, a box around one column, rules between rows only.

Such a grid has few cells, and one of them holds a run of lines that either break into
columns of their own at wide gaps (half its lines at least: a chart's frame holds a line of
axis labels or two), or go on outside the grid at the same height (a box around a column
of a wider table). A grid of one column counts as one cell. Its text is then left to the
unruled-table finders (``pdf_stream``), which read the whole table across the marks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from extractors.pdf_stream import MIN_ANCHORS, Line, text_lines, word_lines

Char = dict[str, Any]
Box = tuple[float, float, float, float]

MAX_FRAME_CELLS = 20  # cells of a ruled grid that may be marks on an unruled table


def _centre_in(c: Char, box: Box) -> bool:
    x, y = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _goes_on(line: Line, outside: Sequence[tuple[float, float]]) -> bool:
    """Text outside the grid lies at the height of ``line`` (its middle within the line)."""
    return any(line.top <= y <= line.bottom for y, _ in outside)


def frames_unruled(cells: Sequence[Box], chars: list[Char]) -> bool:
    """Tell a ruled grid (``cells``, on a page of ``chars``) that marks an unruled table."""
    if len({(round(c[0]), round(c[2])) for c in cells}) == 1:  # one column: rules between rows
        cells = [(cells[0][0], min(c[1] for c in cells), cells[0][2], max(c[3] for c in cells))]
    if len(cells) > MAX_FRAME_CELLS:
        return False
    left, right = min(c[0] for c in cells), max(c[2] for c in cells)
    top, bottom = min(c[1] for c in cells), max(c[3] for c in cells)
    beside = [((c["top"] + c["bottom"]) / 2, c["x0"]) for c in chars if c["text"].strip()
              and top <= (c["top"] + c["bottom"]) / 2 <= bottom
              and not left <= (c["x0"] + c["x1"]) / 2 <= right]
    for cell in cells:
        inside = [c for c in chars if _centre_in(c, cell)]
        if len(inside) < MIN_ANCHORS * 2:
            continue
        lines = text_lines(word_lines(inside))
        split = sum(ln.segments() >= 2 for ln in lines)
        if split >= MIN_ANCHORS and split * 2 >= len(lines):
            return True
        on = sum(_goes_on(ln, beside) for ln in lines)
        if on >= MIN_ANCHORS and on * 2 >= len(lines):
            return True
    return False
