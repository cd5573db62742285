"""The vocabulary CSVs: canonical values are enum members, sources are kept, loaders work."""

from __future__ import annotations

import re

import pytest

from pipeline.vocab import (
    comparator_forms,
    finance_sources,
    fold,
    form_pattern,
    kind_re,
    money_re,
    money_words,
    read_rows,
    scale_words,
    status_forms,
    unit_forms,
)
from schemas.enums import Comparator, FinanceSource, Status, Unit

CANONICAL = [
    ("statuses.csv", "canonical", Status),
    ("comparators.csv", "canonical", Comparator),
    ("comparators.csv", "rank_canonical", Comparator),
    ("units.csv", "unit_enum", Unit),
    ("finance_sources.csv", "canonical", FinanceSource),
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


def test_finance_sources_are_enum_members_tried_in_file_order():
    rows = read_rows("finance_sources.csv")
    assert {r["canonical"] for r in rows} <= {m.value for m in FinanceSource}
    order = [s for _, s in finance_sources()]
    assert len(order) == len(set(order))  # the rows of one source follow each other
    # «внебюджетные» holds the word «бюджет», and a consolidated budget (the subject's and
    # its municipalities') is no one source: both before the budgets they would read as
    assert order[:2] == [FinanceSource.EXTRABUDGETARY, FinanceSource.UNKNOWN]
    assert order[-1] == FinanceSource.TOTAL


@pytest.mark.parametrize(("text", "want"), [
    ("Внебюджетные средства", FinanceSource.EXTRABUDGETARY),
    ("консолидированный бюджет субъекта Российской Федерации, в т.ч.:", FinanceSource.UNKNOWN),
    ("бюджет субъекта Российской Федерации", FinanceSource.REGIONAL),
    ("средства федерального бюджета", FinanceSource.FEDERAL),
    ("бюджет Томской области", FinanceSource.REGIONAL),
    ("местный бюджет", FinanceSource.MUNICIPAL),
    ("Всего по источникам", FinanceSource.TOTAL),
    ("Мероприятие 1", None),
])
def test_finance_source_of_a_label(text: str, want: FinanceSource | None):
    low = text.lower()
    assert next((s for regex, s in finance_sources() if regex.search(low)), None) == want


def test_money_words_have_known_kinds_and_scales():
    kinds = {r["kind"] for r in read_rows("money_words.csv")}
    assert {"scale", "planned", "spent", "not_spent", "budget_context", "money_header"} <= kinds
    assert [s for _, s in scale_words()] == [1e9, 1e6, 1e3]
    assert all(not r["scale"] for r in read_rows("money_words.csv") if r["kind"] != "scale")
    assert money_re("planned").search("Выделено 5 тыс. руб.")
    assert money_re("spent").search("КАССОВОЕ исполнение")
    assert money_re("finance_table", flags=0).search("Финансирование") is None  # as written
    with pytest.raises(KeyError):
        money_words("no such kind")


def test_passport_keys():
    assert kind_re("passport_keys.csv", "finance").search(
        "Объемы и источники финансирования программы")
    assert kind_re("passport_keys.csv", "targets").search("Целевые показатели (индикаторы)")
    assert not kind_re("passport_keys.csv", "finance").search("Целевые показатели")
