"""Two-column unruled tables: labels on the left, values on the right, far apart.

``pdf_stream`` finds unruled tables by lines of three cells or more; a list of figures
("Net asset value .......... 5,111,372", a price list, a budget summary) has two. Such a
table is read here when at least ``MIN_PAIRS`` of its lines are *pairs*: exactly two
segments, at least ``PAIR_GAP`` font sizes apart, the right one short (``MAX_VALUE_CHARS``)
and holding a digit, the right segments of the pairs overlapping one another (one value
column) and the gap between the columns clear on every line of the run. The lines between
pairs (section headings in the label column, a lone value) belong to the table when they
keep clear of the gap. Prose never qualifies: its words are never that far apart, and a
two-column page layout has long text on the right, not values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any

from extractors import pdf_stream
from extractors.pdf_stream import Line, StreamTable

Char = dict[str, Any]

PAIR_GAP = 3.0  # font sizes between a label and its value, at least
MAX_VALUE_CHARS = 20  # characters of a value, at most
MIN_PAIRS = 4  # pair lines a table has at least
MAX_PITCH = 4.0  # font sizes between the tops of two lines of one table, at most
MAX_BLANK = 8.0  # font sizes of blank space a table of MIN_PAIRS pairs goes on across
MAX_HEAD = 3  # lines above the first pair that belong to it (a column header)
_DASHES = {"-", "–", "—"}  # a value printed as a dash (nil)


@dataclass(frozen=True, slots=True)
class _Pair:
    label_x0: float
    label_x1: float
    value_x0: float
    value_x1: float


def _pair(line: Line) -> _Pair | None:
    """The line as a label and a value, or None when it is not one."""
    words = line.words
    gaps = [k for k, (a, b) in enumerate(pairwise(words), start=1)
            if b["x0"] - a["x1"] >= pdf_stream.SEGMENT_GAP * line.size]
    if len(gaps) != 1:
        return None
    k = gaps[0]
    label, value = words[:k], words[k:]
    if value[0]["x0"] - label[-1]["x1"] < PAIR_GAP * line.size:
        return None
    text = " ".join(w["text"] for w in value)
    if len(text) > MAX_VALUE_CHARS or not (text in _DASHES or any(ch.isdigit() for ch in text)):
        return None
    return _Pair(float(label[0]["x0"]), float(max(w["x1"] for w in label)), float(value[0]["x0"]),
                 float(max(w["x1"] for w in value)))


@dataclass(slots=True)
class _Run:
    """Lines ``first..last`` (indexes), where the labels start, the gap ``lo..hi`` between
    the columns, the value column's extent and how many pairs the run holds."""

    first: int
    left: float
    last: int
    lo: float
    hi: float
    v0: float
    v1: float
    pairs: int

    def takes(self, p: _Pair, line: Line) -> bool:
        return self.aligned(line) and p.value_x0 <= self.v1 and p.value_x1 >= self.v0 and (
            p.label_x1 < self.hi and p.value_x0 > self.lo)

    def add(self, k: int, p: _Pair) -> None:
        self.last, self.pairs = k, self.pairs + 1
        self.lo, self.hi = max(self.lo, p.label_x1), min(self.hi, p.value_x0)
        self.v0, self.v1 = min(self.v0, p.value_x0), max(self.v1, p.value_x1)

    def clear(self, line: Line) -> bool:
        """No word of ``line`` crosses the middle of the gap between the columns; the gap
        narrows to keep clear of its words."""
        mid = (self.lo + self.hi) / 2
        if not self.aligned(line) or any(w["x0"] < mid < w["x1"] for w in line.words):
            return False
        self.lo = max([self.lo, *(w["x1"] for w in line.words if w["x1"] <= mid)])
        self.hi = min([self.hi, *(w["x0"] for w in line.words if w["x0"] >= mid)])
        return True


    def aligned(self, line: Line) -> bool:
        """``line`` starts in the label column, not left of it (running text beside it)."""
        return line.x0 >= self.left - line.size


def _near(lines: Sequence[Line], a: int, b: int, run: _Run | None = None) -> bool:
    """Lines ``a`` and ``b`` follow at table pitch, or across a blank that a confirmed
    ``run`` goes on over."""
    limit = MAX_BLANK if run is not None and run.pairs >= MIN_PAIRS else MAX_PITCH
    return lines[b].top - lines[a].top <= limit * max(lines[a].size, lines[b].size)


def _runs(lines: Sequence[Line]) -> list[_Run]:
    pairs = [_pair(ln) for ln in lines]
    runs: list[_Run] = []
    run: _Run | None = None
    for k, p in enumerate(pairs):
        if run is not None and not _near(lines, k - 1, k, run):
            run = None
        if run is not None and p is not None and run.takes(p, lines[k]):
            run.add(k, p)
        elif run is not None and p is None and run.clear(lines[k]):
            continue  # kept when a pair follows
        elif p is not None:
            run = _Run(k, p.label_x0, k, p.label_x1, p.value_x0, p.value_x0, p.value_x1, 1)
            runs.append(run)
        else:
            run = None
    return [r for r in runs if r.pairs >= MIN_PAIRS]


def _head(lines: Sequence[Line], run: _Run, stop: int) -> int:
    """The first line of the table: up to ``MAX_HEAD`` lines above its first pair that keep
    clear of the gap (a column header), unless they end a block of text above them."""
    first = run.first
    while (first - 1 > stop and run.first - first < MAX_HEAD
           and _near(lines, first - 1, first) and replace(run).clear(lines[first - 1])):
        first -= 1
    if (first < run.first and first - 1 > stop and _near(lines, first - 1, first)
            and not replace(run).clear(lines[first - 1])):
        return run.first  # the lines above go on from text that crosses the columns
    for k in range(first, run.first):
        run.clear(lines[k])
    return first


def tables(groups: list[list[dict[str, Any]]], chars: list[Char], page_no: int
           ) -> tuple[list[StreamTable], list[Char]]:
    """Two-column unruled tables among ``chars`` (``groups`` are their ``word_lines``) and
    the chars left over."""
    lines = pdf_stream.text_lines(groups)
    found: list[StreamTable] = []
    stop = -1
    for r in _runs(lines):
        first = _head(lines, r, stop)
        run = lines[first:r.last + 1]
        xs = [min(ln.x0 for ln in run) - 1, (r.lo + r.hi) / 2, max(ln.x1 for ln in run) + 1]
        table, chars = pdf_stream.build(run, xs, chars, page_no)
        found.append(table)
        stop = r.last
    return found, chars
