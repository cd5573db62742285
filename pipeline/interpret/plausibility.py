"""Is a candidate row an indicator of the document, and how sure is the reading?

General evidence only, never one file's wording: what the name is (a measurable quantity, a
passport's field label, a label of the row below — ``vocab/indicator_names.csv``), where the
row was read (a table whose value columns the header types, a passport's list of targets, a
sentence), and whether its values fit its unit. Rows whose name is plainly not an indicator
are not written; the others get a ``confidence`` (0–1) that the calibration in
``docs/DATA.md`` turns into a share of right rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache

from pipeline.grammar.comparators import comparator_matches
from pipeline.grammar.units import unit_at_start
from pipeline.grammar.years import YEAR_ONLY_RE
from pipeline.vocab import read_rows
from schemas.enums import Unit

REVIEW_THRESHOLD = 0.5  # rows under it are listed in the review workbook
# footnote marks after a name («… , % <**>», «…, ед.*», «… (1)»)
FOOTNOTE_RE = re.compile(r"(\s*(<\*+>|\*+|\(\d\)|\[\d+\]))+\s*\.?\s*$")
SEGMENT_RE = re.compile(r",|\(|\s[-–—]\s|:\s")  # where a unit may follow a name
MAX_SEGMENTS = 3  # the unit is near the end: the last three segments are tried
QUALIFIER_RE = re.compile(r"^(не\s+(менее|более|ниже|выше)|в|до|от)\s*,?\s*", re.IGNORECASE)


class NameKind(StrEnum):
    """What an indicator name cell holds."""

    MEASURE = "measure"  # a measurable quantity (доля, количество …) or a name with a unit
    OTHER = "other"  # a name that states no measure: plausible, less sure
    LABEL_ONLY = "label_only"  # «Показатель задачи 2:»: the label of the row(s) below
    FIELD_LABEL = "field_label"  # a passport's field («Сроки реализации …»): not an indicator


class Origin(StrEnum):
    """Where an indicator row was read."""

    TABLE = "table"  # value columns typed by a header band (plan / fact / years)
    STATE_TABLE = "state_table"  # one column of states (a value on a date, a self-assessment)
    PASSPORT_LIST = "passport_list"  # a passport's field listing targets by a year
    PROSE = "prose"  # a sentence of an explanatory note


BASE_CONFIDENCE = {Origin.TABLE: 0.9, Origin.STATE_TABLE: 0.8, Origin.PASSPORT_LIST: 0.75,
                   Origin.PROSE: 0.65}


@dataclass(frozen=True, slots=True)
class NameRule:
    pattern: re.Pattern[str]
    kind: str  # head, measure, field_label, label_only
    unit: Unit | None


@cache
def _rules() -> tuple[NameRule, ...]:
    return tuple(NameRule(re.compile(r["pattern"], re.IGNORECASE), r["kind"],
                          Unit(r["unit"]) if r["unit"] else None)
                 for r in read_rows("indicator_names.csv"))


def _plain(name: str) -> str:
    return " ".join(name.lower().replace("ё", "е").split()).strip(" «\"")


def _matches(kind: str, text: str) -> bool:
    """``text`` (already plain) matches a rule of ``kind``."""
    return any(r.kind == kind and r.pattern.search(text) for r in _rules())


@lru_cache(maxsize=1 << 12)
def name_kind(name: str) -> NameKind:
    """The kind of an indicator name cell."""
    low = _plain(name)
    for kind, out in (("label_only", NameKind.LABEL_ONLY), ("field_label", NameKind.FIELD_LABEL)):
        if _matches(kind, low):
            return out
    body = _without_label(low)
    if _matches("head", body) or _matches("measure", body):
        return NameKind.MEASURE
    if stated_unit(name) is not None:
        return NameKind.MEASURE
    return NameKind.OTHER


def _without_label(low: str) -> str:
    """A name without the label in front of it (``показатель задачи 2. доля …`` -> ``доля …``;
    vocabulary kind ``label_prefix``)."""
    for r in _rules():
        if r.kind == "label_prefix":
            low = r.pattern.sub("", low, count=1).strip() or low
    return low


@lru_cache(maxsize=1 << 12)
def stated_unit(name: str) -> Unit | None:
    """The unit a name states after a comma or in brackets near its end (``…, %``, ``…
    (мин.)``, ``…, тыс. человек``, ``…, кв. м общей площади на душу населения``, ``…, ед. на
    1 км., в том числе: …``), read with the unit vocabulary; footnote marks and a qualifier
    (``не менее``) before it are ignored."""
    parts = SEGMENT_RE.split(FOOTNOTE_RE.sub("", name.strip()))
    for part in reversed(parts[1:][-MAX_SEGMENTS:]):
        tail = QUALIFIER_RE.sub("", FOOTNOTE_RE.sub("", part).strip(" .)")).strip(" ,")
        if tail and not YEAR_ONLY_RE.match(tail) and (unit := unit_at_start(tail)) is not None:
            return unit
    return None


@lru_cache(maxsize=1 << 12)
def unit_from_name(name: str) -> Unit | None:
    """The unit a name states (its end), else the one its head word implies (``Доля …`` is a
    percent, ``Численность …`` persons)."""
    if (unit := stated_unit(name)) is not None:
        return unit
    body = _without_label(_plain(name))
    for r in _rules():
        if r.kind == "head" and r.unit is not None and r.pattern.search(body):
            return r.unit
    return None


def is_qualified_part(text: str) -> bool:
    """A sub-row that says its own relation to the row above (``в том числе …``)."""
    return _matches("sub_qualifier", _plain(text))


def ends_as_parent(text: str) -> bool:
    """A name whose sub-rows follow (``…, в том числе:``)."""
    return _matches("parent_end", _plain(text))


HELPER_PUNCT_RE = re.compile(r"[\s,;:()\[\]]+")


def helper_attributes(text: str) -> tuple[Unit | None, str | None] | None:
    """``(unit, comparator)`` of a row that holds only a unit and / or a comparator word under
    a name (``%``, ``(чел.)``, ``не менее, %``): attributes of the row above, not a name; None
    for any other text."""
    t = " ".join(text.split())
    if not t or len(t) > 30:
        return None
    found = comparator_matches(t)
    comparator = found[0].comparator if found else None
    rest = t
    for m in sorted(found, key=lambda m: -m.start):
        rest = rest[:m.start] + " " + rest[m.end:]
    rest = HELPER_PUNCT_RE.sub(" ", rest).strip()
    if not rest:
        return (None, comparator) if comparator else None
    unit = unit_at_start(rest)
    if unit is None or len(rest.split()) > 3 or stated_unit(f"x, {rest}") is None:
        return None
    return unit, comparator


@lru_cache(maxsize=1 << 12)
def stated_comparator(name: str) -> str | None:
    """A comparator the name states with its unit at its end (``…, (не менее, %)``): the
    bound its targets hold."""
    parts = SEGMENT_RE.split(FOOTNOTE_RE.sub("", name.strip()))
    if len(parts) < 2:
        return None
    tail = " ".join(parts[-2:]) if parts[-1].strip(" )") in ("%", "") else parts[-1]
    found = helper_attributes(tail.strip(" .)"))
    return found[1] if found is not None else None


def is_indicator_name(name: str) -> bool:
    """False for a passport's field label or a bare label: such a row is never written."""
    return name_kind(name) not in (NameKind.FIELD_LABEL, NameKind.LABEL_ONLY)


