"""Money amounts in roubles."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.grammar.money import parse_money


@pytest.mark.parametrize(("text", "scale", "expected"), [
    ("2 002,000 тыс. руб.", 1.0, 2002000.0),
    ("1 201,874 тыс. руб.", 1.0, 1201874.0),
    ("800,126 тыс. руб.", 1.0, 800126.0),
    ("874 025,00 руб.", 1.0, 874025.0),
    ("10,686 млн руб.", 1.0, 10686000.0),
    ("1,5 млн рублей", 1.0, 1500000.0),
    ("56,5 тыс руб", 1.0, 56500.0),
    ("в 2022 году составил 10,686 млн руб., в том числе", 1.0, 10686000.0),
    ("15,5", 1e6, 15500000.0),
    ("3,786", 1e6, 3786000.0),
    ("14,116", 1e3, 14116.0),
    ("2 млрд", 1.0, 2e9),
    ("4 955 991,00 руб.", 1e6, 4955991.0),
    ("–", 1e6, None),
    ("-", 1.0, None),
    ("", 1.0, None),
    (None, 1.0, None),
    ("нет", 1.0, None),
    ("освоено 1 144,406 тыс. руб. и 1\n941,815 тыс. руб.", 1.0, 1144406.0),
    ("и 1\n941,815 тыс. руб. средств областного бюджета", 1.0, 1941815.0),
])
def test_parse_money(text: str | None, scale: float, expected: float | None) -> None:
    assert parse_money(text, default_scale=scale) == expected


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=999))
def test_thousands_of_roubles(whole: int, frac: int) -> None:
    text = f"{whole:,}".replace(",", "\u00a0") + f",{frac:03d} тыс. руб."
    assert parse_money(text) == pytest.approx(whole * 1000 + frac, abs=0.01)
