"""Dates, periods and month names."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.grammar.dates import find_dates, month_number, parse_date, parse_period

D = date

GENITIVE = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
            "сентября", "октября", "ноября", "декабря"]
NOMINATIVE = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
              "сентябрь", "октябрь", "ноябрь", "декабрь"]
PREPOSITIONAL = ["январе", "феврале", "марте", "апреле", "мае", "июне", "июле", "августе",
                 "сентябре", "октябре", "ноябре", "декабре"]


@pytest.mark.parametrize(("text", "expected"), [
    ("01.06.2020", D(2020, 6, 1)),
    ("1.01.2020 г.", D(2020, 1, 1)),
    ("30.12.2015", D(2015, 12, 30)),
    ("01.01.2019", D(2019, 1, 1)),
    ("«27» января 2021 г.", D(2021, 1, 27)),
    ("27 января 2021 года", D(2021, 1, 27)),
    ("2021-01-27", D(2021, 1, 27)),
    ("01/06/2020", D(2020, 6, 1)),
    ("01.06.20", D(2020, 6, 1)),
    ("Протокол от 27.01.2021 №2", D(2021, 1, 27)),
    ("22.01.2023", D(2023, 1, 22)),
    ("31.02.2020", None),
    ("1.2.10", None),
    ("01.01.2019 – 31.12.2024", None),
    ("ежегодно", None),
    ("", None),
    (None, None),
])
def test_parse_date(text: str | None, expected: date | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Сентябрь 2019г", (D(2019, 9, 1), D(2019, 9, 30))),
    ("Март-сентябрь 2020г", (D(2020, 3, 1), D(2020, 9, 30))),
    ("Сентябрь 2019-май 2020г", (D(2019, 9, 1), D(2020, 5, 31))),
    ("Сентябрь 2022-май 2023г", (D(2022, 9, 1), D(2023, 5, 31))),
    ("Сентябрь-май 2020", (D(2019, 9, 1), D(2020, 5, 31))),
    ("Январь-декабрь 2021г", (D(2021, 1, 1), D(2021, 12, 31))),
    ("Февраль-май 2022г", (D(2022, 2, 1), D(2022, 5, 31))),
    ("Февраль 2020", (D(2020, 2, 1), D(2020, 2, 29))),
    ("декабрь 2020", (D(2020, 12, 1), D(2020, 12, 31))),
    ("в мае 2020 года", (D(2020, 5, 1), D(2020, 5, 31))),
    ("01.01.2019 – 31.12.2024", (D(2019, 1, 1), D(2024, 12, 31))),
    ("01.09.2021 – 31.05.2022", (D(2021, 9, 1), D(2022, 5, 31))),
    ("с 01.09.2020 по 31.05.2021", (D(2020, 9, 1), D(2021, 5, 31))),
    ("15.01.2019 01.10.2020", (D(2019, 1, 15), D(2020, 10, 1))),
    ("до 31.12.2020", (None, D(2020, 12, 31))),
    ("не позднее 25 декабря 2020 г.", (None, D(2020, 12, 25))),
    ("до 2024 года", (None, D(2024, 12, 31))),
    ("с 01.09.2020", (D(2020, 9, 1), None)),
    ("с сентября 2020 г.", (D(2020, 9, 1), None)),
    ("01.03.2021", (None, D(2021, 3, 1))),
    ("ежегодно", (None, None)),
    ("постоянно", (None, None)),
    ("в течение года", (None, None)),
    ("сентябрь", (None, None)),
    ("", (None, None)),
    (None, (None, None)),
    ("2020 г.", (D(2020, 1, 1), D(2020, 12, 31))),
    ("в течение 2021 года", (D(2021, 1, 1), D(2021, 12, 31))),
    ("2019-2024 годы", (D(2019, 1, 1), D(2024, 12, 31))),
    ("IV квартал 2020", (D(2020, 10, 1), D(2020, 12, 31))),
    ("1 квартал 2021 г.", (D(2021, 1, 1), D(2021, 3, 31))),
    ("II полугодие 2021", (D(2021, 7, 1), D(2021, 12, 31))),
])
def test_parse_period(text: str | None, expected: tuple[date | None, date | None]) -> None:
    assert parse_period(text) == expected


def test_parse_period_fills_a_missing_year() -> None:
    assert parse_period("сентябрь", year=2020) == (D(2020, 9, 1), D(2020, 9, 30))
    assert parse_period("до 25 декабря", year=2020) == (None, D(2020, 12, 25))


def test_find_dates_in_prose() -> None:
    text = "с 01.09.2020 по 31.05.2021, протокол «27» января 2021 г., 2021-02-03; 5 мая"
    assert find_dates(text) == [D(2020, 9, 1), D(2021, 5, 31), D(2021, 1, 27), D(2021, 2, 3)]


@pytest.mark.parametrize("forms", [GENITIVE, NOMINATIVE, PREPOSITIONAL])
def test_every_month_case_form(forms: list[str]) -> None:
    assert [month_number(w) for w in forms] == list(range(1, 13))
    assert [month_number(w.capitalize()) for w in forms] == list(range(1, 13))


@pytest.mark.parametrize("word", ["маяк", "мартовский", "доля", ""])
def test_not_a_month(word: str) -> None:
    assert month_number(word) is None


dates = st.dates(min_value=D(1990, 1, 1), max_value=D(2099, 12, 31))


@given(dates)
def test_numeric_date_round_trip(d: date) -> None:
    assert parse_date(d.strftime("%d.%m.%Y")) == d
    assert parse_date(f"{d.day}.{d.month:02d}.{d.year} г.") == d


@given(dates)
def test_textual_date_round_trip(d: date) -> None:
    assert parse_date(f"«{d.day:02d}» {GENITIVE[d.month - 1]} {d.year} г.") == d
    assert parse_date(f"{d.day} {GENITIVE[d.month - 1]} {d.year} года") == d


@given(st.integers(min_value=1990, max_value=2099), st.integers(min_value=1, max_value=12))
def test_month_period_covers_the_whole_month(year: int, month: int) -> None:
    start, end = parse_period(f"{NOMINATIVE[month - 1].capitalize()} {year}г")
    assert start == D(year, month, 1)
    assert end is not None
    assert end.day == calendar.monthrange(year, month)[1]
    assert (end + timedelta(days=1)).day == 1


@given(dates, dates)
def test_date_range_is_ordered_as_written(a: date, b: date) -> None:
    text = f"{a:%d.%m.%Y} – {b:%d.%m.%Y}"
    assert parse_period(text) == (a, b)
    assert find_dates(text) == [a, b]


@pytest.mark.parametrize(("text", "expected"), [
    ("01.01.2020* – 15.12.2020*", (D(2020, 1, 1), D(2020, 12, 15))),
    ("1.09.2019. – 15.05.2020.", (D(2019, 9, 1), D(2020, 5, 15))),
    ("01.09.2020. – ежегодно", (D(2020, 9, 1), None)),
    ("Сентябрь 2019г – постоянно", (D(2019, 9, 1), None)),
    ("– 25.12.2020", (None, D(2020, 12, 25))),
])
def test_parse_period_pdf_and_passport_quirks(text: str,
                                              expected: tuple[date | None, date | None]) -> None:
    assert parse_period(text) == expected
