"""The vocabulary CSVs: canonical values are enum members, sources are kept, loaders work."""

from __future__ import annotations

import re

import pytest

from pipeline.vocab import (
    comparator_forms,
    fold,
    form_pattern,
    read_rows,
    status_forms,
    unit_forms,
)
from schemas.enums import Comparator, Status, Unit

CANONICAL = [
    ("statuses.csv", "canonical", Status),
    ("comparators.csv", "canonical", Comparator),
    ("comparators.csv", "rank_canonical", Comparator),
    ("units.csv", "unit_enum", Unit),
]


@pytest.mark.parametrize(("name", "column", "enum"), CANONICAL)
def test_every_canonical_value_is_an_enum_member(name: str, column: str, enum: type) -> None:
    values = {r[column] for r in read_rows(name)}
    assert values
    assert values <= {m.value for m in enum}


@pytest.mark.parametrize("name", ["statuses.csv", "comparators.csv", "units.csv"])
def test_rows_keep_a_source_column_and_a_raw_form(name: str) -> None:
    rows = read_rows(name)
    assert all("source" in r for r in rows)
    assert all(r["raw_form"].strip() for r in rows)


def test_derived_status_rows_are_marked() -> None:
    derived = [r for r in read_rows("statuses.csv") if r["source"] == "derived"]
    assert derived
    assert all(r["seen_in_source"] == "no" for r in derived)


def test_unit_multipliers_are_positive() -> None:
    assert all(float(r["multiplier"]) > 0 for r in read_rows("units.csv"))


def test_loaders_are_folded_unique_and_longest_first() -> None:
    for forms in (status_forms(), comparator_forms(), unit_forms()):
        keys = [f.form for f in forms]
        assert len(keys) == len(set(keys))
        assert [len(k) for k in keys] == sorted((len(k) for k in keys), reverse=True)
        assert all(k == fold(k) for k in keys)


def test_fold_keeps_length() -> None:
    text = "Ёлка\u00a0ИСПОЛНЕНО\u202f5"
    assert len(fold(text)) == len(text)
    assert fold(text) == "елка исполнено 5"


def test_form_pattern_is_flexible_about_dots_and_spaces() -> None:
    pat = re.compile(form_pattern("тыс. руб."))
    assert pat.fullmatch("тыс.руб")
    assert pat.fullmatch("тыс. руб.")
    assert pat.search("рублей") is None
