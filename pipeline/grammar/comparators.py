"""Comparator words (не менее, не более, до …) -> ``>=``, ``<=`` or ``=`` from the vocabulary."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pipeline.grammar.years import is_year
from pipeline.vocab import ComparatorForm, comparator_forms, fold, form_pattern

__all__ = ["ComparatorMatch", "comparator_matches", "comparator_of"]

# a number right after a weak comparator ("до 15%"), not a date, a year or an age ("до 35 лет")
_NUMBER_AHEAD_RE = re.compile(
    r"\s*[-−]?(?P<num>\d[\d\s\u00a0\u202f]*(?:[.,]\d+)?)(?P<tail>[^\n]{0,24})", re.DOTALL)
_DATE_AHEAD_RE = re.compile(r"\s*\d{1,2}[./]\d{1,2}[./]\d{2,4}")
_TIME_WORD_RE = re.compile(
    r"\s*(?:г\.|гг\.?|г(?![а-я])|год|лет(?![а-я])|месяц|мес\.|недел|дн(?:я|ей)(?![а-я])|час|"
    r"минут|раз(?:а)?(?![а-я])|класс)")
_RANGE_TAIL_RE = re.compile(r"\s*(?:до|[-–—])\s*\d")


@dataclass(frozen=True, slots=True)
class ComparatorMatch:
    """One comparator phrase found in a text (character offsets into that text)."""

    start: int
    end: int
    comparator: str
    rank_comparator: str
    needs_number: bool


@cache
def _regex() -> tuple[re.Pattern[str], tuple[ComparatorForm, ...]]:
    forms = comparator_forms()
    alts = "|".join(f"(?P<f{i}>{form_pattern(f.form)})" for i, f in enumerate(forms))
    return re.compile(alts), forms


def _number_follows(folded: str, pos: int, *, is_from: bool) -> bool:
    """True if a plain number (not a date, year or age) follows a weak comparator at ``pos``."""
    if _DATE_AHEAD_RE.match(folded, pos):
        return False
    m = _NUMBER_AHEAD_RE.match(folded, pos)
    if m is None:
        return False
    num = m.group("num").strip()
    tail = m.group("tail")
    if is_year(num) and not re.match(r"\s*%", tail):
        return False
    if _TIME_WORD_RE.match(tail):
        return False
    return not (is_from and _RANGE_TAIL_RE.match(tail))


def comparator_matches(text: str) -> list[ComparatorMatch]:
    """All comparator phrases in ``text`` in order; weak ones (до, от, более …) only before a
    number."""
    folded = fold(text)
    regex, forms = _regex()
    out: list[ComparatorMatch] = []
    for m in regex.finditer(folded):
        form = forms[int((m.lastgroup or "f0")[1:])]
        if form.needs_number and not _number_follows(folded, m.end(), is_from=form.form == "от"):
            continue
        out.append(ComparatorMatch(m.start(), m.end(), form.comparator.value,
                                   form.rank_comparator.value, form.needs_number))
    return out


def comparator_of(text: str | None, is_rank: bool = False) -> str | None:
    """The first comparator in ``text`` (``>=``, ``<=``, ``=``); for a rank, не ниже is ``<=``."""
    if not text:
        return None
    found = comparator_matches(text)
    if not found:
        return None
    return found[0].rank_comparator if is_rank else found[0].comparator
