from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pyarrow as pa
import pytest

from schemas import TABLES
from schemas.validate import validate_rows

CONTRACT = Path(__file__).resolve().parents[3] / "shared" / "contract" / "OUTPUT.md"


def contract_columns() -> dict[str, list[str]]:
    """Column names per table, read from the contract's markdown tables."""
    text = CONTRACT.read_text(encoding="utf-8")
    out: dict[str, list[str]] = {}
    for section in re.split(r"^## ", text, flags=re.M)[1:]:
        name = section.split()[0]
        if name in TABLES:
            found = re.findall(r"^\| (\w+) \| \w", section, flags=re.M)
            out[name] = [c for c in found if c != "column"]
    return out


def test_every_contract_column_is_in_the_schema_with_its_name():
    if not CONTRACT.exists():
        pytest.skip("shared contract not beside the repository")
    cols = contract_columns()
    assert set(cols) == set(TABLES)
    for table, names in cols.items():
        assert names, table
        missing = [n for n in names if n not in TABLES[table].names]
        assert not missing, (table, missing)


def test_contract_types():
    assert TABLES["documents"].field("report_year").type == pa.int32()
    assert TABLES["documents"].field("doc_date").type == pa.date32()
    assert TABLES["indicators"].field("flags").type == pa.list_(pa.string())
    assert TABLES["finance"].field("planned_rub").type == pa.float64()


def test_validation_gathers_every_violation():
    rows = [
        {"doc_id": "a", "status": "weird", "pages": "3"},
        {"doc_id": "b", "status": "ok", "doc_date": dt.date(2020, 1, 1), "bogus": 1},
    ]
    problems = validate_rows("documents", rows)
    reasons = {(p.row, p.column, p.reason) for p in problems}
    assert (0, "status", "not an enum member") in reasons
    assert (0, "pages", "not int32") in reasons
    assert (1, "bogus", "unknown column") in reasons
    assert len(problems) == 3


@pytest.mark.parametrize(("table", "column", "value", "ok"), [
    ("documents", "title", "Отчет", True), ("documents", "title", 5, False),
    ("documents", "pages", 3, True), ("documents", "pages", True, False),
    ("indicators", "planned_value", 1, True), ("indicators", "planned_value", 1.5, True),
    ("indicators", "planned_value", float("inf"), False),
    ("indicators", "planned_value", float("nan"), False),
    ("documents", "doc_date", dt.date(2021, 1, 1), True),
    ("documents", "doc_date", dt.datetime(2021, 1, 1), False),
    ("indicators", "flags", ["pct_mismatch"], True), ("indicators", "flags", [1], False),
    ("indicators", "match_candidates", [{"name": "x", "score": 90.0}], True),
    ("indicators", "match_candidates", [{"name": "x", "other": 1}], False),
    ("indicators", "match_candidates", [{"name": 3}], False),
    ("indicators", "unit", "percent", True), ("indicators", "unit", "процент", False),
    ("finance", "source", "total", True), ("finance", "source", "all", False),
])
def test_validation_of_one_value(table: str, column: str, value: object, ok: bool) -> None:
    assert (validate_rows(table, [{column: value}]) == []) is ok
