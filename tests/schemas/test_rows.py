"""Typed rows: one frozen dataclass per table whose fields are the table's columns, in order,
with the types the schema takes."""

from __future__ import annotations

import dataclasses

import pytest

from schemas import TABLES
from schemas.enums import MoneyKind
from schemas.rows import ROW_TYPES, FinanceRow, IndicatorRow
from schemas.validate import validate_rows


@pytest.mark.parametrize("table", sorted(TABLES))
def test_row_fields_are_the_schema_columns(table: str):
    fields = [f.name for f in dataclasses.fields(ROW_TYPES[table])]
    assert fields == TABLES[table].names


@pytest.mark.parametrize("table", sorted(TABLES))
def test_an_empty_row_fits_its_schema(table: str):
    assert validate_rows(table, [ROW_TYPES[table]()]) == []


def test_rows_are_frozen_and_read_by_column_name():
    row = IndicatorRow(indicator_raw="Доля школ", year=2021)
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.year = 2022  # type: ignore[misc]
    assert (row["indicator_raw"], row.get("year"), row.get("nope", 1)) == ("Доля школ", 2021, 1)
    with pytest.raises(KeyError):
        row["nope"]
    assert row.as_dict()["flags"] == []


def test_a_wrong_type_in_a_typed_row_is_a_violation():
    [v] = validate_rows("indicators", [IndicatorRow(year="2021")])  # type: ignore[arg-type]
    assert (v.column, v.reason) == ("year", "not int32")


def test_a_finance_amount_is_set_by_its_kind():
    row = FinanceRow(year=2021).with_amount(MoneyKind.SPENT, 5.0)
    assert (row.planned_rub, row.spent_rub) == (None, 5.0)
    with pytest.raises(ValueError, match="a MoneyKind"):
        row.with_amount("need", 1.0)  # type: ignore[arg-type]
