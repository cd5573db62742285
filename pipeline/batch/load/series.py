"""One indicator's story across documents: the rows of the ``series`` table, built from the
indicator rows of one year and the documents they come from (pure functions; the reading and
writing is ``pipeline.batch.load.series_write``).

A row of the series is one (municipality, indicator, unit, year): the municipality by its
OKTMO code where known, else by its name; the indicator by its catalog name where matched,
else by ``indicator_key`` of the name as written. Its values come from two kinds of document:

* the **target** from passports and orders (``project_passport``, ``order``): the latest one
  stating it, by ``doc_date`` then ``report_year``;
* the **plan and fact** from the other documents (execution reports, explanatory notes, road
  maps): the latest one stating an actual value for the year, by ``report_year`` then
  ``doc_date`` (else the latest one stating anything).

The check flags (``schemas.enums.SeriesFlag``) say where the documents disagree or a fact is
missing; the values of the latest document are kept.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pipeline.grammar.lemma import prepare
from schemas.enums import Comparator, DocType, SeriesFlag, Status, ValueSource

TARGET_TYPES = frozenset({DocType.PROJECT_PASSPORT.value, DocType.ORDER.value})
DOC_COLUMNS = ["doc_id", "doc_type", "municipality", "oktmo", "region", "national_project",
               "federal_project", "report_year", "doc_date", "status"]
READING_COLUMNS = ["doc_id", "indicator_raw", "indicator_canonical", "federal_project", "year",
                   "planned_value", "comparator", "actual_value", "unit", "completion_pct",
                   "status", "page", "locator", "confidence"]
FOOTNOTE_RE = re.compile(r"\*+|[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\(\d{1,2}\)|<\d{1,2}>"
                         r"|(?<=[а-яёa-z)»])\d{1,2}\)?(?=[\s,.;:]|$)", re.IGNORECASE)
PUNCT_RE = re.compile(r"[^\w\s%]+")
REL_TOL = 1e-9
DAY_ZERO = dt.date.min

Key = tuple[str | None, str, str | None, int]  # place, indicator_key, unit, year


@dataclass(frozen=True, slots=True)
class DocInfo:
    """What the series needs of a ``documents`` row."""

    doc_id: str
    doc_type: str | None = None
    municipality: str | None = None
    oktmo: str | None = None
    region: str | None = None
    national_project: str | None = None
    federal_project: str | None = None
    report_year: int | None = None
    doc_date: dt.date | None = None

    @property
    def place(self) -> str | None:
        """The municipality's key: its OKTMO code where known, else its name."""
        return self.oktmo or self.municipality

    @property
    def is_target(self) -> bool:
        """A passport or an order: it sets targets."""
        return self.doc_type in TARGET_TYPES

    def target_order(self) -> tuple[dt.date, int, str]:
        return self.doc_date or DAY_ZERO, self.report_year or 0, self.doc_id

    def report_order(self) -> tuple[int, dt.date, str]:
        return self.report_year or 0, self.doc_date or DAY_ZERO, self.doc_id

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> DocInfo:
        fields: dict[str, Any] = {k: row.get(k) for k in DOC_COLUMNS if k != "status"}
        return cls(**fields)


@dataclass(frozen=True, slots=True)
class Reading:
    """What the series needs of an ``indicators`` row."""

    doc_id: str
    indicator_raw: str
    year: int
    indicator_canonical: str | None = None
    federal_project: str | None = None
    planned_value: float | None = None
    comparator: str | None = None
    actual_value: float | None = None
    unit: str | None = None
    completion_pct: float | None = None
    status: str | None = None
    page: int | None = None
    locator: str | None = None
    confidence: float | None = None

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> Reading:
        fields: dict[str, Any] = {k: row.get(k) for k in READING_COLUMNS}
        return cls(**fields)

    @property
    def states_something(self) -> bool:
        return (self.planned_value is not None or self.actual_value is not None
                or self.completion_pct is not None
                or self.status not in (None, Status.UNKNOWN.value))


Pair = tuple[Reading, DocInfo]


@lru_cache(maxsize=100_000)
def name_key(raw: str) -> str:
    """The key of a name as written: lower case, ё as е, footnote marks and punctuation
    removed, territory and unit words dropped, words lemmatised (``pipeline.grammar.lemma``);
    the cleaned words themselves when nothing is left after lemmatising."""
    text = FOOTNOTE_RE.sub(" ", raw)
    key = prepare(text)
    if not key:
        key = " ".join(PUNCT_RE.sub(" ", text.lower().replace("ё", "е")).split())
    return key


