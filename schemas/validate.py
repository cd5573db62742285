"""Lazy validation of row dicts against the table schemas: every violation is gathered, and
``without_violations`` clears the values they name, so one bad value costs only itself."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any, TypeVar, cast

import pyarrow as pa

from schemas.enums import (
    Comparator,
    DocStatus,
    DocType,
    FinanceSource,
    Format,
    Status,
    Unit,
    ValueSource,
)
from schemas.rows import AnyRow
from schemas.tables import TABLES

ENUM_COLUMNS: dict[tuple[str, str], type[StrEnum]] = {
    ("documents", "format"): Format,
    ("documents", "doc_type"): DocType,
    ("documents", "status"): DocStatus,
    ("indicators", "status"): Status,
    ("indicators", "unit"): Unit,
    ("indicators", "comparator"): Comparator,
    ("activities", "status"): Status,
    ("finance", "source"): FinanceSource,
    ("series", "unit"): Unit,
    ("series", "target_comparator"): Comparator,
    ("series", "completion_source"): ValueSource,
    ("series", "status"): Status,
    ("series", "status_source"): ValueSource,
}


@dataclass(frozen=True, slots=True)
class Violation:
    table: str
    column: str
    row: int
    reason: str
    value: str


Check = Callable[[Any], bool]
Row = TypeVar("Row", bound=Mapping[str, Any] | AnyRow)


def _checker(type_: pa.DataType) -> Check:
    """A check of one value against ``type_``, chosen once per column (not per value)."""
    if pa.types.is_string(type_):
        return lambda v: isinstance(v, str)
    if pa.types.is_integer(type_):
        return lambda v: isinstance(v, int) and not isinstance(v, bool)
    if pa.types.is_floating(type_):
        return lambda v: (isinstance(v, int | float) and not isinstance(v, bool)
                          and math.isfinite(v))
    if pa.types.is_date(type_):
        return lambda v: isinstance(v, dt.date) and not isinstance(v, dt.datetime)
    if pa.types.is_list(type_):
        item = _checker(type_.value_type)
        return lambda v: isinstance(v, list | tuple) and all(item(x) for x in v)
    if pa.types.is_struct(type_):
        names = frozenset(f.name for f in type_)
        fields = tuple((f.name, _checker(f.type)) for f in type_)
        return lambda v: isinstance(v, Mapping) and set(v) <= names and all(
            v.get(n) is None or ok(v[n]) for n, ok in fields)
    return lambda v: True


@cache
def _columns(table: str) -> tuple[tuple[str, pa.DataType, Check, frozenset[str] | None], ...]:
    """Each column of ``table``: name, type, its check and its enum's values."""
    out = []
    for f in TABLES[table]:
        enum = ENUM_COLUMNS.get((table, f.name))
        out.append((f.name, f.type, _checker(f.type),
                    frozenset(m.value for m in enum) if enum is not None else None))
    return tuple(out)


def validate_rows(table: str, rows: Sequence[Mapping[str, Any] | AnyRow]) -> list[Violation]:
    """Check types, enum members and unknown columns of ``rows`` (typed or dicts) for
    ``table``."""
    columns = _columns(table)
    names = set(TABLES[table].names)
    out: list[Violation] = []
    for i, row in enumerate(rows):
        if isinstance(row, Mapping):  # a typed row has the table's columns, and no others
            for key in row:
                if key not in names:
                    out.append(Violation(table, key, i, "unknown column", repr(row[key])[:80]))
        for name, type_, ok, members in columns:
            v = row.get(name)
            if v is None:
                continue
            if not ok(v):
                out.append(Violation(table, name, i, f"not {type_}", repr(v)[:80]))
            elif members is not None and v not in members:
                out.append(Violation(table, name, i, "not an enum member", repr(v)[:80]))
    return out


def without_violations(table: str, rows: Sequence[Row], violations: Sequence[Violation]
                       ) -> list[Row]:
    """``rows`` with every value ``violations`` name set to None (a column ``table`` does not
    have removed from a dict); the other values and rows are kept. Every column is nullable."""
    bad: dict[int, set[str]] = {}
    for v in violations:
        bad.setdefault(v.row, set()).add(v.column)
    names = set(TABLES[table].names)
    out = list(rows)
    for i, columns in bad.items():
        row = out[i]
        if isinstance(row, Mapping):
            out[i] = cast(Row, {k: None if k in columns else value
                                for k, value in row.items() if k in names})
        else:
            out[i] = dataclasses.replace(cast(Any, row), **dict.fromkeys(columns & names))
    return out
