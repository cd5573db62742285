"""Document fields of kinds the title lines alone do not tell: a passport whose title sits
beside an approval stamp or in another sheet, its first year from a period field anywhere,
reports of a year's actual results, and the year a report is for."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document as DocxDocument
from openpyxl import Workbook

from extractors import extract
from extractors.model import Document, Paragraph
from pipeline.interpret import interpret
from schemas.enums import Format


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def _docx(path: Path, lines: list[str]) -> Path:
    doc = DocxDocument()
    for line in lines:
        doc.add_paragraph(line)
    doc.save(str(path))
    return path


def _lines(*lines: str) -> Document:
    return Document("x.docx", Format.DOCX,
                    tuple(Paragraph(t, f"paragraph {i}") for i, t in enumerate(lines, 1)))


PASSPORT_FIELDS: list[list[object]] = [
    ["", "Куратор муниципальной программы", "Заместитель Мэра города"],
    ["", "Ответственный исполнитель муниципальной программы", "Администрация города"],
    ["", "Цели и задачи муниципальной программы", "Цель: развитие городского сообщества"],
]


def test_a_passport_title_beside_an_approval_stamp_and_split_over_two_rows(tmp_path: Path):
    rows: list[list[object]] = [
        ["", "", "", "Приложение"],
        ["", "", "", "к постановлению администрации города"],
        ["", 'I. ПАСПОРТ МУНИЦИПАЛЬНОЙ ПРОГРАММЫ "РАЗВИТИЕ', "", "от 19.09.2014 N 939"],
        ["", 'ГОРОДСКОГО СООБЩЕСТВА" НА 2015 - 2025 ГОДЫ', "", ""],
        ["", "", "", ""],
        *[[*r, ""] for r in PASSPORT_FIELDS],
    ]
    meta = interpret(extract(_workbook(tmp_path / "p.xlsx", {"Лист1": rows}))).meta
    assert meta["doc_type"] == "project_passport"
    assert meta["title"] == ('I. ПАСПОРТ МУНИЦИПАЛЬНОЙ ПРОГРАММЫ "РАЗВИТИЕ ГОРОДСКОГО '
                             'СООБЩЕСТВА" НА 2015 - 2025 ГОДЫ')
    assert meta["report_year"] == 2015


def test_a_passport_year_from_its_period_field_in_a_wide_grid(tmp_path: Path):
    rows: list[list[object]] = [
        ["", "", "", "к постановлению администрации города"],
        ["", "ПАСПОРТ МУНИЦИПАЛЬНОЙ ПРОГРАММЫ", "", ""],
        ["", '"ЭФФЕКТИВНОЕ УПРАВЛЕНИЕ ФИНАНСАМИ"', "", ""],
        *[[*r, ""] for r in PASSPORT_FIELDS],
        ["", "Показатель цели, единицы измерения", "2015 год", "2016 год"],
        *[["", f"Доля расходов программы {k}, %", "89,8", "90"] for k in range(1, 9)],
        ["", "Сроки реализации программы", "2015 - 2025 годы", ""],  # far below the title
    ]
    meta = interpret(extract(_workbook(tmp_path / "p.xlsx", {"Лист1": rows}))).meta
    assert (meta["doc_type"], meta["report_year"]) == ("project_passport", 2015)


def test_a_passport_titled_in_another_sheet_takes_its_years_from_that_title(tmp_path: Path):
    sheets: dict[str, list[list[object]]] = {
        "Показатели": [["Наименование показателя", "Единица измерения", "2021", "2022", "2023"],
                       *[[f"Доля молодежи в программе {k}", "процент", "10", "12", "14"]
                         for k in range(1, 12)]],
        "Паспорт": [["ПАСПОРТ МУНИЦИПАЛЬНОЙ ПРОГРАММЫ «МОЛОДЕЖЬ ГОРОДА» НА 2021 - 2025 ГОДЫ"],
                    [""],
                    ["Ответственный исполнитель", "Комитет по молодежной политике"]],
    }
    meta = interpret(extract(_workbook(tmp_path / "p.xlsx", sheets))).meta
    assert (meta["doc_type"], meta["report_year"]) == ("project_passport", 2021)


def test_a_self_assessment_report_is_an_execution_report_of_its_year(tmp_path: Path):
    path = _docx(tmp_path / "s.docx", [
        "«Утверждаю»", "Директор школы", "Приказ № ___ от ________", "ОТЧЕТ",
        "О РЕЗУЛЬТАТАХ САМООБСЛЕДОВАНИЯ", "Муниципального бюджетного",
        "общеобразовательного учреждения «Средняя школа № 7»", "2020 год",
        "1. Аналитическая часть"])
    meta = interpret(extract(path)).meta
    assert (meta["doc_type"], meta["title"], meta["report_year"]) == (
        "execution_report", "ОТЧЕТ О РЕЗУЛЬТАТАХ САМООБСЛЕДОВАНИЯ", 2020)


@pytest.mark.parametrize(("lines", "doc_type", "year"), [
    # a report on the use of funds for a year: actual results; the year further down the lead
    (["Отчет об использовании имущества", "Региональной общественной организации",
      "«Федерация спорта области» за 2019", "год"], "execution_report", 2019),
    # the state on a date: the year it closes (1 January closes the year before)
    (["Информация", "о выполнении контрольных событий плана реализации программы",
      "по состоянию на 31.12.2020"], "execution_report", 2020),
    (["Отчет о выполнении плана реализации программы", "по состоянию на 01.01.2021"],
     "execution_report", 2020),
    (["Отчет о выполнении плана реализации программы", "по состоянию на 31.03.2022"],
     "execution_report", 2022),
    # a plan's state date is the start of what it plans, not a year reported on
    (["Расшифровка к плану финансово-хозяйственной деятельности школы",
      "по состоянию на 01.01.2017 года"], "other", None),
])
def test_the_year_a_report_is_for(lines: list[str], doc_type: str, year: int | None):
    meta = interpret(_lines(*lines)).meta
    assert (meta["doc_type"], meta["report_year"]) == (doc_type, year)


def test_a_report_year_from_another_sheets_title(tmp_path: Path):
    sheets: dict[str, list[list[object]]] = {
        "табл 10": [["Отчет о выполнении плана реализации программы"], [""],
                    ["Наименование мероприятия", "Исполнитель", "Плановая дата"],
                    ["Проведен конкурс", "Департамент", "01.06.2022"]],
        "табл 11": [["Расходы по статьям"], ["по состоянию на 31.03.2022"], [""],
                    ["Наименование статьи", "План", "Факт"], ["Прочие расходы", "10", "5"]],
    }
    meta = interpret(extract(_workbook(tmp_path / "r.xlsx", sheets))).meta
    assert (meta["doc_type"], meta["report_year"]) == ("execution_report", 2022)
