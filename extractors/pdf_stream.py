"""Tables drawn without rules: columns found in the whitespace of aligned text lines.

A run of text lines is a table when at least ``MIN_ANCHORS`` of them, close together, break
into three or more segments at wide gaps (``anchor`` lines: a row of short cells or values).
Its column separators lie where (almost) no line of the run has ink: an x position that one
line, or at most ``COVER_SHARE`` of the anchor lines, touch. Each line becomes a row (a cell's
wrapped lines become rows of their own, which the interpreters join as they join rows broken
by a page); a line whose words cross a separator is one cell spanning the columns it touches.
A table that ends its page carries its columns over: the lines at the top of the next page
that fit them are its continuation, however few rows they hold. The cell boxes then
go through ``pdf_stitch.fragment`` like those of a ruled table, so stitching across pages and
text assignment are shared. The approach is the "stream" mode of camelot and tabula.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any

from pdfplumber.utils import cluster_objects, extract_words

from extractors import pdf_stitch

Char = dict[str, Any]
Box = tuple[float, float, float, float]

TOLERANCE = 3.0  # points within which chars make one word and words one line
SEGMENT_GAP = 1.0  # a gap of this many font sizes between words separates two cells
MIN_SEGMENTS = 3  # cells an anchor line has at least
MIN_ANCHORS = 3  # anchor lines a table has at least
MAX_PITCH = 2.6  # font sizes between the tops of two lines of one table, at most
MAX_WRAPPED = 40  # wrapped lines before the first or after the last anchor that belong to it
MIN_COL_GAP = 4.0  # points of whitespace a column separator needs
FULL_ROW = 0.6  # share of the columns a header or data row fills (two such rows at least)
COVER_SHARE = 0.1  # share of the anchor lines that may touch a separator (spanning rows)
WIDE = 0.75  # share of an anchor line's width a line of running text spans, at least


@dataclass(frozen=True, slots=True)
class Line:
    words: tuple[dict[str, Any], ...]
    top: float
    bottom: float
    size: float

    @property
    def x0(self) -> float:
        return float(self.words[0]["x0"])

    @property
    def x1(self) -> float:
        return float(max(w["x1"] for w in self.words))

    def segments(self) -> int:
        gap = SEGMENT_GAP * self.size
        return 1 + sum(b["x0"] - a["x1"] >= gap for a, b in pairwise(self.words))


def word_lines(chars: list[Char], x_tolerance: float = TOLERANCE, y_tolerance: float = TOLERANCE
               ) -> list[list[dict[str, Any]]]:
    """The words of ``chars`` (each with its ``chars``) grouped into text lines, each line's
    words left to right, the lines top to bottom. The PDF extractor's paragraphs read the same
    lines, so a page with no unruled table groups its words once."""
    words = extract_words(chars, True, x_tolerance=x_tolerance, y_tolerance=y_tolerance)
    groups = [sorted(g, key=lambda w: w["x0"]) for g in cluster_objects(words, "top", y_tolerance)]
    return sorted(groups, key=lambda g: min(w["top"] for w in g))


def text_lines(groups: list[list[dict[str, Any]]]) -> list[Line]:
    out = []
    for ws in groups:
        size = max(float(c["size"]) for w in ws for c in w["chars"])
        out.append(Line(tuple(ws), min(w["top"] for w in ws), max(w["bottom"] for w in ws), size))
    return out


def _runs(lines: list[Line]) -> list[tuple[int, int]]:
    """``(first, last)`` line indexes of the runs that hold enough close anchor lines; a run
    parted from its neighbour by running text needs twice as many (justified text has lines
    of wide gaps too)."""
    runs: list[tuple[int, int]] = []
    anchors = [i for i, ln in enumerate(lines) if ln.segments() >= MIN_SEGMENTS]
    group: list[int] = []
    after_text = False  # the group follows running text that parted it from the one before
    for i in [*anchors, None]:
        text = group and i is not None and _text_between(lines, group[-1], i)
        if group and (i is None or text or not _close(lines, group[-1], i)):
            if len(group) >= (MIN_ANCHORS * 2 if after_text or text else MIN_ANCHORS):
                runs.append((group[0], group[-1]))
            group, after_text = [], bool(text)
        if i is not None:
            group.append(i)
    out: list[tuple[int, int]] = []
    for k, (a, b) in enumerate(runs):
        a = _head(lines, a, out[-1][1] if out else -1)
        out.append((a, _tail(lines, b, runs[k + 1][0] if k + 1 < len(runs) else len(lines))))
    return out


def _head(lines: list[Line], first: int, stop: int) -> int:
    """The first line of the run: wrapped lines of a row begun on the page before (or a
    header's lines that hold fewer cells) go before its first anchor, right of its margin."""
    start, left = first, lines[first].x0
    while (start - 1 > stop and first - start < MAX_WRAPPED and _close(lines, start - 1, start)
           and lines[start - 1].x0 > left + 1 and not _wide(lines[start - 1], lines[first])):
        start -= 1
    return start


def _close(lines: list[Line], a: int, b: int) -> bool:
    """Lines ``a..b`` follow one another at table pitch."""
    return all(lines[k + 1].top - lines[k].top <= MAX_PITCH * lines[k].size for k in range(a, b))


def _wide(line: Line, anchor: Line) -> bool:
    """``line`` is one run of words as wide as most of ``anchor``: running text (a note, a
    title), not a cell's wrapped line."""
    return line.segments() == 1 and line.x1 - line.x0 >= WIDE * (anchor.x1 - anchor.x0)


def _text_between(lines: list[Line], a: int, b: int) -> bool:
    """Two wide lines in a row between anchors ``a`` and ``b``: a paragraph of running text
    (notes under one table, the title of the next) parts them into two tables."""
    wide = [_wide(lines[k], lines[a]) for k in range(a + 1, b)]
    return any(x and y for x, y in pairwise(wide))


def _tail(lines: list[Line], last: int, stop: int) -> int:
    """The last line of the run: wrapped lines of the last row follow it closely."""
    end, left = last, lines[last].x0
    while (end + 1 < min(stop, last + 1 + MAX_WRAPPED) and _close(lines, end, end + 1)
           and lines[end + 1].segments() < MIN_SEGMENTS and lines[end + 1].x0 > left + 1
           and not _wide(lines[end + 1], lines[last])):
        end += 1
    return end


def _separators(lines: Sequence[Line]) -> list[float]:
    """x positions between columns: the middle of each wide stretch that few lines touch."""
    lo = int(min(ln.x0 for ln in lines))
    hi = int(max(ln.x1 for ln in lines)) + 1
    cover = [0] * (hi - lo + 1)
    for ln in lines:
        for w in ln.words:
            for x in range(int(w["x0"]) - lo, int(w["x1"]) - lo + 1):
                cover[x] += 1
    anchors = sum(ln.segments() >= MIN_SEGMENTS for ln in lines)  # every column has ink there
    limit = max(1, int(COVER_SHARE * anchors))
    seps: list[float] = []
    x = 0
    while x < len(cover):
        if cover[x] > limit:
            x += 1
            continue
        start = x
        while x < len(cover) and cover[x] <= limit:
            x += 1
        if start > 0 and x < len(cover) and x - start >= MIN_COL_GAP:
            a, b = _widest(cover, start, x)
            seps.append(lo + (a + b) / 2)
    return seps


def _widest(cover: list[int], start: int, end: int) -> tuple[int, int]:
    """First and last x of the widest stretch of least ink in ``cover[start:end]``."""
    least = min(cover[start:end])
    best, a = (start, start), None
    for k in range(start, end + 1):
        if k < end and cover[k] == least:
            a = k if a is None else a
        elif a is not None:
            best = max(best, (a, k - 1), key=lambda ab: ab[1] - ab[0])
            a = None
    return best


def _boxes(lines: Sequence[Line], xs: list[float]) -> list[Box]:
    """Cell boxes: a row per line, a column per separator; a crossing line spans columns."""
    boxes: list[Box] = []
    for k, ln in enumerate(lines):
        top = ln.top - 1 if k == 0 else (lines[k - 1].bottom + ln.top) / 2
        bottom = ln.bottom + 1 if k == len(lines) - 1 else (ln.bottom + lines[k + 1].top) / 2
        spans: list[tuple[int, int]] = []
        for w in ln.words:
            first = max(c for c in range(len(xs) - 1) if xs[c] <= max(w["x0"], xs[0]))
            last = max(c for c in range(len(xs) - 1) if xs[c] < min(w["x1"], xs[-1]))
            if spans and first <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(spans[-1][1], last))
            else:
                spans.append((first, last))
        taken = {c for a, b in spans for c in range(a, b + 1)}
        spans += [(c, c) for c in range(len(xs) - 1) if c not in taken]
        boxes += [(xs[a], top, xs[b + 1], bottom) for a, b in spans]
    return boxes


