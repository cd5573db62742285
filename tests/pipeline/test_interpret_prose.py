"""Explanatory notes in prose and budget sentences, table-driven."""

from __future__ import annotations

import pytest

from pipeline.interpret.finance import finance_from_sentences, source_of
from pipeline.interpret.prose import indicators_from_prose


def paras(*texts: str) -> list[tuple[str, str, int | None]]:
    return [(t, f"paragraph {i + 1}", None) for i, t in enumerate(texts)]


def test_note_with_plan_actual_status_and_percent():
    rows = indicators_from_prose(paras(
        "Региональный проект «Цифровая образовательная среда»",
        "Показатель 1. «Доля общеобразовательных организаций, оснащенных оборудованием»",
        "Мероприятие «Проведение обучающих семинаров»",
        "Показатель на 2022 год – не менее 91%.",
        "Показатель в работе: по итогам года фактическое значение – 49%, реализация "
        "мероприятия продолжается.",
        "Процент исполнения – 53,8%.",
    ), default_year=2022)
    assert len(rows) == 1
    r = rows[0]
    assert r["indicator_raw"] == "Доля общеобразовательных организаций, оснащенных оборудованием"
    assert r["federal_project"] == "Цифровая образовательная среда"
    assert r["activity"] == "Проведение обучающих семинаров"
    assert (r["year"], r["planned_value"], r["comparator"], r["unit"]) == (2022, 91.0, ">=",
                                                                           "percent")
    assert (r["actual_value"], r["completion_pct"], r["status"]) == (49.0, 53.8, "in_progress")
    assert r["locator"] == "paragraph 2"


def test_actual_is_taken_in_the_planned_unit_and_never_invented():
    rows = indicators_from_prose(paras(
        "Показатель 1. «Реализация комплекса мер»",
        "Показатель на 2020 год – не менее 5 % педагогических работников.",
        "Целевой показатель достигнут. Принимает участие не менее 5 % работников (87 человек).",
        "Показатель 2. «Внедрение системы аттестации»",
        "Показатель на 2020 год - 100%.",
        "Целевой показатель достигнут. Аттестация проведена в полном объеме.",
    ), default_year=2020)
    assert [(r["planned_value"], r["actual_value"], r["status"]) for r in rows] == [
        (5.0, 5.0, "done"), (100.0, None, "done")]


@pytest.mark.parametrize(("paragraph", "row"), [
    ("Показатель 1. «Доля детей, охваченных дошкольным образованием»: плановое значение на "
     "2022 год – 80 %, фактическое значение – 81,2 %. Показатель выполнен.",
     ("Доля детей, охваченных дошкольным образованием", 2022, 80.0, 81.2, "done")),
    ("Показатель 2. «Количество введенных мест»: плановое значение на 2022 год – 240 единиц, "
     "фактически введено 200 мест. Показатель не выполнен в связи с переносом срока.",
     ("Количество введенных мест", 2022, 240.0, 200.0, "not_done")),
    # nested quotes stay in the name; nothing said after it: a name only
    ("Показатель 3. «Число центров «Точка роста»»",
     ("Число центров «Точка роста»", 2022, None, None, None)),
])
def test_values_said_in_the_paragraph_that_names_the_indicator(
        paragraph: str, row: tuple[object, ...]) -> None:
    found = indicators_from_prose(paras(paragraph), default_year=2022)
    assert [(r["indicator_raw"], r["year"], r["planned_value"], r["actual_value"], r["status"])
            for r in found] == [row]


@pytest.mark.parametrize(("text", "source"), [
    ("средства федерального бюджета", "federal"),
    ("бюджет Томской области", "regional"),
    ("из областного бюджета", "regional"),
    ("из краевого бюджета", "regional"),
    ("бюджет Кожевниковского района", "municipal"),
    ("средства местного бюджета", "municipal"),
    ("внебюджетные источники", "extrabudgetary"),
    ("Всего по муниципальному проекту", "total"),
    ("Общий объем финансирования муниципального проекта", "total"),
    ("Педагогические работники повысили уровень", None),
])
def test_budget_sources(text: str, source: str | None):
    found = source_of(text)
    assert (found.value if found else None) == source


