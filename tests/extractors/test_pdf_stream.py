"""Unruled PDF tables (columns found in the whitespace), on PDFs generated with reportlab and,
for a Word table without borders, with LibreOffice."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document as DocxDocument
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as RLTable

from extractors import extract, pdf
from pipeline.interpret import interpret
from tests.soffice import soffice_convert

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
pytestmark = pytest.mark.skipif(not FONT.exists(), reason="DejaVuSans is not installed")
TITLE = "Отчет о достижении показателей муниципального проекта «Современная школа» за 2022 год"
HEADER = ["№ п/п", "Наименование показателя", "Единица измерения", "План", "Факт"]


def _style() -> ParagraphStyle:
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT)))
    return getSampleStyleSheet()["Normal"].clone("ru", fontName="DejaVuSans", fontSize=10,
                                                 leading=13)


def _name(i: int) -> str:
    words = "охваченных обновленными программами с учетом требований стандарта "
    return f"Доля обучающихся (направление {i}), " + words * (1 + i % 3)


def _unruled_pdf(path: Path, n: int) -> Path:
    """An indicator table without a single rule: header cells and names wrap in their
    columns, and the rows go on over the following pages."""
    style = _style()
    rows = [[RLParagraph(t, style) for t in HEADER]]
    rows += [[str(i), RLParagraph(_name(i), style), "процент", f"{40 + i},5", f"{41 + i}"]
             for i in range(1, n + 1)]
    table = RLTable(rows, colWidths=[1.5 * cm, 8 * cm, 2.2 * cm, 2 * cm, 2 * cm], style=TableStyle(
        [("FONTNAME", (0, 0), (-1, -1), "DejaVuSans"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    prose = ("Показатели проекта приведены в таблице ниже. Значения рассчитаны по данным "
             "мониторинга, проведенного управлением образования администрации района в декабре "
             "отчетного года; все организации представили сведения в срок.")
    story = [RLParagraph(TITLE, style), Spacer(1, 0.3 * cm), RLParagraph(prose, style),
             Spacer(1, 0.5 * cm), table, Spacer(1, 0.5 * cm),
             RLParagraph("Руководитель управления образования И. И. Иванов", style)]
    SimpleDocTemplate(str(path), pagesize=A4).build(story)
    return path


def test_an_unruled_table_over_three_pages_reads_as_one_table(tmp_path: Path):
    doc = pdf.extract(_unruled_pdf(tmp_path / "report.pdf", 30))
    assert doc.pages >= 3
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert len(set(table.row_pages)) == doc.pages  # stitched over every page
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == TITLE
    assert texts[-1] == "Руководитель управления образования И. И. Иванов"
    result = interpret(doc)
    got = [(r["indicator_raw"], r["unit"], r["planned_value"], r["actual_value"])
           for r in result.indicators]
    assert got == [(_name(i).strip(), "percent", 40.5 + i, 41.0 + i) for i in range(1, 31)]


def test_prose_pages_hold_no_table(tmp_path: Path):
    style = _style()
    justified = style.clone("j", alignment=4)
    para = ("В 2022 году в рамках муниципального проекта «Современная школа» в районе созданы "
            "три центра образования естественно-научной и технологической направленностей, "
            "обновлено оборудование кабинетов, проведено обучение педагогов. ") * 4
    story = [RLParagraph(TITLE, style)]
    for _ in range(8):
        story += [RLParagraph(para, justified), Spacer(1, 0.3 * cm)]
    path = tmp_path / "note.pdf"
    SimpleDocTemplate(str(path), pagesize=A4).build(story)
    doc = pdf.extract(path)
    assert doc.tables == ()
    assert len(doc.paragraphs) >= 9


@pytest.mark.soffice
@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_word_table_without_borders_reads_like_the_docx(tmp_path: Path):
    d = DocxDocument()
    d.add_paragraph(TITLE)
    rows = [HEADER] + [[str(i), _name(i).strip(), "процент", f"{40 + i},5", f"{41 + i}"]
                       for i in range(1, 13)]
    table = d.add_table(rows=len(rows), cols=len(HEADER))  # the default style: no borders
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    d.add_paragraph("Руководитель управления образования И. И. Иванов")
    src = tmp_path / "report.docx"
    d.save(str(src))
    converted = soffice_convert(src, "pdf", tmp_path)
    fields = ("indicator_raw", "unit", "planned_value", "actual_value")
    from_docx = [tuple(r[f] for f in fields) for r in interpret(extract(src)).indicators]
    from_pdf = [tuple(r[f] for f in fields) for r in interpret(extract(converted)).indicators]
    assert len(from_docx) == 12
    assert [r[1:] for r in from_pdf] == [r[1:] for r in from_docx]
