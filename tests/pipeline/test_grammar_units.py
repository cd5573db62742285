"""Units of measure and money scales from the vocabulary."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.grammar.units import money_scale, unit_after, unit_of
from pipeline.vocab import unit_forms
from schemas.enums import Unit


@pytest.mark.parametrize(("text", "expected"), [
    ("процент", Unit.PERCENT),
    ("процентов", Unit.PERCENT),
    ("%", Unit.PERCENT),
    ("Доля педагогов (процент)", Unit.PERCENT),
    ("человек", Unit.PERSONS),
    ("чел.", Unit.PERSONS),
    ("(87 человек)", Unit.PERSONS),
    ("тыс. человек", Unit.PERSONS),
    ("ед.", Unit.UNITS),
    ("единиц", Unit.UNITS),
    ("шт.", Unit.UNITS),
    ("штук", Unit.UNITS),
    ("375 мест", Unit.UNITS),
    ("рублей", Unit.RUB),
    ("тыс. руб.", Unit.RUB),
    ("тыс.руб.", Unit.RUB),
    ("млн руб.", Unit.RUB),
    ("млн. рублей", Unit.RUB),
    ("место", Unit.RANK),
    ("балл", Unit.SCORE),
    ("баллов", Unit.SCORE),
    ("безразмерная величина", Unit.OTHER),
    ("4 мастерские", Unit.UNITS),
    ("5 педагогических работников", Unit.PERSONS),
    ("до 35 лет", None),
    ("в 2 раза", None),
    ("6", None),
    ("местный бюджет", None),
    ("", None),
    (None, None),
])
def test_unit_of(text: str | None, expected: Unit | None) -> None:
    assert unit_of(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("тыс. руб.", 1e3),
    ("Объем финансового обеспечения (млн рублей)", 1e6),
    ("млрд руб.", 1e9),
    ("руб.", 1.0),
    ("в тысячах рублей", 1e3),
    ("млн", 1e6),
    ("", 1.0),
    (None, 1.0),
])
def test_money_scale(text: str | None, expected: float) -> None:
    assert money_scale(text) == expected


def test_unit_after_reports_span_and_multiplier() -> None:
    text = "2 002,000 тыс. руб. из бюджета"
    found = unit_after(text, len("2 002,000"))
    assert found is not None
    assert (found.unit, found.multiplier, text[found.start:found.end]) == (
        Unit.RUB, 1e3, "тыс. руб.")


def test_counted_noun_is_flagged() -> None:
    found = unit_after("16 организаций", 2)
    assert found is not None
    assert (found.unit, found.counted) == (Unit.UNITS, True)


@given(st.sampled_from([f for f in unit_forms() if not f.after_number]),
       st.integers(min_value=1, max_value=9999))
def test_every_vocab_form_is_found_after_a_number(form: object, n: int) -> None:
    assert unit_of(f"{n} {form.form}") == form.unit  # type: ignore[attr-defined]
