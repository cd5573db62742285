"""Plan-execution sheets of control events: «Контрольное событие 1.1.1» rows under headings
crossed out with «х», a planned date, and marks (or actual dates) in columns whose header is
a status («наступило без нарушения срока | наступило с нарушением срока | не наступило»)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

from extractors import extract
from extractors.model import Document, Paragraph, Table
from pipeline.interpret import interpret
from pipeline.interpret.blocks import band_starts
from pipeline.interpret.headers import analyse, role_of
from schemas.enums import Format
from tests.pipeline.grids import grid_table

HEADER = [
    ["Статус", "Наименование подпрограммы, основного мероприятия", "Исполнитель",
     "Планируемая дата наступления контрольного события",
     "Фактическая дата наступления контрольного события", "",
     "Контрольное событие не наступило", "Комментарии"],
    ["", "", "", "", "контрольное событие наступило без нарушения установленного срока",
     "контрольное событие наступило с нарушением установленного срока", "", ""],
    ["1", "2", "3", "4", "5", "6", "7", "8"],
]
HEADING = ["х", "x", "x", "x", "x", "x"]


def _sheet(path: Path, rows: list[list[object]], merges: list[str]) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Информация о выполнении контрольных событий плана реализации программы"])
    for row in rows:
        ws.append(row)
    for rng in merges:
        ws.merge_cells(rng)
    wb.save(path)
    return path


def _doc(table: Table) -> Document:
    return Document("x.xlsx", Format.XLSX, (Paragraph("Лист1", "sheet 1", None), table))


def test_a_header_that_is_a_status_names_a_column_of_marks():
    assert role_of("контрольное событие наступило без нарушения установленного срока") == (
        "status_mark")
    assert role_of("Контрольное событие не наступило") == "status_mark"
    assert role_of("наступило с нарушением срока") == "status_mark"
    assert role_of("Планируемая дата наступления контрольного события") == "end"
    assert role_of("Наименование контрольного события") == "activity"
    h = analyse(grid_table(HEADER, {(0, 4): (1, 2)}))
    assert [c.role for c in h.columns] == [
        "status", "activity", "responsible", "end", "status_mark", "status_mark",
        "status_mark", "note"]


def test_control_events_give_their_deadline_actual_date_and_status(tmp_path: Path):
    rows: list[list[object]] = [*HEADER,
        ["Подпрограмма 1", "Развитие общего образования", *HEADING],
        ["Основное мероприятие 1.1", "Модернизация общего образования", *HEADING],
        ["Контрольное событие 1.1.1.", "Введены в эксплуатацию 3 здания школ",
         "Департамент строительства", "01.09.2020", "25.08.2020", "", "", ""],
        ["Контрольное событие 1.1.2.", "Проведен областной конкурс", "Департамент образования",
         dt.datetime(2020, 6, 1), "", dt.datetime(2020, 6, 6), "", "Перенесен из-за карантина"],
        ["Контрольное событие 1.1.3.", "Проведен форум", "Департамент образования",
         "01.08.2020", "", "", "-", "Не проведен"],
        ["Контрольное событие 1.1.4.", "Сдан отчет", "Департамент образования",
         "25.03.2021", "", "29.03.2021", "-", "Сдан с задержкой"],
    ]
    path = _sheet(tmp_path / "events.xlsx", rows, ["A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:F2",
                                                   "G2:G3", "H2:H3"])
    result = interpret(extract(path))
    assert result.indicators == []
    got = [(r["number"], r["name"], r["end_date"], r["actual_date"], r["status"])
           for r in result.activities]
    assert got == [  # the «х» heading rows give nothing
        ("1.1.1", "Введены в эксплуатацию 3 здания школ", dt.date(2020, 9, 1),
         dt.date(2020, 8, 25), "done"),
        ("1.1.2", "Проведен областной конкурс", dt.date(2020, 6, 1), dt.date(2020, 6, 6),
         "done"),
        ("1.1.3", "Проведен форум", dt.date(2020, 8, 1), None, "not_done"),  # a dash alone
        ("1.1.4", "Сдан отчет", dt.date(2021, 3, 25), dt.date(2021, 3, 29), "done")]
    assert result.activities[1]["status_raw"] == (
        "контрольное событие наступило с нарушением установленного срока")
    assert result.activities[0]["responsible"] == "Департамент строительства"


def test_a_name_merged_over_several_events_names_each(tmp_path: Path):
    rows: list[list[object]] = [*HEADER,
        ["Основное мероприятие 2.5", "Выплата пособия", *HEADING],
        ["Контрольное событие 2.5.1.1", "Все заявители обеспечены выплатой", "Департамент",
         "30.01.2020", "24.01.2020", "", "", ""],
        ["Контрольное событие 2.5.1.2", "", "Департамент", "29.02.2020", "26.02.2020", "", "",
         ""],
    ]
    path = _sheet(tmp_path / "merged.xlsx", rows, ["E2:F2", "B6:B7"])
    got = [(r["number"], r["name"], r["end_date"]) for r in interpret(extract(path)).activities]
    assert got == [("2.5.1.1", "Все заявители обеспечены выплатой", dt.date(2020, 1, 30)),
                   ("2.5.1.2", "Все заявители обеспечены выплатой", dt.date(2020, 2, 29))]


def test_an_event_numbered_in_its_own_row_takes_its_wording_from_the_rows_below():
    rows = [["Наименование контрольного события", "Исполнитель", "Плановая дата", "наступило",
             "не наступило"],
            ["1", "2", "3", "4", "5"],
            ["Контрольное событие 1.1.1", "", "", "", ""],
            ["Проведен конкурс", "Департамент", "01.06.2020", "+", ""],
            ["среди учителей школ", "", "", "", ""],
            ["Контрольное событие 1.1.2", "Департамент", "01.10.2020", "", "+"],
            ["Открыт центр «Точка роста»", "", "", "", ""]]
    got = [(r["number"], r["name"], r["responsible"], r["end_date"], r["status"])
           for r in interpret(_doc(grid_table(rows, {}))).activities]
    assert got == [
        ("1.1.1", "Проведен конкурс среди учителей школ", "Департамент", dt.date(2020, 6, 1),
         "done"),
        ("1.1.2", "Открыт центр «Точка роста»", "Департамент", dt.date(2020, 10, 1),
         "not_done")]


def test_rows_of_a_plan_with_levels_and_numbers_open_no_block_of_their_own():
    rows = [["Статус", "Наименование мероприятия", "Исполнитель", "Плановая дата", "Факт"],
            ["1", "2", "3", "4", "5"],
            # name roles (мероприятие, проект) and value roles (планируемым): read alone, the
            # rows below would be a header band
            ["Контрольное событие 2.22.1", "Перечислены субвенции", "Департамент",
             "31.03.2020", "31.03.2020"],
            ["Основное мероприятие 2.23", "Региональный проект «Поддержка семей»", "х", "x",
             "x"],
            ["Контрольное событие 2.23.1", "Оказано 4600 услуг по планируемым направлениям",
             "Департамент", "31.03.2020", "31.03.2020"]]
    assert band_starts(grid_table(rows, {})) == [0]


def test_one_bare_year_twice_in_a_row_is_an_amount_not_a_header():
    rows = [["Статус", "Наименование мероприятия", "Источники финансирования", "План", "Факт"],
            ["1", "2", "3", "4", "5"],
            ["Мероприятие 1.2.1", "Поддержка инноваций", "всего", "2500", "2400"],
            ["", "", "областной бюджет", "2000", "2000"],
            ["", "", "местный бюджет", "500", "400"]]
    assert band_starts(grid_table(rows, {(2, 0): (3, 1), (2, 1): (3, 1)})) == [0]
