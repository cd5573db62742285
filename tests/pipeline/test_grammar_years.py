"""The one year rule, table-driven: four digits from 1980 to 2049, nothing else."""

from __future__ import annotations

import pytest

from pipeline.grammar.money import parse_money
from pipeline.grammar.years import YEAR_ONLY_RE, YEAR_RE, is_year


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
