"""The one year rule, table-driven: four digits from 1980 to 2049, nothing else."""

from __future__ import annotations

import pytest

from pipeline.grammar.money import parse_money
from pipeline.grammar.years import (
    CLAUSE_YEAR_RE,
    YEAR_ONLY_RE,
    YEAR_RE,
    YEARS_RANGE_RE,
    is_year,
    year_phrase_re,
)


@pytest.mark.parametrize(("text", "want"), [
    ("2021", True), ("1980", True), ("2049", True), ("1979", False), ("2050", False),
    ("1906", False), ("12021", False), ("2021.5", False), ("", False),
])
def test_is_year(text: str, want: bool):
    assert is_year(text) is want


@pytest.mark.parametrize(("text", "want"), [
    ("2021", "2021"), ("2021 г.", "2021"), ("2021 год", "2021"), ("на 2021 год", None),
    ("1906", None),
])
def test_a_cell_holding_a_year_alone(text: str, want: str | None):
    m = YEAR_ONLY_RE.match(text)
    assert (m.group(1) if m else None) == want


def test_years_in_a_text():
    assert YEAR_RE.findall("2019–2024 годы, 12021 и 1906") == ["2019", "2024"]


@pytest.mark.parametrize(("text", "want"), [
    ("1906 тыс. руб.", 1906000.0),  # not a year: the sum is read
    ("2021", None),  # a bare year in a text is no sum
])
def test_money_is_not_taken_for_a_year(text: str, want: float | None):
    assert parse_money(text) == want


@pytest.mark.parametrize(("text", "want"), [
    ("2021 год – 250 000,0", "2021"), ("в 2021 году 100", "2021"), ("2021 г.", "2021"),
    ("2021", "2021"), ("всего в 1999 г.", "1999"), ("мест в 2021", "2021"),
    ("20215", None), ("50 000 в 2021-м", "2021"), ("итого 2021 год", None),
])
def test_a_clause_opening_with_a_year(text: str, want: str | None):
    m = CLAUSE_YEAR_RE.search(text)
    assert (m.group(1) if m else None) == want


@pytest.mark.parametrize(("prepositions", "text", "want"), [
    (("к", "в", "на", "до"), "к 2024 году – 80 %", "2024"),
    (("к", "в", "на", "до"), "на 2024 г. 5", "2024"),
    (("к", "в", "на", "до"), "до 2030 года", "2030"),
    (("к", "в", "на", "до"), "за 2021 год", None),
    (("к", "в", "на", "до"), "Вна 2021 год", None),
    (("за", "на"), "Отчет за 2021 год", "2021"),
    (("за", "на"), "план на 2022 г", "2022"),
    (("за", "на"), "за 2021", None),
])
def test_a_year_phrase(prepositions: tuple[str, ...], text: str, want: str | None):
    m = year_phrase_re(*prepositions).search(text)
    assert (m.group(1) if m else None) == want


@pytest.mark.parametrize(("text", "want"), [
    ("на 2019-2024 годы", "2019"), ("2015 г. – 2025 гг.", "2015"), ("2019 года - 2024 год", "2019"),
    ("2019-2024", None), ("12019-2024 годы", None),
])
def test_a_period_of_years(text: str, want: str | None):
    m = YEARS_RANGE_RE.search(text)
    assert (m.group(1) if m else None) == want