@dataclass(frozen=True, slots=True)
class RowEvidence:
    """What the builder knows of a candidate row besides its name and values."""

    origin: Origin = Origin.TABLE
    joined: bool = False  # the name was made of a label or parent and the row's own text


def _values_fit(unit: Unit | None, values: tuple[float | None, ...], name: str) -> float:
    """A penalty for values that do not fit the row: a year where a quantity should be, a
    share far over 100 %."""
    nums = [v for v in values if v is not None]
    if not nums:
        return 0.25
    penalty = 0.0
    if all(v == int(v) and 1990 <= v <= 2100 for v in nums) and "год" not in name.lower():
        penalty += 0.3  # «2015 - 2025 годы»: a period, not a quantity
    if unit == Unit.PERCENT and any(abs(v) > 1000 for v in nums):
        penalty += 0.2
    return penalty


def confidence(name: str, unit: Unit | None, values: tuple[float | None, ...],
               flags: list[str], evidence: RowEvidence) -> float:
    """How sure the reading is that the row is right, 0–1 (see docs/DATA.md, Confidence)."""
    score = BASE_CONFIDENCE[evidence.origin]
    kind = name_kind(name)
    if kind == NameKind.MEASURE:
        score += 0.05
    elif kind == NameKind.OTHER:
        score -= 0.1 if unit is not None else 0.2
    if len(_plain(name).split()) < 3:
        score -= 0.2  # «водопровод», «Прочие»: a part of something, named elsewhere
    if evidence.joined:
        score -= 0.05
    if unit is None:  # no unit stated anywhere (column, value, name) nor implied
        score -= 0.05
    score -= _values_fit(unit, values, name)
    score -= 0.1 * len(flags)
    return round(min(0.99, max(0.05, score)), 2)


def finance_confidence(year: int | None, source_known: bool, origin: Origin) -> float:
    """How sure the reading is of a finance figure: a table's typed money columns most, a
    budget sentence least; a figure without a year or a source less."""
    score = {Origin.TABLE: 0.9, Origin.PASSPORT_LIST: 0.8}.get(origin, 0.7)
    if year is None:
        score -= 0.15
    if not source_known:
        score -= 0.1
    return round(max(0.05, score), 2)
