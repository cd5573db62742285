"""Typed rows: one frozen dataclass per output table, its fields the table's columns (in
order; a test holds them to ``schemas.tables``). The interpreters build every row through
these constructors and change one only with ``dataclasses.replace``.

A row also reads like the mapping the Parquet readers give back (``row["unit"]``,
``row.get("page")``), so code and tests can treat a written row and a fresh one alike.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from schemas.enums import MoneyKind


class _Record:
    """Read access by column name, and the row as a plain dict for the writers."""

    __slots__ = ()

    def __getitem__(self, key: str) -> Any:
        try:
            return getattr(self, key)
        except AttributeError:
            raise KeyError(key) from None

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key, default)

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}  # type: ignore[arg-type]


@dataclasses.dataclass(frozen=True, slots=True)
class DocumentRow(_Record):
    doc_id: str | None = None
    source_path: str | None = None
    format: str | None = None
    doc_type: str | None = None
    title: str | None = None
    municipality: str | None = None
    oktmo: str | None = None
    region: str | None = None
    national_project: str | None = None
    federal_project: str | None = None
    municipal_project: str | None = None
    report_year: int | None = None
    doc_date: dt.date | None = None
    status: str | None = None
    error: str | None = None
    pages: int | None = None
    extractor_version: str | None = None
    encoding: str | None = None
    warnings: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True, slots=True)
class IndicatorRow(_Record):
    doc_id: str | None = None
    indicator_raw: str | None = None
    indicator_canonical: str | None = None
    match_score: float | None = None
    federal_project: str | None = None
    activity: str | None = None
    year: int | None = None
    base_value: float | None = None
    planned_value: float | None = None
    planned_text: str | None = None
    comparator: str | None = None
    actual_value: float | None = None
    actual_text: str | None = None
    unit: str | None = None
    completion_pct: float | None = None
    status_raw: str | None = None
    status: str | None = None
    note: str | None = None
    flags: list[str] = dataclasses.field(default_factory=list)
    page: int | None = None
    locator: str | None = None
    federal_project_stated: str | None = None
    review_reason: str | None = None
    match_candidates: list[dict[str, Any]] | None = None
    confidence: float | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class ActivityRow(_Record):
    doc_id: str | None = None
    number: str | None = None
    name: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    actual_date: dt.date | None = None
    period_text: str | None = None
    responsible: str | None = None
    result_form: str | None = None
    status_raw: str | None = None
    status: str | None = None
    report: str | None = None
    page: int | None = None
    locator: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class FinanceRow(_Record):
    doc_id: str | None = None
    year: int | None = None
    source: str | None = None
    planned_rub: float | None = None
    spent_rub: float | None = None
    text: str | None = None
    page: int | None = None
    locator: str | None = None
    confidence: float | None = None

    def with_amount(self, kind: MoneyKind, value: float) -> FinanceRow:
        """The row with ``planned_rub`` or ``spent_rub`` (named by ``kind``) set."""
        if kind == MoneyKind.PLANNED:
            return dataclasses.replace(self, planned_rub=value)
        if kind == MoneyKind.SPENT:
            return dataclasses.replace(self, spent_rub=value)
        raise ValueError(f"kind must be a MoneyKind, got {kind!r}")


ROW_TYPES: dict[str, type[_Record]] = {
    "documents": DocumentRow, "indicators": IndicatorRow, "activities": ActivityRow,
    "finance": FinanceRow,
}
AnyRow = DocumentRow | IndicatorRow | ActivityRow | FinanceRow


def as_mapping(row: Mapping[str, Any] | _Record) -> Mapping[str, Any]:
    """A row as a mapping of column -> value, whether a typed row or a dict read back."""
    return row.as_dict() if isinstance(row, _Record) else row
