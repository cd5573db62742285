"""The PDFium page reader gives the characters and ruling edges pdfplumber gives."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import SimpleDocTemplate, TableStyle
from reportlab.platypus import Table as RLTable

from extractors import pdf, pdf_content, pdf_stream, pdfium_page

CYRILLIC_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _table_pdf(path: Path, font: str) -> Path:
    rows = [["№", "Показатель", "План", "Факт"]]
    rows += [[f"{i}.", f"Доля учителей номер {i}", f"{i * 10},5", f"{i * 9}"] for i in range(1, 30)]
    if font == "Helvetica":
        rows = [[cell.replace("Доля учителей номер", "Share").replace("№", "No") for cell in row]
                for row in rows]
        rows[0] = ["No", "Indicator", "Plan", "Fact"]
    style = [("GRID", (0, 0), (-1, -1), 0.5, "black"), ("FONT", (0, 0), (-1, -1), font, 9),
             ("BOX", (0, 0), (-1, -1), 1.5, "black")]
    SimpleDocTemplate(str(path), pagesize=A4).build([RLTable(rows, style=TableStyle(style))])
    return path


@pytest.fixture(scope="module")
def cyrillic() -> str:
    if not CYRILLIC_FONT.exists():
        pytest.skip("DejaVuSans.ttf not installed")
    pdfmetrics.registerFont(TTFont("DejaVu", str(CYRILLIC_FONT)))
    return "DejaVu"


def _pages(path: Path) -> tuple[pdfplumber.page.Page, pdfium_page.PageContent]:
    plumber = pdfplumber.open(path).pages[0]
    page = pdfium.PdfDocument(path)[0]
    return plumber, pdfium_page.read(page, pdfium_page.font_metrics(plumber.page_obj.resources))


def _same_chars(ours: list[dict], theirs: list[dict]) -> None:
    """Each char of ours is one of theirs, up to PDFium's single-precision floats (its
    advances add up to a tenth of a point along a long line)."""
    assert len(ours) == len(theirs)
    left = list(theirs)
    for c in ours:
        fields = ("x0", "x1", "top", "bottom", "size")
        match = next(o for o in left if o["text"] == c["text"] and o["fontname"] == c["fontname"]
                     and all(abs(o[f] - c[f]) < 0.15 for f in fields))
        left.remove(match)


@pytest.mark.parametrize("font", ["Helvetica", "DejaVu"])
def test_chars_and_words_as_pdfplumber(tmp_path, cyrillic, font):
    plumber, content = _pages(_table_pdf(tmp_path / "t.pdf", font))
    # spaces are PDFium's own where it replaced the document's: only their places differ
    _same_chars([c for c in content.chars if c["text"] != " "],
                [c for c in plumber.chars if c["text"] != " "])
    words = [[w["text"] for w in line] for line in pdf_stream.word_lines(plumber.chars)]
    assert [[w["text"] for w in line] for line in pdf_stream.word_lines(content.chars)] == words


def test_ruled_table_cells_as_pdfplumber(tmp_path, cyrillic):
    plumber, content = _pages(_table_pdf(tmp_path / "t.pdf", "DejaVu"))
    assert content.ruled
    assert content.has_paths
    assert not content.has_images
    found = pdf_content.table_cells(content, pdf.TABLE_SETTINGS)
    expected = [(t.cells, t.bbox) for t in plumber.find_tables(pdf.TABLE_SETTINGS)]
    rounded = [([tuple(round(v, 1) for v in c) for c in cells], tuple(round(v, 1) for v in bbox))
               for cells, bbox in found]
    assert rounded == [([tuple(round(v, 1) for v in c) for c in cells],
                        tuple(round(v, 1) for v in bbox)) for cells, bbox in expected]


def test_turned_text_is_left_to_pdfplumber(tmp_path):
    path = tmp_path / "turned.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawString(72, 750, "Upright line")
    c.saveState()
    c.translate(100, 400)
    c.rotate(90)
    c.drawString(0, 0, "Turned header")
    c.restoreState()
    c.save()
    with pytest.raises(pdfium_page.Unsupported):
        pdfium_page.read(pdfium.PdfDocument(path)[0], {})
    plumber = pdfplumber.open(path).pages[0]
    content = pdf_content.read(plumber, pdfium.PdfDocument(path), 0)
    assert content.chars is plumber.chars
