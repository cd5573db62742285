"""Pages whose text is printed turned a quarter (a landscape table on a portrait page), turned
back so that the table finders and the paragraphs read them upright.

A page is turned when most of its characters run up the page (text matrix ``b > 0``: the page
must turn a quarter clockwise to read) or down it (``b < 0``: anticlockwise). Every character
box and ruling edge is then mapped into the upright page's coordinates, the characters marked
upright with the matching matrix, so the grid of a table comes out with its rows as rows and
its cell text in reading order. The few characters printed the other way (a page number in
the margin) turn with the page. ``/Rotate`` itself needs nothing here: pdfminer and PDFium
already give the page as displayed.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from extractors.pdfium_page import PageContent

log = logging.getLogger(__name__)

Char = dict[str, Any]
TURNED_SHARE = 0.6  # share of the printed characters that run one way across the page


def _way(chars: list[Char]) -> int:
    """+1: most text runs up the page, -1: down it, 0: the page reads as it is."""
    up = down = printed = 0
    for c in chars:
        if not c["text"].strip():
            continue
        printed += 1
        a, b = c["matrix"][0], c["matrix"][1]
        if abs(b) > abs(a):
            up, down = up + (b > 0), down + (b < 0)
    if not printed:
        return 0
    if up >= TURNED_SHARE * printed:
        return 1
    if down >= TURNED_SHARE * printed:
        return -1
    return 0


def _box(x0: float, x1: float, top: float, bottom: float, way: int, width: float,
         height: float) -> tuple[float, float, float, float]:
    """``(x0, x1, top, bottom)`` of a box on the turned page (``width`` x ``height`` as
    printed): up-running text turns clockwise, down-running anticlockwise."""
    if way > 0:
        return height - bottom, height - top, x0, x1
    return top, bottom, width - x1, width - x0


def _moved(obj: dict[str, Any], way: int, width: float, height: float) -> dict[str, Any]:
    x0, x1, top, bottom = _box(obj["x0"], obj["x1"], obj["top"], obj["bottom"], way, width,
                               height)
    new_height = width  # the turned page is as high as the printed one is wide
    out = {**obj, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
           "width": x1 - x0, "height": bottom - top,
           "y0": new_height - bottom, "y1": new_height - top}
    if "orientation" in obj and obj["orientation"] in ("h", "v"):
        out["orientation"] = "v" if obj["orientation"] == "h" else "h"
    return out


def _char(c: Char, way: int, width: float, height: float) -> Char:
    out = _moved(c, way, width, height)
    a, b, cc, d, e, f = c["matrix"]
    if way > 0:  # the matrix turned a quarter clockwise: (a, b) -> (b, -a)
        a, b, cc, d = b, -a, d, -cc
    else:
        a, b, cc, d = -b, a, -d, cc
    out["matrix"] = (a, b, cc, d, e, f)
    out["upright"] = a * d > 0 and b * cc <= 0
    out["size"] = out["height"] if out["upright"] else c["size"]
    return out


def upright(content: PageContent, width: float, height: float) -> PageContent:
    """``content`` of a page ``width`` x ``height`` as printed, turned to read upright when
    most of its text is turned a quarter; else ``content`` itself."""
    way = _way(content.chars)
    if not way:
        return content
    log.debug("page text runs %s the page: turned to read upright", "up" if way > 0 else "down")
    chars = [_char(c, way, width, height) for c in content.chars]
    edges = [_moved(e, way, width, height) for e in content.edges]
    return replace(content, chars=chars, edges=edges)


def turned_upright(chars: list[Char]) -> list[Char] | None:
    """A cell's ``chars`` turned to read upright when most of them run up or down the page
    (vertical header text), so that words follow in reading order; None when they do not."""
    way = _way(chars)
    if not way:
        return None
    width = max(c["x1"] for c in chars)
    height = max(c["bottom"] for c in chars)
    return [_char(c, way, width, height) for c in chars]
