"""Lazy validation of row dicts against the table schemas: every violation is gathered."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import pyarrow as pa

from schemas.enums import Comparator, DocStatus, DocType, FinanceSource, Format, Status, Unit
from schemas.rows import AnyRow, as_mapping
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
}


@dataclass(frozen=True, slots=True)
class Violation:
    table: str
    column: str
    row: int
    reason: str
    value: str


def _type_ok(type_: pa.DataType, value: Any) -> bool:
    if pa.types.is_string(type_):
        return isinstance(value, str)
    if pa.types.is_integer(type_):
        return isinstance(value, int) and not isinstance(value, bool)
    if pa.types.is_floating(type_):
        return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(
            value
        )
    if pa.types.is_date(type_):
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    if pa.types.is_list(type_):
        return isinstance(value, list | tuple) and all(_type_ok(type_.value_type, v)
                                                       for v in value)
    if pa.types.is_struct(type_):
        return isinstance(value, Mapping) and set(value) <= {f.name for f in type_} and all(
            value.get(f.name) is None or _type_ok(f.type, value[f.name]) for f in type_)
    return True


def validate_rows(table: str, rows: Sequence[Mapping[str, Any] | AnyRow]) -> list[Violation]:
    """Check types, enum members and unknown columns of ``rows`` (typed or dicts) for
    ``table``."""
    schema = TABLES[table]
    names = set(schema.names)
    out: list[Violation] = []
    for i, any_row in enumerate(rows):
        row = as_mapping(any_row)
        for key in row:
            if key not in names:
                out.append(Violation(table, key, i, "unknown column", repr(row[key])[:80]))
        for f in schema:
            v = row.get(f.name)
            if v is None:
                continue
            if not _type_ok(f.type, v):
                out.append(Violation(table, f.name, i, f"not {f.type}", repr(v)[:80]))
                continue
            enum = ENUM_COLUMNS.get((table, f.name))
            if enum is not None and v not in {m.value for m in enum}:
                out.append(Violation(table, f.name, i, "not an enum member", repr(v)[:80]))
    return out
