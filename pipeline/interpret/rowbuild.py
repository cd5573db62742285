"""One builder per output row kind. An indicator row is made here from its parts wherever they
were read — a table's value columns, a passport's list of targets, a sentence of prose — so
the unit (stated, else the value's, else the name's), the comparator, the consistency flags
and the confidence are chosen in one place. Finance figures, from a budget table's row, a
passport's finance text or prose, gather in one accumulator keyed by (year, source), and a
finance row gets its confidence here."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from pipeline.grammar.numbers import Value
from pipeline.interpret.plausibility import (
    Origin,
    RowEvidence,
    confidence,
    finance_confidence,
    stated_comparator,
    unit_from_name,
)
from pipeline.interpret.values import is_null_token
from schemas.enums import FinanceSource, IndicatorFlag, MoneyKind, Unit
from schemas.rows import FinanceRow, IndicatorRow

PCT_TOLERANCE = 1.0
TABLE_ROW = RowEvidence(Origin.TABLE)
NOT_BELOW_RE = re.compile(r"не\s+ниже")


def rank_comparator(name: str) -> str | None:
    """A rank target (``место … (не ниже)``): the place number may not exceed it, so ``<=``."""
    low = name.lower()
    return "<=" if "место" in low and NOT_BELOW_RE.search(low) else None


def resolve_unit(name: str, stated: Unit | None, *values: Value | None) -> Unit | None:
    """The row's unit: the one stated (a unit column), else the values' own, else the name's;
    a rank target is a rank, and places counted (``Количество … мест``) are units."""
    unit = stated or next((v.unit for v in values if v is not None and v.unit), None)
    unit = unit or unit_from_name(name)
    if rank_comparator(name):
        return Unit.RANK
    if unit == Unit.RANK and unit_from_name(name) == Unit.UNITS:
        return Unit.UNITS
    return unit


def flags_of(row: IndicatorRow, planned_cell: str | None = None) -> list[str]:
    """Consistency flags of an indicator row; ``planned_cell`` is the planned cell's own text
    when ``planned_text`` says more than it (the need beside the approved figure)."""
    flags = []
    p, a, pct = row.planned_value, row.actual_value, row.completion_pct
    if pct is not None and p and a is not None:
        ratios = [a / p * 100]
        if a:
            ratios.append(p / a * 100)
        if all(abs(r - pct) > PCT_TOLERANCE for r in ratios):
            flags.append(IndicatorFlag.PCT_MISMATCH.value)
    for text, value in ((planned_cell if planned_cell is not None else row.planned_text,
                         row.planned_value), (row.actual_text, row.actual_value)):
        if text and not is_null_token(text) and value is None:
            flags.append(IndicatorFlag.VALUE_UNPARSED.value)
            break
    if row.status == "done" and p is not None and a is not None:
        below = a < p if row.comparator != "<=" else a > p
        if below:
            flags.append(IndicatorFlag.STATUS_CONFLICT.value)
    return flags


@dataclass(frozen=True, slots=True)
class Reading:
    """The values read for one indicator and year, before the row is built."""

    planned: Value | None = None
    actual: Value | None = None
    base: float | None = None
    pct: float | None = None
    planned_text: str | None = None
    actual_text: str | None = None
    comparator_ok: bool = True  # False where a «до» ends a range rather than bounds a target
    comparator: str | None = None  # stated apart from the value (a helper row «не менее»)


def indicator_row(name: str, year: int | None, reading: Reading, *,
                  stated_unit: Unit | None = None, evidence: RowEvidence = TABLE_ROW,
                  planned_cell: str | None = None, **context: object) -> IndicatorRow:
    """An indicator row from a name, a year and what was read for them. ``context`` holds the
    row's other columns as read (federal_project, activity, status, status_raw, note, page,
    locator)."""
    p, a = reading.planned, reading.actual
    unit = resolve_unit(name, stated_unit, p, a)
    comparator = rank_comparator(name) or (p.comparator if p and reading.comparator_ok else None)
    if comparator is None and p is not None and p.value is not None:
        comparator = reading.comparator or stated_comparator(name)
    row = IndicatorRow(
        indicator_raw=name, year=year, base_value=reading.base,
        planned_value=p.value if p else None, planned_text=reading.planned_text,
        comparator=comparator, actual_value=a.value if a else None,
        actual_text=reading.actual_text, unit=unit.value if unit else None,
        completion_pct=reading.pct, **context)  # type: ignore[arg-type]
    flags = flags_of(row, planned_cell)
    values = (row.planned_value, row.actual_value)
    return replace(row, flags=flags, confidence=confidence(name, unit, values, flags, evidence))


def carry_bases(rows: list[IndicatorRow]) -> list[IndicatorRow]:
    """A base value stated once for an indicator whose table is repeated as stacked year
    blocks (2015–2020 with a base column, then 2021–2025 without one): the rows of the later
    blocks keep the indicator's base. Only a base that is the same wherever it is stated is
    carried, and only to rows of the same name and unit that state none."""
    bases: dict[tuple[str | None, str | None], set[float]] = {}
    for r in rows:
        if r.base_value is not None:
            bases.setdefault((r.indicator_raw, r.unit), set()).add(r.base_value)
    if not bases:
        return rows
    out = []
    for r in rows:
        known = bases.get((r.indicator_raw, r.unit))
        if r.base_value is None and known is not None and len(known) == 1:
            r = replace(r, base_value=next(iter(known)))
        out.append(r)
    return out


def finance_row(row: FinanceRow, origin: Origin = Origin.TABLE) -> FinanceRow:
    """A finance row with its confidence."""
    known = row.source not in (None, FinanceSource.UNKNOWN.value)
    return replace(row, confidence=finance_confidence(row.year, known, origin))


FinanceKey = tuple[int | None, str]


class FinanceFigures:
    """The finance rows of one scope (a table row, a passport's finance text, a document's
    prose), keyed by (year, source). The first figure of a kind (planned, spent) for a key
    stays: a later one for the same key restates it (a law figure before the budget roll's, a
    sentence repeating an earlier one) and only adds to the row's text."""

    __slots__ = ("_rows",)

    def __init__(self) -> None:
        self._rows: dict[FinanceKey, FinanceRow] = {}

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    def sources(self, year: int | None) -> set[str]:
        """The sources already holding a figure for ``year``."""
        return {s for y, s in self._rows if y == year}

    def _row(self, year: int | None, source: FinanceSource | str, text: str | None,
             page: int | None, locator: str | None) -> tuple[FinanceKey, FinanceRow]:
        key = (year, str(source))
        row = self._rows.get(key) or FinanceRow(year=year, source=key[1], text=text, page=page,
                                                locator=locator)
        return key, row

    def add(self, year: int | None, source: FinanceSource | str, kind: MoneyKind,
            value: float, *, text: str | None, page: int | None = None,
            locator: str | None = None, said: str | None = None) -> bool:
        """Put ``value`` in the (year, source) row if it has no figure of ``kind`` yet (then
        ``said`` is added to the row's text); True when it was taken."""
        key, row = self._row(year, source, text, page, locator)
        taken = row[kind] is None
        if taken:
            row = row.with_amount(kind, value)
            if said:
                row = replace(row, text=f"{row.text}{'; ' if row.text else ''}{said}")
        self._rows[key] = row
        return taken

    def note(self, year: int | None, source: FinanceSource | str, said: str, *,
             text: str | None, page: int | None = None, locator: str | None = None,
             sep: str = "; ", limit: int | None = None) -> None:
        """Add ``said`` (a figure kept in words only, a sentence restating one) to the row's
        text, unless the text already says it or has reached ``limit`` characters."""
        key, row = self._row(year, source, text, page, locator)
        current = row.text or ""
        if said not in current and (limit is None or len(current) < limit):
            row = replace(row, text=f"{current}{sep if current else ''}{said}")
        self._rows[key] = row

    def rows(self) -> list[FinanceRow]:
        """The rows holding a figure, in the order their keys were first seen."""
        return [r for r in self._rows.values()
                if r.planned_rub is not None or r.spent_rub is not None]