@dataclass(frozen=True, slots=True)
class StreamTable:
    """An unruled table found on a page; ``xs`` are its cell edges (to carry it on)."""

    top: float
    fragment: pdf_stitch.Fragment
    xs: tuple[float, ...]


def _starts(run: Sequence[Line], xs: Sequence[float]) -> tuple[float, ...]:
    """Where each column's text starts: stable from page to page, unlike the whitespace."""
    starts = []
    for a, b in pairwise(xs):
        inside = [w["x0"] for ln in run for w in ln.words if a <= w["x0"] < b]
        starts.append(round(min(inside), 1) if inside else a)
    return tuple(starts)


def _fits(line: Line, xs: Sequence[float]) -> bool:
    """Every word of ``line`` lies within one column."""
    return not any(w["x0"] < x < w["x1"] for w in line.words for x in xs[1:-1])


def _carried(lines: list[Line], xs: Sequence[float]) -> int:
    """Lines at the top of a page that go on with the table the page before ended with:
    close together, each word inside a column, and one at least with cells in two columns."""
    end = -1
    while end + 1 < len(lines) and _fits(lines[end + 1], xs) and (
            end < 0 or _close(lines, end, end + 1)):
        end += 1
    return end if any(len(_columns_of(ln, xs)) >= 2 for ln in lines[:end + 1]) else -1


