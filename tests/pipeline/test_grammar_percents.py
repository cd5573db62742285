"""Percent cells."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.grammar.percents import parse_percent


@pytest.mark.parametrize(("text", "expected"), [
    ("100%", 100.0),
    ("300 %", 300.0),
    ("86,5", 86.5),
    ("100", 100.0),
    ("44,4%", 44.4),
    ("122,8 %", 122.8),
    ("0%", 0.0),
    ("Процент исполнения – 53,8%", 53.8),
    ("100 процентов", 100.0),
    ("—", None),
    ("-", None),
    ("", None),
    (None, None),
    ("87 человек", None),
])
def test_parse_percent(text: str | None, expected: float | None) -> None:
    assert parse_percent(text) == expected


@given(st.decimals(min_value=0, max_value=1000, places=1))
def test_percent_round_trip(value: object) -> None:
    text = f"{value}".replace(".", ",") + " %"
    assert parse_percent(text) == pytest.approx(float(str(value)))
