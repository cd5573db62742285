"""Characters a PDF prints twice at one place (fake bold, shadows), dropped before reading."""

from __future__ import annotations

from typing import Any

Char = dict[str, Any]


def dedupe(chars: list[Char]) -> list[Char]:
    """Drop characters printed twice at one place (fake bold, shadows), within one point.

    The characters kept are binned by text, font and size, then by rounded x and rounded
    top; a char is looked for in its bin and the eight around it, the three columns first
    (most chars have no char of their kind in them)."""
    kinds: dict[tuple[Any, ...], dict[int, dict[int, list[Char]]]] = {}
    out = []
    for c in chars:
        x, top = c["x0"], c["top"]
        gx, gy = round(x), round(top)
        columns = kinds.setdefault((c["text"], c["fontname"], c["size"]), {})
        if columns and _printed_near(columns, gx, gy, x, top):
            continue
        columns.setdefault(gx, {}).setdefault(gy, []).append(c)
        out.append(c)
    return out


def _printed_near(columns: dict[int, dict[int, list[Char]]], gx: int, gy: int, x: float,
                  top: float) -> bool:
    for dx in (-1, 0, 1):
        column = columns.get(gx + dx)
        if column is None:
            continue
        for dy in (-1, 0, 1):
            for o in column.get(gy + dy, ()):
                if abs(o["x0"] - x) <= 1 and abs(o["top"] - top) <= 1:
                    return True
    return False