def _columns_of(line: Line, xs: Sequence[float]) -> set[int]:
    """The columns ``line`` has words in."""
    return {sum(x <= w["x0"] for x in xs[1:-1]) for w in line.words}


def build(run: Sequence[Line], xs: list[float], chars: list[Char], page_no: int
           ) -> tuple[StreamTable, list[Char]]:
    frag, rest = pdf_stitch.fragment(_boxes(run, xs), chars, page_no)
    frag = replace(frag, col_edges=_starts(run, xs))  # stitching compares where text starts
    return StreamTable(run[0].top, frag, tuple(xs)), rest


def tables(groups: list[list[dict[str, Any]]], chars: list[Char], page_no: int,
           carry: Sequence[float] | None = None) -> tuple[list[StreamTable], list[Char]]:
    """Unruled tables among ``chars`` (``groups`` are their ``word_lines``) and the chars left
    over. ``carry`` are the cell edges of an unruled table that ended the page before: the
    lines that go on with it at the top of this page become a fragment with its columns,
    however few rows they hold."""
    lines = text_lines(groups)
    found: list[StreamTable] = []
    first = 0
    if carry is not None and lines and (end := _carried(lines, carry)) >= 0:
        run = lines[:end + 1]
        xs = [min(carry[0], *(ln.x0 - 1 for ln in run)), *carry[1:-1],
              max(carry[-1], *(ln.x1 + 1 for ln in run))]
        table, chars = build(run, xs, chars, page_no)
        found.append(table)
        first = end + 1
    for a, b in _runs(lines[first:]):
        run = lines[first + a:first + b + 1]
        seps = _separators(run)
        if len(seps) < MIN_SEGMENTS - 1:
            continue
        xs = [min(ln.x0 for ln in run) - 1, *seps, max(ln.x1 for ln in run) + 1]
        if sum(len(_columns_of(ln, xs)) >= FULL_ROW * len(seps) + 1 for ln in run) < 2:
            continue  # a header and a row at least fill most columns (chart axes do not)
        table, chars = build(run, xs, chars, page_no)
        found.append(table)
    return found, chars