def indicator_key(raw: str | None, canonical: str | None) -> str:
    """The series' indicator key: the catalog name where matched, else ``name_key``."""
    if canonical:
        return canonical
    return name_key(raw or "")


def latest_report_years(docs: Iterable[DocInfo]) -> dict[str | None, int]:
    """Per municipality, the latest year an execution report (or any report that is no
    passport or order) covers."""
    latest: dict[str | None, int] = {}
    for d in docs:
        if d.is_target or d.report_year is None:
            continue
        latest[d.place] = max(latest.get(d.place, d.report_year), d.report_year)
    return latest


KeyOf = Callable[[str | None, str | None], str]  # (raw, canonical) -> indicator key


def group_readings(readings: Iterable[Reading], docs: Mapping[str, DocInfo],
                   key_of: KeyOf = indicator_key) -> dict[Key, list[Pair]]:
    """The readings with their document, by the series' key (the indicator's by ``key_of``,
    ``indicator_key`` or the same computed ahead); readings of unknown documents are left
    out."""
    groups: dict[Key, list[Pair]] = defaultdict(list)
    for r in readings:
        d = docs.get(r.doc_id)
        if d is None:
            continue
        key = (d.place, key_of(r.indicator_raw, r.indicator_canonical), r.unit, r.year)
        groups[key].append((r, d))
    return groups


def series_rows(readings: Iterable[Reading], docs: Mapping[str, DocInfo],
                latest: Mapping[str | None, int], key_of: KeyOf = indicator_key
                ) -> list[dict[str, Any]]:
    """The series rows of ``readings`` (rows of any years), sorted by their key."""
    groups = group_readings(readings, docs, key_of)
    return [series_row(key, groups[key], latest.get(key[0]))
            for key in sorted(groups, key=_sort_key)]


def _sort_key(key: Key) -> tuple[str, str, str, int]:
    place, name, unit, year = key
    return place or "", name, unit or "", year


def _differ(values: Iterable[float]) -> bool:
    found: list[float] = []
    for v in values:
        if not any(math.isclose(v, f, rel_tol=REL_TOL, abs_tol=REL_TOL) for f in found):
            found.append(v)
    return len(found) > 1


def _per_doc(pairs: list[Pair], value: Callable[[Reading], float | None]) -> list[float]:
    """One value per document: that of its most confident row stating one."""
    best: dict[str, tuple[float, float]] = {}
    for r, _ in pairs:
        v = value(r)
        if v is None:
            continue
        conf = r.confidence if r.confidence is not None else 0.0
        if r.doc_id not in best or conf > best[r.doc_id][0]:
            best[r.doc_id] = (conf, v)
    return [v for _, v in best.values()]


def _latest(pairs: list[Pair], order: Callable[[DocInfo], tuple[Any, ...]]) -> Pair | None:
    if not pairs:
        return None
    return max(pairs, key=lambda p: (order(p[1]),
                                     p[0].confidence if p[0].confidence is not None else 0.0))


def derived_completion(actual: float | None, plan: float | None, comparator: str | None
                       ) -> float | None:
    """The completion percent of ``actual`` against ``plan`` (inverted for a «не более»
    target), when both are there and the divisor is not zero."""
    if actual is None or plan is None:
        return None
    if comparator == Comparator.LE.value:
        return round(plan / actual * 100, 2) if actual else None
    return round(actual / plan * 100, 2) if plan else None


def derived_status(actual: float | None, plan: float | None, comparator: str | None
                   ) -> str | None:
    """done when ``actual`` meets ``plan`` (at most it, for a «не более» target), else
    not_done; None without both."""
    if actual is None or plan is None:
        return None
    met = actual <= plan if comparator == Comparator.LE.value else actual >= plan
    met = met or math.isclose(actual, plan, rel_tol=REL_TOL, abs_tol=REL_TOL)
    return (Status.DONE if met else Status.NOT_DONE).value


def _completion(fact: Reading | None, plan: float | None, comparator: str | None
                ) -> tuple[float | None, str | None]:
    if fact is None:
        return None, None
    if fact.completion_pct is not None:
        return fact.completion_pct, ValueSource.STATED.value
    pct = derived_completion(fact.actual_value, plan, comparator)
    return pct, (ValueSource.DERIVED.value if pct is not None else None)


