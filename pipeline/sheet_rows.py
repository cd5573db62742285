"""Row heights of a worksheet's wrapped text (the export workbook, the review workbook).

A spreadsheet draws a wrapped cell in the row's height: a row written without one keeps the
default of one line, and LibreOffice (and Excel, until the row is edited) show a long text cut
or over the next row. So a row gets the height of its most wrapped cell, the lines estimated
from the text's length against the column's width in characters (a Cyrillic letter of the
default font is about the width Excel's unit is measured in).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

LINE_HEIGHT = 15.0  # points, a line of the default 11 pt font
MAX_HEIGHT = 409.0  # Excel's highest row
MAX_LINES = 12  # a row grows to this many lines at most (the cell holds the rest)


def wrapped_lines(text: str, width: float) -> int:
    """Lines ``text`` takes wrapped in a column ``width`` characters wide (about)."""
    per_line = max(1, int(width) - 1)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def row_height(cells: Iterable[tuple[object, float]]) -> float | None:
    """The height of a row of (value, column width) cells: None for one line (the default
    height), else as many lines as its most wrapped text needs, up to ``MAX_LINES``."""
    lines = max((wrapped_lines(v, w) for v, w in cells if isinstance(v, str)), default=1)
    lines = min(lines, MAX_LINES)
    return min(LINE_HEIGHT * lines, MAX_HEIGHT) if lines > 1 else None
