"""Comparator words: vocabulary forms, weak forms only before a plain number, rank reversal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.grammar.comparators import comparator_matches, comparator_of


@pytest.mark.parametrize(("text", "expected", "rank"), [
    ("не менее 5 %", ">=", ">="),
    ("Не менее", ">=", ">="),
    ("не менее чем в 25% организаций", ">=", ">="),
    ("не ниже 12", ">=", "<="),
    ("не выше 3", "<=", ">="),
    ("не более 10", "<=", "<="),
    ("не превышает 7", "<=", "<="),
    ("как минимум 3", ">=", ">="),
    ("до 15%", "<=", "<="),
    ("более 30 специалистов", ">=", ">="),
    ("свыше 100", ">=", ">="),
    ("менее 5", "<=", "<="),
    ("от 5%", ">=", ">="),
    ("составит 20 %", "=", "="),
    ("на уровне 100 %", "=", "="),
    ("≥ 5", ">=", ">="),
    ("<= 5", "<=", "<="),
    ("=5", "=", "="),
    ("Минимальное значение", ">=", ">="),
    ("до 2024 года", None, None),
    ("до 31.12.2020", None, None),
    ("от 5 до 18 лет", None, None),
    ("в возрасте до 35 лет", None, None),
    ("со сроком эксплуатации более 7 лет", None, None),
    ("в 2 раза более", None, None),
    ("доля 5", None, None),
    ("100%", None, None),
    ("", None, None),
    (None, None, None),
])
def test_comparator_of(text: str | None, expected: str | None, rank: str | None) -> None:
    assert comparator_of(text) == expected
    assert comparator_of(text, is_rank=True) == rank


def test_leftmost_longest_prefers_the_negated_form() -> None:
    found = comparator_matches("не менее 5% и не более 10%")
    assert [(m.comparator, m.start) for m in found] == [(">=", 0), ("<=", 14)]


@given(st.integers(min_value=0, max_value=10_000),
       st.sampled_from(["не менее", "НЕ МЕНЕЕ", "Не  менее", "не\u00a0менее"]))
def test_case_and_spacing_do_not_matter(n: int, word: str) -> None:
    assert comparator_of(f"{word} {n}") == ">="


@given(st.integers(min_value=1990, max_value=2035))
def test_do_before_a_year_is_a_date_not_a_bound(year: int) -> None:
    assert comparator_of(f"до {year} года") is None
