"""Grids that hold several tables (a programme passport sheet): header bands anywhere, years
with measures under them, section rows, parent + child rows, text instead of a number, finance
matrices by year and source, and a table continued without its header."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from extractors import extract
from extractors.model import Document, Paragraph, Table
from pipeline.interpret import interpret
from pipeline.interpret.blocks import band_starts, split_blocks
from pipeline.interpret.metadata import Lead, doc_type_of, title_lines
from pipeline.interpret.unwrap import unwrap
from pipeline.interpret.values import is_no_value
from schemas.enums import DocType, Format
from tests.pipeline.grids import grid_table

W = 8  # columns of the passport sheet: label, sub-label, base, 2 years x 2 measures, spare
PASSPORT = [
    ["Приложение к постановлению администрации Города Энска", "", "", "", "", "", "", ""],
    ["ПАСПОРТ МУНИЦИПАЛЬНОЙ ПРОГРАММЫ «РАЗВИТИЕ СПОРТА» НА 2020 - 2025 ГОДЫ", *[""] * 7],
    ["Куратор муниципальной программы", "", "Заместитель Мэра", "", "", "", "", ""],
    ["Цель и задачи муниципальной программы", "", "Цель: здоровье", "", "", "", "", ""],
    ["Показатели цели и задач (единицы измерения)", "", "год разработки программы 2019",
     "2020 год", "", "2021 год", "", ""],
    ["", "", "", "в соответствии с потребностью", "в соответствии с утвержденным финансированием",
     "в соответствии с потребностью", "в соответствии с утвержденным финансированием", ""],
    ["Цель: здоровье", *[""] * 7],
    ["Доля населения, занимающегося спортом (%)", "", "18", "20", "19", "22", "21", ""],
    ["Показатель задачи 1. Уровень обеспеченности (%), в том числе:", "залами, %",
     "24", "25", "24,5", "26", "25", ""],
    ["", "бассейнами, %", "Показатель введен с 01.01.2021", "", "", "10", "10", ""],
    ["Время ожидания, не более", "", "не более 10 мин.", "", "", "", "", ""],
    ["Объемы и источники финансирования (тыс. рублей)", "Годы:", "всего по источникам", "",
     "местный бюджет", "", "", ""],
    ["", "", "потребность", "утверждено", "потребность", "утверждено", "", ""],
    ["", "2020", "100", "80", "60", "50", "", ""],
    ["", "2021", "110", "90", "70", "-", "", ""],
    ["", "Итого", "210", "170", "130", "50", "", ""],
    ["Сроки реализации муниципальной программы", "", "2020 - 2025 годы", "", "", "", "", ""],
]
SPANS = {
    (0, 0): (1, W), (1, 0): (1, W), (2, 0): (1, 2), (2, 2): (1, 6), (3, 0): (1, 2),
    (3, 2): (1, 6), (4, 0): (2, 2), (4, 2): (2, 1), (4, 3): (1, 2), (4, 5): (1, 2),
    (6, 0): (1, W), (7, 0): (1, 2), (8, 0): (2, 1), (9, 2): (1, 3), (10, 0): (1, 2),
    (10, 2): (1, 5), (11, 0): (5, 1), (11, 2): (1, 2), (11, 4): (1, 2), (16, 0): (1, 2),
    (16, 2): (1, 6),
}


def _doc(*tables: Table) -> Document:
    return Document("x.xlsx", Format.XLSX, (Paragraph("Лист1", "sheet 1"), *tables))


@pytest.fixture(scope="module")
def passport() -> Table:
    return grid_table(PASSPORT, SPANS)


def test_bands_in_the_middle_of_the_grid_open_blocks(passport: Table):
    assert band_starts(passport) == [4, 11]
    blocks = split_blocks(passport)
    assert [(b.first_row, b.n_rows) for b in blocks] == [(0, 4), (4, 7), (11, 6)]
    assert blocks[1].row_locator(3) == "table 1 row 8"  # the grid's own row numbers


def test_passport_indicators_by_year_and_measure(passport: Table):
    rows = {(r["indicator_raw"], r["year"]): r for r in interpret(_doc(passport)).indicators}
    share = rows[("Доля населения, занимающегося спортом (%)", 2021)]
    assert (share["base_value"], share["planned_value"], share["unit"]) == (18.0, 21.0, "percent")
    assert share["planned_text"] == "потребность: 22; утверждено: 21"
    # section rows are context, not indicators; sub-rows are named parent + child
    assert not any(name.startswith("Цель") for name, _ in rows)
    parent = "Показатель задачи 1. Уровень обеспеченности (%), в том числе:"
    assert rows[(f"{parent} залами, %", 2020)]["planned_value"] == 24.5
    # 'Показатель введен с …' over the years before: no row for 2020, a row for 2021
    assert (f"{parent} бассейнами, %", 2020) not in rows
    assert rows[(f"{parent} бассейнами, %", 2021)]["planned_value"] == 10.0
    # a text merged over every year is the target of each, with its comparator
    for year in (2020, 2021):
        wait = rows[("Время ожидания, не более", year)]
        assert (wait["planned_value"], wait["comparator"]) == (10.0, "<=")


def test_finance_matrix_by_year_rows_and_source_columns(passport: Table):
    got = sorted((f["year"], f["source"], f["planned_rub"])
                 for f in interpret(_doc(passport)).finance)
    # the approved figure, in roubles; '-' gives no row; 'Итого' over all years is no year
    assert got == [(2020, "municipal", 50_000.0), (2020, "total", 80_000.0),
                   (2021, "total", 90_000.0)]


def test_passport_metadata(passport: Table):
    meta = interpret(_doc(passport)).meta
    assert (meta["doc_type"], meta["report_year"]) == ("project_passport", 2020)


def test_the_sheet_read_end_to_end_from_xlsx(tmp_path: Path):
    wb = Workbook()
    ws = wb.active
    for r, row in enumerate(PASSPORT, start=1):
        for c, text in enumerate(row, start=1):
            if text:
                ws.cell(r, c, float(text.replace(",", ".")) if text.replace(",", "").isdigit()
                        else text)
    for (r, c), (rs, cs) in SPANS.items():
        if rs > 1 or cs > 1:
            ws.merge_cells(start_row=r + 1, start_column=c + 1, end_row=r + rs,
                           end_column=c + cs)
    path = tmp_path / "passport.xlsx"
    wb.save(path)
    result = interpret(extract(path))
    assert len(result.indicators) == 7
    assert len(result.finance) == 3


def test_a_table_cut_from_its_header_by_a_page_break_keeps_the_columns():
    head = grid_table([["№", "Наименование показателя", "Единица измерения", "2020 год",
                        "2021 год"],
                       ["1.", "Доля занимающихся", "процент", "30", "35"]])
    rest = grid_table([["2.", "Количество секций", "единица", "-", "12"]])
    rows = [(r["indicator_raw"], r["year"], r["planned_value"])
            for r in interpret(_doc(head, rest)).indicators]
    assert rows == [("Доля занимающихся", 2020, 30.0), ("Доля занимающихся", 2021, 35.0),
                    ("Количество секций", 2021, 12.0)]


def test_funding_rows_of_a_results_table_are_not_indicators():
    t = grid_table([
        ["№", "Наименование задачи, результата, мероприятия", "Единица измерения",
         "Источник финансирования", "Значение результата, объем финансирования", ""],
        ["", "", "", "", "2020 год", "2021 год"],
        ["1.", "Задача 1. Развитие спорта", "тыс. руб.", "всего", "100,0", "120,0"],
        ["", "среди населения", "", "МБ", "100,0", "120,0"],
        ["1.1.1", "Количество мероприятий", "ед.", "", "60", "62"],
    ], {(0, 0): (2, 1), (0, 1): (2, 1), (0, 2): (2, 1), (0, 3): (2, 1), (0, 4): (1, 2)})
    rows = [(r["indicator_raw"], r["year"], r["planned_value"], r["unit"])
            for r in interpret(_doc(t)).indicators]
    assert rows == [("Количество мероприятий", 2020, 60.0, "units"),
                    ("Количество мероприятий", 2021, 62.0, "units")]


@pytest.mark.parametrize(("text", "empty"), [
    ("Показатель введен с 01.01.2018", True),
    ("показатель не используется с 2020 года", True),
    ("-", True),
    ("", True),
    ("12,5", False),
    ("Отрицательная динамика", False),
    ("не более 10 мин.", False),
])
def test_cells_without_a_target(text: str, empty: bool):
    assert is_no_value(text) is empty


@pytest.mark.parametrize(("text", "whole"), [
    ("Источ\nник\nфинан\nсиров\nания", "Источник\nфинансирования"),
    ("Количеств\nо\nспортивны\nх и", "Количество\nспортивных и"),
    ("Количеств\nо жителей", "Количество жителей"),
    ("Сведения\nо\nходе", "Сведения\nо\nходе"),  # a preposition on its own line stays
    ("проект\nа также", "проект\nа также"),  # a conjunction is never a cut-off ending
])
def test_words_cut_by_narrow_cells(text: str, whole: str):
    assert unwrap(text) == whole


def _lead(lines: list[str]) -> Lead:
    return Lead(lines, lines, {}, [], "\n".join(lines))


@pytest.mark.parametrize(("lines", "more", "dtype"), [
    (["I. ПАСПОРТ МУНИЦИПАЛЬНОЙ ПРОГРАММЫ"], [], DocType.PROJECT_PASSPORT),
    (["паспорт ведомственной целевой программы"], [], DocType.PROJECT_PASSPORT),
    (["О Т Ч Е Т", "О ХОДЕ РЕАЛИЗАЦИИ РЕГИОНАЛЬНОГО ПРОЕКТА"], [], DocType.EXECUTION_REPORT),
    (["Годовой отчет о ходе реализации"], [], DocType.EXECUTION_REPORT),
    (["Ответственные за исполнение мероприятий"], ["Сведения", "о достижении значений"],
     DocType.EXECUTION_REPORT),
    # the order's own (scanned) page first, then its appendix: the programme
    (["ПОСТАНОВЛЯЕТ:", "1. Внести изменения", "Глава района",
      "Приложение к постановлению администрации района", "ПАСПОРТ ВЦП"], [], DocType.ORDER),
    # a passport that is itself the appendix (the line at the top) stays a passport
    (["Приложение к постановлению", "ПАСПОРТ МУНИЦИПАЛЬНОЙ ПРОГРАММЫ"], [],
     DocType.PROJECT_PASSPORT),
])
def test_doc_types_from_titles(lines: list[str], more: list[str], dtype: DocType):
    assert doc_type_of(_lead(lines), more)[0] == dtype


def test_title_lines_close_letter_spacing_and_join_the_next_line():
    # a title going on in lower case is read whole first («ОТЧЕТ» / «о ходе …»)
    assert list(title_lines(["О Т Ч Е Т", "о ходе"])) == ["ОТЧЕТ о ходе", "ОТЧЕТ", "о ходе"]
    assert list(title_lines(["ОТЧЕТ", "За 2021 год"])) == ["ОТЧЕТ", "ОТЧЕТ За 2021 год",
                                                         "За 2021 год"]


def test_a_title_merged_from_the_name_over_the_years_is_no_value():
    t = grid_table([
        ["Наименование показателя", "2022", "2023", "Единица измерения"],
        ["СЦ1. Развитие человеческого капитала", "", "", "ед."],
        ["Количество школ", "10", "12", "ед."],
    ], {(1, 0): (1, 3)})
    rows = [(r["indicator_raw"], r["year"], r["planned_value"])
            for r in interpret(_doc(t)).indicators]
    assert rows == [("Количество школ", 2022, 10.0), ("Количество школ", 2023, 12.0)]


def test_a_section_title_written_in_every_cell_is_no_indicator():
    title = "СЦ1. Развитие человеческого капитала"
    t = grid_table([
        ["Наименование показателя", "2022", "2023", "Единица измерения"],
        [title, title, title, title],
        ["Количество школ", "10", "12", "ед."],
    ])
    assert [r["indicator_raw"] for r in interpret(_doc(t)).indicators] == ["Количество школ"] * 2


def test_every_header_role_of_the_vocabulary_is_a_member_of_the_enum():
    import csv
    from importlib import resources

    from pipeline.interpret.headers import HeaderRole, role_vocab

    text = resources.files("pipeline.vocab").joinpath("header_roles.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert {r["role"] for r in rows} <= {m.value for m in HeaderRole}
    assert all(r["note"].strip() for r in rows)  # each form says what it is for
    assert len(role_vocab()) == len(rows)


@pytest.mark.parametrize(("name", "unit", "want"), [
    ("Количество новых мест в общеобразовательных организациях", "Место", "units"),
    ("Место региона в рейтинге (не ниже)", "Место", "rank"),
    ("Время ожидания", "час", "other"),
    ("Обеспеченность жильем", "кв. м", "other"),
])
def test_units_of_a_stated_unit_cell(name: str, unit: str, want: str):
    t = grid_table([["Наименование показателя", "Единица измерения", "План", "Факт"],
                    [name, unit, "5", "6"]])
    assert [r["unit"] for r in interpret(_doc(t)).indicators] == [want]


def test_a_year_with_a_need_but_no_approved_figure_is_not_unparsed():
    t = grid_table([
        ["Показатели цели", "2020 год", "", "2021 год", ""],
        ["", "в соответствии с потребностью", "в соответствии с утвержденным финансированием",
         "в соответствии с потребностью", "в соответствии с утвержденным финансированием"],
        ["Доля населения (%)", "20", "-", "22", "21"],
    ], {(0, 0): (2, 1), (0, 1): (1, 2), (0, 3): (1, 2)})
    rows = {r["year"]: r for r in interpret(_doc(t)).indicators}
    assert (rows[2020]["planned_value"], rows[2020]["flags"]) == (None, [])
    assert rows[2020]["planned_text"] == "потребность: 20; утверждено: -"
    assert rows[2021]["planned_value"] == 21.0


def test_quarters_and_the_previous_years_actual():
    t = grid_table([
        ["№ п/п", "Наименование показателя", "Еденица измерения (по ОКЕИ)",
         "Фактическое значение за предыдущий год", "Значения по кварталам", "", "",
         "Плановое значение на конец года", "Процент достижения"],
        ["", "", "", "", "I", "II", "IV", "", ""],
        ["1", "Количество организаций культуры", "Единица", "5", "5", "9", "23", "23", "100%"],
    ], {(0, 0): (2, 1), (0, 1): (2, 1), (0, 2): (2, 1), (0, 3): (2, 1), (0, 4): (1, 3),
        (0, 7): (2, 1), (0, 8): (2, 1)})
    doc = Document("x.pdf", Format.PDF, (Paragraph("Отчет о ходе реализации за 2019 год",
                                                   "paragraph 1"), t))
    [row] = interpret(doc).indicators
    assert (row["year"], row["base_value"], row["planned_value"], row["actual_value"],
            row["unit"], row["completion_pct"]) == (2019, 5.0, 23.0, 23.0, "units", 100.0)


def test_a_name_line_printed_between_a_table_and_its_continuation_ends_that_name():
    head = grid_table([["№", "Наименование показателя", "Единица измерения", "2020 год",
                        "2021 год"],
                       ["1.", "Доля спортсменов в общем количестве", "процент", "20", "25"]])
    rest = grid_table([["2.", "Количество секций", "единица", "10", "12"]])
    doc = Document("x.pdf", Format.PDF, (head, Paragraph("лиц, занимающихся спортом", "p 1", 2),
                                         rest))
    names = list(dict.fromkeys(r["indicator_raw"] for r in interpret(doc).indicators))
    assert names == ["Доля спортсменов в общем количестве лиц, занимающихся спортом",
                     "Количество секций"]
    # a sentence between two tables is not a tail
    doc = Document("x.pdf", Format.PDF, (head, Paragraph("Задачи программы", "p 1", 2), rest))
    assert "Доля спортсменов в общем количестве" in {
        r["indicator_raw"] for r in interpret(doc).indicators}