def _status(fact: Reading | None, plan: float | None, comparator: str | None
            ) -> tuple[str | None, str | None]:
    if fact is not None and fact.status not in (None, Status.UNKNOWN.value):
        return fact.status, ValueSource.STATED.value
    status = derived_status(fact.actual_value if fact else None, plan, comparator)
    return status, (ValueSource.DERIVED.value if status is not None else None)


def _first(values: Iterable[Any]) -> Any:
    return next((v for v in values if v is not None), None)


def series_row(key: Key, pairs: list[Pair], latest_report_year: int | None) -> dict[str, Any]:
    """The series row of one key from its readings."""
    _, ind_key, unit, year = key
    targets = [p for p in pairs if p[1].is_target and p[0].planned_value is not None]
    reports = [p for p in pairs if not p[1].is_target and p[0].states_something]
    target = _latest(targets, DocInfo.target_order)
    fact = (_latest([p for p in reports if p[0].actual_value is not None], DocInfo.report_order)
            or _latest(reports, DocInfo.report_order))
    plan_pair = (fact if fact is not None and fact[0].planned_value is not None
                 else _latest([p for p in reports if p[0].planned_value is not None],
                              DocInfo.report_order))
    t, f = (target[0] if target else None), (fact[0] if fact else None)
    planned = plan_pair[0].planned_value if plan_pair else None
    target_value = t.planned_value if t else None
    comparator = (f.comparator if f and f.comparator else None) or (t.comparator if t else None)
    plan_for_status = planned if planned is not None else target_value
    completion, completion_source = _completion(f, plan_for_status, comparator)
    status, status_source = _status(f, plan_for_status, comparator)
    flags = _flags(targets, reports, planned, target_value, f,
                   year < latest_report_year if latest_report_year is not None else False)
    newest = sorted(pairs, key=lambda p: p[1].target_order(), reverse=True)
    docs_by_age = sorted({d.doc_id: d for _, d in pairs}.values(), key=DocInfo.target_order)
    used = [p[0] for p in (target, fact, plan_pair) if p is not None]
    confidences = [r.confidence for r in used if r.confidence is not None]
    return {
        "region": _first(d.region for _, d in newest),
        "oktmo": _first(d.oktmo for _, d in newest),
        "municipality": _first(d.municipality for _, d in newest),
        "national_project": _first(d.national_project for _, d in newest),
        "federal_project": _first([*(r.federal_project for r, _ in newest),
                                   *(d.federal_project for _, d in newest)]),
        "indicator": _first([*(r.indicator_canonical for r, _ in newest),
                             *(r.indicator_raw for r, _ in newest)]),
        "indicator_key": ind_key, "unit": unit, "year": year,
        "target_value": target_value, "target_comparator": t.comparator if t else None,
        "target_doc_id": t.doc_id if t else None, "target_locator": t.locator if t else None,
        "target_page": t.page if t else None,
        "planned_value": planned, "actual_value": f.actual_value if f else None,
        "fact_doc_id": f.doc_id if f else None, "fact_locator": f.locator if f else None,
        "fact_page": f.page if f else None,
        "completion_pct": completion, "completion_source": completion_source,
        "status": status, "status_source": status_source,
        "n_documents": len(docs_by_age), "doc_ids": [d.doc_id for d in docs_by_age],
        "confidence": min(confidences) if confidences else None,
        "flags": flags,
    }


def _flags(targets: list[Pair], reports: list[Pair], planned: float | None,
           target_value: float | None, fact: Reading | None, past: bool) -> list[str]:
    flags: list[str] = []
    if _differ(_per_doc(targets, lambda r: r.planned_value)):
        flags.append(SeriesFlag.TARGET_CHANGED.value)
    if (planned is not None and target_value is not None
            and not math.isclose(planned, target_value, rel_tol=REL_TOL, abs_tol=REL_TOL)):
        flags.append(SeriesFlag.PLAN_DIFFERS_FROM_TARGET.value)
    if _differ(_per_doc(reports, lambda r: r.actual_value)):
        flags.append(SeriesFlag.FACTS_DISAGREE.value)
    if past and target_value is not None and (fact is None or fact.actual_value is None):
        flags.append(SeriesFlag.MISSING_FACT.value)
    return flags
