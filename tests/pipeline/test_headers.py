"""Header bands and column roles of cell grids (tables built directly in the model)."""

from __future__ import annotations

import pytest

from pipeline.grammar.items import item_number
from pipeline.interpret.cells import parse_name_cell
from pipeline.interpret.headers import analyse, role_of
from tests.pipeline.grids import grid_table


@pytest.mark.parametrize(("text", "role"), [
    ("№ п/п", "number"),
    ("Наименование показателя", "indicator"),
    ("Тип показателя", "indicator_type"),
    ("Базовое значение", "base_value"),
    ("Плановый", "planned"),
    ("План", "planned"),
    ("Плановое значение", "planned"),
    ("Фактический", "actual"),
    ("Факт", "actual"),
    ("Процент исполнения", "completion"),
    ("Исполнение, %", "completion"),
    ("Статус исполнения", "status"),
    ("Отметка о выполнении", "status"),
    ("Примечание", "note"),
    ("Наименование мероприятия", "activity"),
    ("Наименование результата, мероприятия, контрольной точки", "activity"),
    ("Наименование задачи, результата", "task_result"),
    ("Наименование результата и источники финансирования", "result_name"),
    ("Сроки реализации", "period"),
    ("Срок", "period"),
    ("Начало", "start"),
    ("Окончание", "end"),
    ("Ответственный исполнитель", "responsible"),
    ("Вид документа и характеристика результата", "result_form"),
    ("Отчет об исполнении/продолжении реализации мероприятия", "report"),
    ("Наименование (федерального) регионального проекта", "federal_project"),
    ("Наименование национального проекта", "national_project"),
    ("Наименование муниципального проекта", "municipal_project"),
    ("Единица измерения", "unit"),
    ("Какой-то текст", None),
])
def test_role_vocabulary(text: str, role: str | None):
    assert role_of(text) == role


def test_two_row_header_with_year_group():
    t = grid_table(
        [["Наименование мероприятия", "Показатели на 2021 год", "", "Процент исполнения"],
         ["", "Плановый", "Фактический", ""],
         ["Показатель: 1. Доля", "5%", "6%", "120%"]],
        {(0, 1): (1, 2), (0, 0): (2, 1), (0, 3): (2, 1)},
    )
    h = analyse(t)
    assert h.n_rows == 2
    assert [(c.role, c.year) for c in h.columns] == [
        ("activity", None), ("planned", 2021), ("actual", 2021), ("completion", None)]


def test_passport_header_year_columns_and_base_value():
    t = grid_table(
        [["№ п/п", "Наименование показателя", "Базовое значение", "", "Период, год", ""],
         ["", "", "значение", "дата", "2019", "2020"],
         ["1.", "Доля", "9,3", "1.01.2018", "8,4", "7,6"]],
        {(0, 2): (1, 2), (0, 4): (1, 2), (0, 0): (2, 1), (0, 1): (2, 1)},
    )
    h = analyse(t)
    assert h.n_rows == 2
    assert [c.role for c in h.columns] == [
        "number", "indicator", "base_value", "base_date", "year", "year"]
    assert [c.year for c in h.year_cols()] == [2019, 2020]


def test_section_row_is_not_taken_for_a_header():
    t = grid_table([["№", "Наименование мероприятия", "Статус"],
               ["1. Организационные мероприятия", "", ""],
               ["1.1.", "Совещание", "исполнено"]], {(1, 0): (1, 3)})
    assert analyse(t).n_rows == 1


@pytest.mark.parametrize(("text", "number"), [
    ("1.", "1"), ("1.1.3.", "1.1.3"), ("2.10", "2.10"), (" 3 ", "3"), ("1. Текст", None),
    ("", None), ("2019", None)])
def test_item_number(text: str, number: str | None):
    assert item_number(text) == number


def test_name_cell_with_marker_and_events():
    cell = parse_name_cell("Показатель:\n\n1. Внедрение методологии наставничества:\n"
                           "Мероприятия:\n- с 01.12.2020 началась реализация")
    assert cell.names == ["Внедрение методологии наставничества"]
    assert cell.activity == "с 01.12.2020 началась реализация"


def test_name_cell_holding_two_indicators():
    cell = parse_name_cell("Показатель:\n\n3. Апробация оценки\n\n4. Не менее чем в 25 % "
                           "организаций проведена оценка:\n\nМероприятие:\n- Организация")
    assert cell.names == ["Апробация оценки",
                          "Не менее чем в 25 % организаций проведена оценка"]
