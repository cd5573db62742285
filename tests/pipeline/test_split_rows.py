"""Indicator names broken over two rows: by a page break in a PDF, or typed over two rows."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from docx import Document as DocxDocument
from docx.shared import Cm

from extractors import extract
from extractors.model import Cell, Document, Paragraph, Table
from pipeline.interpret import interpret
from pipeline.interpret.cells import clean_name, join_wrapped
from pipeline.interpret.headers import role_of
from pipeline.interpret.unwrap import unwrap
from schemas.enums import Format
from tests.soffice import soffice_convert

HEADER = ["№ п/п", "Наименование показателя", "Единица измерения", "План", "Факт"]
TITLE = "Отчет о достижении показателей муниципального проекта «Современная школа» за 2022 год"


def _doc(rows: list[list[str]], merged_rows: tuple[int, ...] = ()) -> Document:
    cells = []
    for r, row in enumerate(rows):
        if r in merged_rows:
            cells.append(Cell(r, 0, row[0], 1, len(HEADER)))
            continue
        cells += [Cell(r, c, text) for c, text in enumerate(row)]
    table = Table(len(rows), len(HEADER), tuple(cells), "table 1", tuple([1] * len(rows)))
    return Document("x.pdf", Format.PDF, (Paragraph(TITLE, "paragraph 1", 1), table), pages=1)


@pytest.mark.parametrize(("first", "rest", "joined"), [
    ("естественно-", "научной", "естественно-научной"),
    ("центры образования", "естественно-научной", "центры образования\nестественно-научной"),
    ("по программам –", "дополнительным", "по программам –\nдополнительным"),
    ("Доля детей-", "Инвалидов", "Доля детей-\nИнвалидов"),  # a capital starts something new
])
def test_join_wrapped(first: str, rest: str, joined: str):
    assert join_wrapped(first, rest) == joined


@pytest.mark.parametrize(("text", "expected"), [
    ("Управление администра\nции округа", "Управление администрации округа"),
    ("исполн\nено", "исполнено"),
    ("Срок\nокончан\nия", "Срок\nокончания"),
    ("Ответственн\nый\nисполнител\nь", "Ответственный\nисполнитель"),
    ("01.02.20\n22", "01.02.2022"),
    ("31.12.\n2022", "31.12.2022"),
    ("при\nнято", "принято"),  # "нято" is no word
    ("при\nэтом", "при\nэтом"),  # two words
    ("не\nисполнено", "не\nисполнено"),
    ("исполнено\nв срок", "исполнено\nв срок"),
    ("Доля\nдетей", "Доля\nдетей"),
    ("01.02.2022 –\n31.12.2022", "01.02.2022 –\n31.12.2022"),
    ("1.2.\n3", "1.2.\n3"),  # an item number, not a date
    ("администра\nЦии", "администра\nЦии"),  # a capital starts something new
    ("Единица\nизмерен\nия", "Единица\nизмерения"),  # "ия" is no word, whatever pymorphy says
    ("Наименован\nие", "Наименование"),
    ("программам\nи с учетом", "программам\nи с учетом"),  # "и" is a word
    ("финан\nсиров\nания программы", "финансирования программы"),  # cut twice
    ("мест в общео\nбразо\nвател\nьных организациях",
     "мест в общеобразовательных организациях"),  # cut three times
    ("общео\nбразо\nвател", "общео\nбразо\nвател"),  # never a whole word
    ("", ""),
])
def test_unwrap(text: str, expected: str):
    assert unwrap(text) == expected


@pytest.mark.parametrize(("text", "role"), [
    ("Срок начала", "start"), ("Плановый срок начала", "start"), ("Дата начала", "start"),
    ("Срок окончания", "end"), ("Срок завершения", "end"), ("Окончание", "end"),
    ("Плановый срок окончания реализации", "end"), ("Срок реализации", "period"),
    ("Срок исполнения", "period"), ("Плановое значение", "planned"),
])
def test_start_and_end_columns(text: str, role: str):
    assert role_of(text) == role


def test_clean_name_unwraps_a_hyphenated_compound():
    assert clean_name("Число центров естественно-\nнаучной направленности") == (
        "Число центров естественно-научной направленности")


def test_continuations_join_the_name_above_and_sections_stay_sections():
    rows = [HEADER,
            ["1", "Доля обучающихся, охваченных обновленными", "процент", "45", "47"],
            ["", "программами (с учетом требований стандарта)", "", "", ""],  # page break
            ["", "Федеральный проект «Успех каждого ребенка»", "", "", ""],  # a section
            ["2", "Число центров естественно-", "единица", "3", "3"],
            ["", "научной направленности", "", "", ""],
            ["", "(включая филиалы)", "", "", ""]]
    got = [(r["indicator_raw"], r["planned_value"], r["actual_value"])
           for r in interpret(_doc(rows)).indicators]
    assert got == [
        ("Доля обучающихся, охваченных обновленными программами (с учетом требований "
         "стандарта)", 45.0, 47.0),
        ("Число центров естественно-научной направленности (включая филиалы)", 3.0, 3.0)]


def test_a_lower_case_row_without_a_number_column_still_continues():
    header = HEADER[1:]
    rows = [header,
            ["Доля педагогов, прошедших повышение", "процент", "30", "31"],
            ["квалификации", "", "", ""],
            ["Раздел 2. Инфраструктура", "", "", ""]]
    cells = tuple(Cell(r, c, t) for r, row in enumerate(rows) for c, t in enumerate(row))
    table = Table(len(rows), len(header), cells, "table 1", (1, 1, 2, 2))
    doc = Document("x.pdf", Format.PDF, (Paragraph(TITLE, "paragraph 1", 1), table), pages=2)
    got = [r["indicator_raw"] for r in interpret(doc).indicators]
    assert got == ["Доля педагогов, прошедших повышение квалификации"]


def _save_docx(path: Path, title: str, rows: list[list[str]], widths_cm: list[float]) -> Path:
    d = DocxDocument()
    d.add_paragraph(title)
    table = d.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    widths = [Cm(w) for w in widths_cm]
    for c, w in enumerate(widths):
        table.columns[c].width = w
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
            table.cell(r, c).width = widths[c]
    d.save(str(path))
    return path


def _report_docx(path: Path) -> Path:
    """Long indicator names in a narrow table, so that rows break across pages."""
    rows = [HEADER]
    for i in range(1, 13):
        name = (f"Число общеобразовательных организаций (направление {i}), в которых созданы "
                "центры образования естественно-научной направленности " +
                "с учетом требований федерального государственного стандарта " * (3 + i % 3))
        rows.append([str(i), name.strip(), "единица", str(10 + i), str(11 + i)])
    return _save_docx(path, TITLE, rows, [1.2, 9.5, 2.4, 1.8, 1.8])


def _road_map_docx(path: Path) -> Path:
    """A road map whose date, responsible and status columns are too narrow for their words."""
    rows = [["№ п/п", "Наименование мероприятия", "Срок начала", "Срок окончания",
             "Ответственный исполнитель", "Статус"]]
    for i in range(1, 13):
        name = (f"Организация и проведение мероприятия {i} по развитию дополнительного "
                "образования детей " + "в общеобразовательных организациях городского округа "
                "с привлечением социальных партнеров " * (2 + i % 3))
        rows.append([f"{i}.", name.strip(), "01.02.2022", "31.12.2022",
                     "Управление образования администрации городского округа",
                     "исполнено" if i % 2 else "в работе"])
    return _save_docx(path, "План мероприятий («дорожная карта») по реализации муниципального "
                      "проекта «Успех каждого ребенка» на 2022 год", rows,
                      [1.0, 7.5, 2.2, 2.2, 3.0, 2.0])


def _broken_pdf(src: Path) -> Document:
    """The PDF LibreOffice makes of ``src``, checked to have table rows broken by pages."""
    pdf = extract(soffice_convert(src, "pdf", src.parent))
    table = pdf.tables[0]
    grid = table.grid()
    broken = [r for r in range(1, table.n_rows) if not grid[r][0]]
    assert broken, "no row crossed a page: the fixture does not test what it should"
    assert all(table.row_page(r) != table.row_page(r - 1) for r in broken)
    return pdf


def _rows(doc: Document, table: str, fields: tuple[str, ...]) -> list[tuple[object, ...]]:
    """The given fields of the rows ``interpret`` reads into ``table`` (an attribute name)."""
    return [tuple(r[f] for f in fields) for r in getattr(interpret(doc), table)]


@pytest.mark.soffice
@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_pdf_rows_broken_by_page_breaks_read_like_the_docx(tmp_path: Path):
    src = _report_docx(tmp_path / "report.docx")
    pdf = _broken_pdf(src)
    fields = ("indicator_raw", "planned_value", "actual_value")
    from_docx = _rows(extract(src), "indicators", fields)
    assert len(from_docx) == 12
    assert _rows(pdf, "indicators", fields) == from_docx


@pytest.mark.soffice
@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_pdf_road_map_with_broken_rows_and_words_reads_like_the_docx(tmp_path: Path):
    src = _road_map_docx(tmp_path / "road_map.docx")
    pdf = _broken_pdf(src)
    assert any("\n" in c.text and c.text.replace("\n", "") == "31.12.2022"
               for c in pdf.tables[0].cells), "no date was cut in two: the fixture is too wide"
    fields = ("number", "name", "start_date", "end_date", "responsible", "status")
    from_docx = _rows(extract(src), "activities", fields)
    assert len(from_docx) == 12
    assert {r[2:4] for r in from_docx} == {(dt.date(2022, 2, 1), dt.date(2022, 12, 31))}
    assert _rows(pdf, "activities", fields) == from_docx
