"""Numbers and values: table-driven cases from the seeds plus hypothesis properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.grammar.numbers import (
    Value,
    find_value,
    is_null_token,
    iter_numbers,
    parse_number,
    parse_value,
)
from schemas.enums import Unit

P, PE, U, R, RK = Unit.PERCENT, Unit.PERSONS, Unit.UNITS, Unit.RUB, Unit.RANK


@pytest.mark.parametrize(("text", "expected"), [
    ("2 002,000", 2002.0),
    ("2\u00a0002,000", 2002.0),
    ("2\u202f002,000", 2002.0),
    ("86,5", 86.5),
    ("1.5", 1.5),
    ("-3", -3.0),
    ("−3", -3.0),
    ("14,51", 14.51),
    ("1 201,874", 1201.874),
    ("30,0%", 30.0),
    ("300 %", 300.0),
    ("  12 ", 12.0),
    ("0", 0.0),
    ("1 080", 1080.0),
    ("(87 человек)", None),
    ("5 человек", None),
    ("-", None),
    ("–", None),
    ("—", None),
    ("*", None),
    ("", None),
    ("нет", None),
    ("х", None),
    ("x", None),
    (None, None),
    ("12 345 678,9", 12345678.9),
    ("1 2", None),
])
def test_parse_number(text: str | None, expected: float | None) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize(("text", "value", "comparator", "unit"), [
    ("не менее 5 %", 5.0, ">=", P),
    ("не более 10", 10.0, "<=", None),
    ("до 15%", 15.0, "<=", P),
    ("не ниже 12", 12.0, ">=", None),
    ("100%", 100.0, None, P),
    ("5 человек", 5.0, None, PE),
    ("12,5", 12.5, None, None),
    ("0", 0.0, None, None),
    ("0%", 0.0, None, P),
    ("—", None, None, None),
    ("Да", None, None, None),
    ("да", None, None, None),
    ("3 ед.", 3.0, None, U),
    ("2 002,000 тыс. руб.", 2002000.0, None, R),
    ("1,5 млн рублей", 1500000.0, None, R),
    ("1,5 млн. рублей", 1500000.0, None, R),
    ("5%\n(87 человек)", 5.0, None, P),
    ("не менее\n\n5%\nне менее чем в 25% организаций", 5.0, ">=", P),
    ("не менее чем в 25% организаций", 25.0, ">=", P),
    ("не менее 1 совещания", 1.0, ">=", U),
    ("не менее 4 мастерских", 4.0, ">=", U),
    ("4 мастерские", 4.0, None, U),
    ("520 человек", 520.0, None, PE),
    ("не менее 1 080 человек", 1080.0, ">=", PE),
    ("не менее 1 350 чел.", 1350.0, ">=", PE),
    ("375 мест", 375.0, None, U),
    ("86,5 %", 86.5, None, P),
    ("не менее 27%", 27.0, ">=", P),
    ("не более 5,6 %", 5.6, "<=", P),
    ("2 организации", 2.0, None, U),
    ("5 место (не ниже)", 5.0, "<=", RK),
    ("12 баллов", 12.0, None, Unit.SCORE),
    ("≥ 30", 30.0, ">=", None),
    ("2020 г. – 5%", 5.0, None, P),
    ("1,5 тыс. человек", 1500.0, None, PE),
    ("не менее 1\n690 человек", 1690.0, ">=", PE),
    ("не менее 6\nцентров", 6.0, ">=", U),
    ("не более 5,6\n% частично", 5.6, "<=", P),
    ("1 690\n100 %", 1690.0, None, None),
    ("2 350\nИнформация размещена на сайте", 2350.0, None, None),
])
def test_parse_value(text: str, value: float | None, comparator: str | None,
                     unit: Unit | None) -> None:
    v = parse_value(text)
    assert (v.value, v.comparator, v.unit) == (value, comparator, unit)
    assert v.raw == text


def test_parse_value_rank_flag_turns_ne_nizhe_around() -> None:
    assert parse_value("не ниже 12", is_rank=True).comparator == "<="


@pytest.mark.parametrize(("text", "value", "comparator", "unit", "raw"), [
    ("заключено договоров не менее, чем для 5% педагогических работников", 5.0, ">=", P,
     "не менее, чем для 5%"),
    ("Показатель на 2020 год – не менее 5 % педагогических работников участвуют", 5.0, ">=", P,
     "не менее 5 %"),
    ("Целевой показатель достигнут: по итогам 2022 года значение показателя составило 37 %.",
     37.0, None, P, "37 %"),
    ("Фактическое значение – 16 организаций.", 16.0, None, U, "16 организаций"),
    ("Процент исполнения – 53,8%.", 53.8, None, P, "53,8%"),
    ("В работе портала принимает участие не менее 5 % педагогических работников (87 человек).",
     5.0, ">=", P, "не менее 5 %"),
    ("2.3. Не менее 5% педагогических работников", 5.0, ">=", P, "Не менее 5%"),
    ("Детский сад № 5 обслуживает 120 детей", 120.0, None, PE, "120 детей"),
    ("выделено 2 002,000 тыс. руб. из областного бюджета", 2002000.0, None, R,
     "2 002,000 тыс. руб."),
    ("со сроком эксплуатации более 7 лет", 7.0, None, None, "7"),
    ("в возрасте до 35 лет", 35.0, None, None, "35"),
    ("Цель: не менее 50 процентов учителей", 50.0, ">=", P, "не менее 50 процентов"),
])
def test_find_value(text: str, value: float, comparator: str | None, unit: Unit | None,
                    raw: str) -> None:
    assert find_value(text) == Value(value, comparator, unit, raw)


@pytest.mark.parametrize("text", ["", "в 2020 году", "ежегодно", "01.01.2019 – 31.12.2024", None])
def test_find_value_none(text: str | None) -> None:
    assert find_value(text) is None


def test_find_value_raw_is_a_substring_so_callers_can_walk_on() -> None:
    text = "не менее 5%\n\nне менее чем в 25% организаций"
    first = find_value(text)
    assert first is not None
    rest = text[text.find(first.raw) + len(first.raw):]
    second = find_value(rest)
    assert second == Value(25.0, ">=", P, "не менее чем в 25%")


def test_iter_numbers_skips_dates_and_keeps_order() -> None:
    found = [n.value for n in iter_numbers("с 01.09.2020 обучено 30 человек, 1 201,874 руб.")]
    assert found == [30.0, 1201.874]


@pytest.mark.parametrize("text", ["-", "—", "–", "*", "", "  ", "нет", "Х", "н/д", "--"])
def test_null_tokens(text: str) -> None:
    assert is_null_token(text)


def _russian(value: float, sep: str) -> str:
    whole, frac = f"{value:.3f}".split(".")
    groups = f"{int(whole):,}".replace(",", sep)
    return f"{groups},{frac}"


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False),
       st.sampled_from([" ", "\u00a0", "\u202f", ""]))
def test_parse_number_round_trips_russian_format(value: float, sep: str) -> None:
    text = _russian(value, sep)
    assert parse_number(text) == pytest.approx(round(value, 3), abs=1e-6)


@given(st.integers(min_value=0, max_value=10**6), st.sampled_from(["", " "]))
def test_percent_sign_keeps_the_number(value: int, space: str) -> None:
    v = parse_value(f"не менее {value}{space}%")
    assert (v.value, v.comparator, v.unit) == (float(value), ">=", P)


@given(st.text(max_size=60))
def test_parsers_never_raise(text: str) -> None:
    parse_number(text)
    v = parse_value(text)
    assert v.raw == text
    found = find_value(text)
    assert found is None or found.raw in text


HUGE = "9" * 401  # float() reads it as infinity


@pytest.mark.parametrize("text", [HUGE, f"{HUGE},5", f"-{HUGE}", "1" + "0" * 16])
def test_a_number_out_of_range_is_no_number(text: str):
    assert parse_number(text) is None


@pytest.mark.parametrize(("text", "comparator", "unit"), [
    (f"не менее {HUGE}%", ">=", P),
    (HUGE, None, None),
    ("999 999 999 999 млрд руб.", None, R),  # in range, but not once scaled to rubles
])
def test_a_value_out_of_range_is_null_with_its_raw_text(text: str, comparator: str | None,
                                                        unit: Unit | None):
    assert parse_value(text) == Value(None, comparator, unit, text)


def test_numbers_up_to_the_limit_are_read():
    assert parse_number("999 999 999 999 999") == 999_999_999_999_999.0
    assert parse_value("1 000 000 000 000 руб.").value == 1e12


def test_find_value_passes_over_a_number_out_of_range():
    found = find_value(f"составит {HUGE} человек, не менее 5% педагогов")
    assert found is not None
    assert (found.value, found.comparator) == (5.0, ">=")
