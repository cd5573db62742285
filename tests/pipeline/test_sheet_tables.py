"""Tables laid out like regional spreadsheets: title rows above the header, a row of column
numbers under it, items without numbers, control events with planned and actual dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from extractors import extract
from extractors.model import Document, Paragraph, Table
from pipeline.interpret import interpret
from pipeline.interpret.cells import item_level, strip_item_number
from pipeline.interpret.headers import analyse
from schemas.enums import Format
from tests.pipeline.grids import grid_table

INDICATOR_SHEET = [
    ["", "", "", "", ""],
    ["", "Сведения", "", "", ""],
    ["", "о достижении значений показателей государственной программы", "", "", ""],
    ["", "за 2021 год", "", "", ""],
    ["", "", "", "", ""],
    ["", "Наименование показателя", "Единица измерения", "Значения показателя", ""],
    ["", "", "", "План", "Факт"],
    ["", "1", "2", "3", "4"],
    ["", "Доля детей, охваченных дополнительным образованием", "Процент", "75", "76,2"],
    ["", "Число созданных мест в детских садах", "Единица", "120", "118"],
]
INDICATOR_SPANS = {(1, 1): (1, 4), (2, 1): (1, 4), (3, 1): (1, 4), (5, 1): (2, 1),
                   (5, 2): (2, 1), (5, 3): (1, 2)}


def _doc(table: Table) -> Document:
    return Document("x.xlsx", Format.XLSX, (Paragraph("Лист1", "sheet 1", None), table))


def test_title_rows_above_the_header_are_captions_and_column_numbers_are_not_data():
    h = analyse(grid_table(INDICATOR_SHEET, INDICATOR_SPANS))
    assert (h.start, h.n_rows) == (5, 8)  # header rows 5-6, numbers in row 7
    assert [c.role for c in h.columns] == [None, "indicator", "unit", "planned", "actual"]
    assert [c.texts for c in h.columns[3:]] == [("Значения показателя", "План"),
                                                ("Значения показателя", "Факт")]


def test_a_caption_naming_a_role_stays_out_of_the_column_texts():
    rows = [["в разрезе исполнителей", "", ""],  # names a role (исполнител), but spans all
            ["Наименование показателя", "План", "Факт"],
            ["Доля", "5", "6"]]
    h = analyse(grid_table(rows, {(0, 0): (1, 3)}))
    assert (h.start, h.n_rows) == (1, 2)
    assert [c.texts for c in h.columns] == [("Наименование показателя",), ("План",), ("Факт",)]


def test_a_one_text_first_row_is_header_when_the_rest_names_too_little():
    rows = [["Наименование показателя", ""],
            ["", "2024"],
            ["Доля", "5"]]
    h = analyse(grid_table(rows, {(0, 0): (2, 1)}))
    assert (h.start, h.n_rows) == (0, 2)
    assert [c.role for c in h.columns] == ["indicator", "year"]


def test_numbers_row_after_a_sub_header_of_words():
    rows = [["Мероприятие", "Плановая дата", "Фактическая дата", ""],
            ["", "", "наступило", "не наступило"],
            ["1", "2", "3", "4"],
            ["Введены в эксплуатацию 3 здания школ", "01.09.2020", "01.09.2020", ""]]
    h = analyse(grid_table(rows, {(0, 0): (2, 1), (0, 1): (2, 1), (0, 2): (1, 2)}))
    assert h.n_rows == 3
    # the sub-headers under the actual date are status marks (a date in one is the actual date)
    assert [c.role for c in h.columns] == ["activity", "end", "status_mark", "status_mark"]


@pytest.mark.parametrize(("text", "number", "rest"), [
    ("1.2. Совещание", "1.2", "Совещание"),
    ("3 Организация конкурса", "3", "Организация конкурса"),
    ("1.1 проведение совещания", "1.1", "проведение совещания"),
    ("44 лучших учителя получили поощрение", None, "44 лучших учителя получили поощрение"),
])
def test_a_bare_number_before_a_lower_case_word_is_a_quantity(text: str, number: str | None,
                                                              rest: str):
    assert strip_item_number(text) == (number, rest)


def _sheet(path: Path, rows: list[list[object]], merges: list[str]) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    for rng in merges:
        ws.merge_cells(rng)
    wb.save(path)
    return path


def test_xlsx_report_with_title_rows_reads_its_indicators(tmp_path: Path):
    path = _sheet(tmp_path / "report.xlsx", INDICATOR_SHEET,  # type: ignore[arg-type]
                  ["B2:E2", "B3:E3", "B4:E4", "B6:B7", "C6:C7", "D6:E6"])
    result = interpret(extract(path))
    assert result.meta["report_year"] == 2021  # from the title rows: 'за 2021 год'
    got = [(r["indicator_raw"], r["year"], r["unit"], r["planned_value"], r["actual_value"])
           for r in result.indicators]
    assert got == [
        ("Доля детей, охваченных дополнительным образованием", 2021, "percent", 75.0, 76.2),
        ("Число созданных мест в детских садах", 2021, "units", 120.0, 118.0)]


def test_xlsx_control_events_are_activities_with_their_deadlines(tmp_path: Path):
    rows: list[list[object]] = [
        ["План-график контрольных событий на 2020 год", "", "", ""],
        ["Наименование контрольного события", "Исполнитель",
         "Планируемая дата наступления", "Фактическая дата наступления"],
        ["1", "2", "3", "4"],
        ["Проведен капитальный ремонт в 20 детских садах", "Департамент образования",
         dt.datetime(2020, 12, 25), dt.datetime(2020, 12, 20)],
        ["Распределены субсидии муниципальным районам", "Департамент образования",
         "30.06.2020", "30.06.2020"],
        ["Введены в эксплуатацию 3 здания школ: в с. Хреновое и", "Департамент строительства",
         "01.09.2020", ""],
        ["в п.г.т. Грибановский", "", "", ""],
    ]
    path = _sheet(tmp_path / "events.xlsx", rows, ["A1:D1"])
    result = interpret(extract(path))
    assert result.indicators == []
    got = [(r["name"], r["responsible"], r["end_date"]) for r in result.activities]
    assert got == [
        ("Проведен капитальный ремонт в 20 детских садах", "Департамент образования",
         dt.date(2020, 12, 25)),
        ("Распределены субсидии муниципальным районам", "Департамент образования",
         dt.date(2020, 6, 30)),
        ("Введены в эксплуатацию 3 здания школ: в с. Хреновое и в п.г.т. Грибановский",
         "Департамент строительства", dt.date(2020, 9, 1)),
    ]


def test_plan_and_fact_under_a_deadline_header_are_dates():
    rows = [["№ п/п", "Наименование контрольной точки", "Срок реализации", "", "Ответственный"],
            ["", "", "план", "факт/прогноз", ""],
            ["1.1", "Утверждены документы", "31.08.2019", "05.08.2019", "Мазур М. А."]]
    t = grid_table(rows, {(0, 0): (2, 1), (0, 1): (2, 1), (0, 2): (1, 2), (0, 4): (2, 1)})
    assert [c.role for c in analyse(t).columns] == [
        "number", "activity", "end", "actual_date", "responsible"]
    result = interpret(_doc(t))
    assert result.indicators == []
    assert [(r["number"], r["name"], r["end_date"]) for r in result.activities] == [
        ("1.1", "Утверждены документы", dt.date(2019, 8, 31))]


def test_a_name_without_letters_is_not_an_indicator():
    rows = [["Служебная", "Наименование показателя", "План", "Факт"],
            ["Тип периода", "3", "4", "8"],  # column numbers the band cannot tell apart
            ["Год", "Доля выпускников", "51,3", "53,7"]]
    got = [(r["indicator_raw"], r["planned_value"]) for r in interpret(_doc(grid_table(rows, {}))
                                                                        ).indicators]
    assert got == [("Доля выпускников", 51.3)]


@pytest.mark.parametrize(("text", "level"), [
    ("Государственная программа", (True, None)),
    ("Подпрограмма 1", (True, "1")),
    ("Основное мероприятие 1.2", (True, "1.2")),
    ("Мероприятие 1.1.3", (True, "1.1.3")),
    ("Контрольное событие 1.1.1.", (True, "1.1.1")),
    ("Региональный проект 1.5", (True, "1.5")),
    ("исполнено", (False, None)),
    ("Мероприятие выполнено в срок", (False, None)),
    ("", (False, None)),
])
def test_item_level(text: str, level: tuple[bool, str | None]):
    assert item_level(text) == level


def test_a_status_column_of_levels_numbers_the_items_and_is_no_status():
    rows = [["Статус", "Наименование основного мероприятия, мероприятия", "Исполнитель"],
            ["Государственная программа", "Развитие образования", "Департамент образования"],
            ["Основное мероприятие 1.1", "Развитие дошкольного образования",
             "Департамент образования"],
            ["", "", "Департамент строительства"],  # a second executor of the same item
            ["Мероприятие 1.1.1", "Строительство детских садов", "Департамент строительства"],
            ["Государственная программа", "Развитие культуры", "Департамент культуры"]]
    got = [(r["number"], r["name"], r["responsible"], r["status_raw"])
           for r in interpret(_doc(grid_table(rows, {}))).activities]
    assert got == [
        (None, "Развитие образования", "Департамент образования", None),
        ("1.1", "Развитие дошкольного образования", "Департамент образования", None),
        ("1.1.1", "Строительство детских садов", "Департамент строительства", None),
        (None, "Развитие культуры", "Департамент культуры", None)]


def test_header_words_wrapped_in_their_cells_are_one_header_text():
    rows = [["№", "Наименован", "Единица", "План", "Факт"],  # lines of an unruled PDF table
            ["", "ие", "измерения", "", ""],
            ["", "показателя", "", "", ""],
            ["1", "Доля педагогов", "процент", "5", "6"]]
    h = analyse(grid_table(rows, {}))
    assert h.n_rows == 3
    assert [c.role for c in h.columns] == ["number", "indicator", "unit", "planned", "actual"]
    assert h.columns[1].texts == ("Наименование показателя",)


def test_a_sub_header_with_a_role_of_its_own_is_not_wrapped_into_the_text_above():
    rows = [["Наименование показателя", "Значения", "Срок реализации"],
            ["", "план", "план"],
            ["Доля педагогов", "5", "31.12.2022"]]
    h = analyse(grid_table(rows, {(0, 0): (2, 1)}))
    assert [c.role for c in h.columns] == ["indicator", "planned", "end"]
