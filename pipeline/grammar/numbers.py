"""Russian numbers ("2 002,000", "86,5", "−3") and values with comparator and unit.

Rules for a cell holding several numbers ("5%\\n(87 человек)"): the value is the first number
that is not part of a date, with the unit written right after it and the nearest comparator
written before it (or, failing that, a strong comparator anywhere in the cell, "5 (не ниже)").
A number beyond ``MAX_ABS`` (a 401-digit cell reads as infinity) is no figure: the value is
null, its raw text kept, and the interpreters flag it ``value_unparsed``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from pipeline.grammar.comparators import ComparatorMatch, comparator_matches, comparator_of
from pipeline.grammar.units import UnitMatch, unit_after, unit_of
from pipeline.grammar.years import is_year
from pipeline.vocab import fold, read_rows
from schemas.enums import Unit

__all__ = [
    "Number",
    "Value",
    "find_value",
    "in_range",
    "is_null_token",
    "iter_numbers",
    "null_tokens",
    "parse_number",
    "parse_value",
]

MAX_ABS = 1e15  # above any figure of a report (a national project's budget is ~1e13 rubles)
_DASHES = frozenset("-–—‑−*/\\_ ")  # a cell of these alone ("-", "–––", "*") holds no figure
_SEP = "[ \u00a0\u202f\u2009\u2007]"
# a line break inside a number is a wrapped PDF line ("не менее 1\n690 человек", "1\n941,815
# тыс. руб.") only when a word follows the group; "1 690\n100 %" stays two numbers
_GROUP = rf"(?:{_SEP}\d{{3}}|\n\d{{3}}(?=(?:[.,]\d+)?[ \t]+[^\W\d_]))"
_NUMBER_RE = re.compile(
    rf"(?<![\w.,])(?P<sign>[-−–+](?=\d))?"
    rf"(?P<int>\d{{1,3}}{_GROUP}+(?!\d)|\d+)(?:[.,](?P<frac>\d+))?(?!\d)")
_WHOLE_RE = re.compile(
    rf"\s*(?P<sign>[-−–+])?\s*(?P<int>\d{{1,3}}(?:{_SEP}\d{{3}})+|\d+)(?:[.,](?P<frac>\d+))?"
    r"\s*%?\s*\.?\s*")
_DATE_RE = re.compile(r"(?<!\d)(?:\d{1,2}[./]\d{1,2}[./](?:\d{4}|\d{2})|\d{4}-\d\d-\d\d)(?!\d)")
_YEAR_WORD_RE = re.compile(r"\s*(?:г\.|гг|г(?![а-я])|год|годы|года|году|годов)")
_NUMERO_RE = re.compile(r"№\s*$")
_ITEM_RE = re.compile(r"(?:^|\n)[ \t]*$")
_ITEM_TAIL_RE = re.compile(r"(?:\.\d+)*\.?[ \t]+[А-ЯЁA-Z«\"]")
_MAX_GAP_WORDS = 3
_GAP_RE = re.compile(rf"[\s,:;–—-]*(?:[^\W\d]+[\s,:;–—-]+){{0,{_MAX_GAP_WORDS}}}")


@dataclass(frozen=True)
class Value:
    """A parsed value: number (scaled to the unit's base), comparator, unit and the raw text."""

    value: float | None
    comparator: str | None
    unit: Unit | None
    raw: str


@dataclass(frozen=True, slots=True)
class Number:
    """One number in a text with its character span."""

    start: int
    end: int
    value: float


@cache
def null_tokens() -> frozenset[str]:
    """The placeholders of ``vocab/null_tokens.csv`` (``нет``, ``х``, ``н/д``, ``-/-`` …)."""
    return frozenset(fold(r["token"]) for r in read_rows("null_tokens.csv"))


def is_null_token(text: str | None) -> bool:
    """True for an empty cell, a cell of dashes or stars alone, or a placeholder of
    ``vocab/null_tokens.csv``: the one rule of "this cell holds no figure"."""
    t = fold(text or "").strip().rstrip(".")
    return t in null_tokens() or all(c in _DASHES for c in t)


def _to_float(sign: str | None, integer: str, frac: str | None) -> float:
    digits = re.sub(r"\D", "", integer)
    value = float(f"{digits}.{frac}" if frac else digits)
    return -value if sign in ("-", "−", "–") else value


def in_range(value: float) -> bool:
    """A finite number no larger than ``MAX_ABS``: one a report can mean."""
    return math.isfinite(value) and abs(value) <= MAX_ABS


def parse_number(text: str | None) -> float | None:
    """The number when ``text`` is essentially one number ("1 201,874", "30,0%", "−3")."""
    if text is None or is_null_token(text):
        return None
    m = _WHOLE_RE.fullmatch(text)
    if m is None:
        return None
    value = _to_float(m.group("sign"), m.group("int"), m.group("frac"))
    return value if in_range(value) else None


def iter_numbers(text: str, *, signed: bool = True) -> Iterator[Number]:
    """Numbers in ``text`` in order, skipping dates; ``signed=False`` ignores hyphen signs."""
    dates = [m.span() for m in _DATE_RE.finditer(text)]
    for m in _NUMBER_RE.finditer(text):
        if any(a <= m.start("int") < b for a, b in dates):
            continue
        sign = m.group("sign")
        if sign and not signed and sign != "−":
            sign = None
        start = m.start() if sign else m.start("int")
        yield Number(start, m.end(), _to_float(sign, m.group("int"), m.group("frac")))


def _scaled(value: float, unit: UnitMatch | None) -> float:
    if unit is None or unit.multiplier == 1.0:
        return value
    return round(value * unit.multiplier, 2 if unit.unit == Unit.RUB else 6)


def _comparator_before(text: str, num: Number, found: list[ComparatorMatch],
                       low: int) -> ComparatorMatch | None:
    """The comparator closest before ``num`` and after ``low``, within a short gap of words."""
    for c in reversed(found):
        if c.end > num.start or c.start < low:
            continue
        gap = text[c.end:num.start]
        if c.needs_number:
            return c if not gap.strip(" \t\n-−") else None
        gap_match = _GAP_RE.fullmatch(gap)
        return c if gap_match else None
    return None


def _pick(c: ComparatorMatch | None, unit: UnitMatch | None, is_rank: bool) -> str | None:
    if c is None:
        return None
    rank = is_rank or (unit is not None and unit.unit == Unit.RANK)
    return c.rank_comparator if rank else c.comparator


def parse_value(text: str | None, is_rank: bool = False) -> Value:
    """A value cell: first number (not a date) with its comparator and unit; raw is the text."""
    raw = text or ""
    if is_null_token(raw):
        return Value(None, None, None, raw)
    folded = fold(raw)
    num = next((n for n in iter_numbers(raw) if not _is_year(raw, folded, n, strict=True)), None)
    if num is None or not in_range(num.value):
        return Value(None, comparator_of(raw, is_rank), unit_of(raw), raw)
    unit = unit_after(raw, num.end)
    if not in_range(_scaled(num.value, unit)):
        return Value(None, comparator_of(raw, is_rank), unit.unit if unit else None, raw)
    found = comparator_matches(raw)
    comp = _comparator_before(raw, num, found, 0) or next(
        (c for c in found if c.start < num.start and not c.needs_number), None) or next(
        (c for c in found if c.start >= num.end and not c.needs_number), None)
    return Value(_scaled(num.value, unit), _pick(comp, unit, is_rank),
                 unit.unit if unit else None, raw)


def _is_year(text: str, folded: str, num: Number, *, strict: bool) -> bool:
    """A year: 19xx/20xx followed by a year word, or (``strict=False``) by anything but "%"."""
    if not is_year(text[num.start:num.end]):
        return False
    if _YEAR_WORD_RE.match(folded, num.end):
        return True
    return not strict and not re.match(r"\s*%", text[num.end:])


def _skip_in_prose(text: str, folded: str, num: Number) -> bool:
    """Years ("2020 год"), numbered items ("1. Доля") and "№ 5" are not values in prose."""
    if _is_year(text, folded, num, strict=False):
        return True
    if _NUMERO_RE.search(text[max(0, num.start - 3):num.start]):
        return True
    return bool(_ITEM_RE.search(text[:num.start]) and _ITEM_TAIL_RE.match(text, num.end))


def find_value(text: str | None, is_rank: bool = False) -> Value | None:
    """The first comparator + number + unit in free prose ("заключено договоров не менее, чем
    для 5% педагогических работников" -> 5, ">=", percent); raw is the matched span."""
    if not text:
        return None
    folded = fold(text)
    found = comparator_matches(text)
    low = 0
    for num in iter_numbers(text, signed=False):
        if _skip_in_prose(text, folded, num):
            low = num.end
            continue
        unit = unit_after(text, num.end)
        if not in_range(_scaled(num.value, unit)):  # not a figure
            low = num.end
            continue
        comp = _comparator_before(text, num, found, low)
        start = comp.start if comp else num.start
        end = unit.end if unit else num.end
        return Value(_scaled(num.value, unit), _pick(comp, unit, is_rank),
                     unit.unit if unit else None, text[start:end])
    return None