def test_budget_sentences_pair_planned_and_spent():
    rows = finance_from_sentences(paras(
        "Общий объем финансирования муниципального проекта в 2021 году составил 7 076,739 тыс. "
        "руб., в том числе 4 784,443 тыс. руб. – средства федерального бюджета, 2 292,296 тыс. "
        "руб. – средства местного бюджета.",
        "Освоено всего 6 848,710 тыс. руб., из них средств федерального бюджета – 4 784,443 тыс. "
        "руб., средств местного бюджета – 2 064,267 тыс. руб.",
    ), default_year=None)
    got = {(r["year"], r["source"]): (r["planned_rub"], r["spent_rub"]) for r in rows}
    assert got == {
        (2021, "total"): (7076739.0, 6848710.0),
        (2021, "federal"): (4784443.0, 4784443.0),
        (2021, "municipal"): (2292296.0, 2064267.0),
    }


@pytest.mark.parametrize(("sentence", "rows"), [
    # a figure over all the years a sentence goes on to list is no year's: its years' figures
    # are that total's (or that source's) parts
    ("Общий объем финансирования программы составляет 1 234 567,8 тыс. рублей, в том числе: "
     "2021 год – 250 000,0 тыс. рублей; 2022 год – 246 000,5 тыс. рублей.",
     {(2021, "total"): 250_000_000.0, (2022, "total"): 246_000_500.0}),
    ("Средства федерального бюджета предусмотрены в размере 300 тыс. рублей, в том числе "
     "2021 год – 100 тыс. рублей, 2022 год – 200 тыс. рублей.",
     {(2021, "federal"): 100_000.0, (2022, "federal"): 200_000.0}),
    # one year named: the sentence's figures are that year's
    ("В 2022 году предусмотрено 125 400,5 тыс. рублей, освоено 120 100,0 тыс. рублей.",
     {(2022, "unknown"): 125_400_500.0}),
])
def test_budget_sentence_listing_years(sentence: str,
                                       rows: dict[tuple[int, str], float]) -> None:
    found = finance_from_sentences(paras(sentence), default_year=None)
    assert {(r["year"], r["source"]): r["planned_rub"] for r in found} == rows


def test_unspent_remainder_is_not_taken_for_spending():
    rows = finance_from_sentences(paras(
        "На 2020 год на реализацию муниципального проекта выделено 2 002,000 тыс. руб. из "
        "областного бюджета.",
        "За 2020 год из запланированных средств освоено 1 201,874 тыс. руб. (не освоены "
        "800,126 тыс. руб.).",
    ), default_year=2020)
    assert [(r["source"], r["planned_rub"], r["spent_rub"]) for r in rows] == [
        ("regional", 2002000.0, 1201874.0)]


def test_a_note_repeating_its_figures_keeps_one_row_and_a_bounded_text():
    planned = ("На 2020 год на реализацию муниципального проекта выделено 2 002,000 тыс. руб. "
               "из областного бюджета.")
    spent = "За 2020 год освоено 1 201,874 тыс. руб. из областного бюджета."
    restated = "Из областного бюджета на 2020 год выделено 2 002,000 тыс. руб. (раздел {})."
    sentences = [planned, spent] + [restated.format(i) for i in range(500)] + [spent] * 50
    rows = finance_from_sentences(paras(*sentences), default_year=2020)
    assert [(r["source"], r["planned_rub"], r["spent_rub"]) for r in rows] == [
        ("regional", 2002000.0, 1201874.0)]
    text = rows[0]["text"]
    assert text.startswith(planned)
    assert text.count("освоено 1 201,874") <= 1  # a sentence said again is not added again
    assert "(раздел 0)" in text
    assert len(text) < 2000 + len(restated) + 10  # not all 500 restatements


@pytest.mark.parametrize(("sentence", "found"), [
    ("Объем ВВП России за II квартал 2017 г. составил 21691,1 млрд. рублей.", False),
    ("Оборот розничной торговли в августе 2017 г. составил 2591,5 млрд. рублей.", False),
    ("Объем финансирования проекта в 2021 году составил 7 076,739 тыс. руб.", True),
    ("В 2014 году на ремонт школ запланировано 40 млн. руб.", True),
    ("Кассовое исполнение за 2022 год составило 1 500,0 тыс. рублей.", True),
])
def test_money_in_prose_is_a_budget_figure_only_in_a_budget_context(sentence: str,
                                                                      found: bool):
    assert bool(finance_from_sentences(paras(sentence), default_year=None)) is found
