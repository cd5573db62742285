from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pdfplumber
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from extractors import ocr
from extractors.errors import NoTextLayer

needs_ocr = pytest.mark.skipif(
    shutil.which("tesseract") is None or shutil.which("pdftoppm") is None,
    reason="tesseract or pdftoppm is not installed",
)
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
ROWS = [("Показатель", "План", "Факт"), ("Раздел 1",),
        ("Доля детей", "1250", "1375"), ("Охват", "98,5", "99,1"), ("Число школ", "372", "371")]
NUMBERS = {"1250", "1375", "98,5", "99,1", "372", "371"}


def _font() -> str:
    if DEJAVU.is_file():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(DEJAVU)))
        return "DejaVuSans"
    return "Helvetica"  # Latin only: the Cyrillic labels get lost, the numbers still check


def _ruled_pdf(path: Path) -> Path:
    """A text PDF with a title and a ruled indicator table (one row merged across)."""
    c = canvas.Canvas(str(path), pagesize=A4)
    font = _font()
    c.setFont(font, 14)
    c.drawString(60, 770, "Отчет о достижении показателей за 2021 год")
    xs, top, h = [60, 280, 400, 520], 730, 30
    c.setFont(font, 12)
    c.setLineWidth(1)
    for r, row in enumerate(ROWS):
        y = top - r * h
        c.line(xs[0], y, xs[-1], y)
        for k, text in enumerate(row):
            c.drawString(xs[k] + 8, y - 20, text)
    c.line(xs[0], top - len(ROWS) * h, xs[-1], top - len(ROWS) * h)
    for k, x in enumerate(xs):
        if 0 < k < len(xs) - 1:  # inner rules skip the merged "Раздел 1" row
            c.line(x, top, x, top - h)
            c.line(x, top - 2 * h, x, top - len(ROWS) * h)
        else:
            c.line(x, top, x, top - len(ROWS) * h)
    c.drawString(60, top - len(ROWS) * h - 40, "Начальник управления образования")
    c.save()
    return path


def _image_only(src: Path, dst: Path, dpi: int = 200) -> Path:
    """Rasterise (pdfium, as pdfplumber does) and wrap the picture as a new PDF's only content."""
    png = dst.with_suffix(".png")
    with pdfplumber.open(src) as pdf:
        pdf.pages[0].to_image(resolution=dpi).original.convert("L").save(png)
    c = canvas.Canvas(str(dst), pagesize=A4)
    c.drawImage(ImageReader(str(png)), 0, 0, *A4)
    c.save()
    return dst


@pytest.fixture
def scanned_pdf(tmp_path):
    return _image_only(_ruled_pdf(tmp_path / "text.pdf"), tmp_path / "scan.pdf")


@needs_ocr
def test_ocr_reads_the_ruled_table(scanned_pdf):
    doc = ocr.ocr_pdf(scanned_pdf)
    assert doc.pages == 1
    assert doc.warnings[0].startswith("OCR used; mean confidence ")
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert (table.n_rows, table.n_cols) == (5, 3)
    assert table.locator == "table 1"
    assert set(table.row_pages) == {1}
    grid = table.grid()
    assert {grid[r][c] for r in (2, 3, 4) for c in (1, 2)} == NUMBERS
    merged = next(c for c in table.cells if c.row == 1)
    assert (merged.col, merged.col_span) == (0, 3)
    assert grid[1][1:] == [None, None]
    if DEJAVU.is_file():
        assert grid[0] == ["Показатель", "План", "Факт"]
        assert "Отчет о достижении показателей" in doc.blocks[0].text
        assert "Начальник управления" in doc.blocks[-1].text
    assert doc.blocks[0].locator == "page 1 paragraph 1"


def test_find_grids_on_a_drawn_page():
    img = np.full((800, 800), 255, np.uint8)
    img[100:130, 100:700] = 200  # a shaded row is no rule
    ys, xs = list(range(100, 431, 30)), [100, 300, 500, 700]
    for y in ys:
        img[y:y + 3, 100:703] = 0
    for i, x in enumerate(xs):
        y_from = 130 if 0 < i < 3 else 100  # row 0 is merged across (no inner rules)
        img[y_from:433, x:x + 3] = 0
    img[600:602, 100:500] = 0  # a signature line touching no rule
    grids, rules = ocr.find_grids(ocr.dark_mask(img), dpi=300)
    assert len(grids) == 1
    grid = grids[0]
    assert len(grid.ys) == len(ys)
    assert len(grid.xs) == len(xs)
    assert (0, 0, 0, 2) in grid.rects  # the merged first row
    assert (1, 1, 1, 1) in grid.rects
    assert len(grid.rects) == 1 + 3 * (len(ys) - 2)
    assert rules[601, 300]  # erased before OCR, though not part of the table
    assert not rules[115, 400]


def test_text_lines_split_a_two_line_cell():
    ink = np.zeros((70, 200), bool)
    ink[10:28, 5:190] = True  # line 1
    ink[28:33, 20:30] = True  # its descenders (thin), nearly touching line 2
    ink[36:52, 5:120] = True  # line 2
    ink[55:57, 100:125] = True  # a trailing dash joins the line above
    lines = ocr.text_lines(ink)
    assert len(lines) == 2
    assert lines[0][0] <= 10
    assert lines[0][1] >= 28
    assert lines[1][1] >= 57


@contextlib.contextmanager
def without_tesseract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A PATH with pdftoppm (when installed) but no tesseract, for the block's duration."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    if shutil.which("pdftoppm"):
        os.symlink(shutil.which("pdftoppm"), bin_dir / "pdftoppm")
    monkeypatch.setenv("PATH", str(bin_dir))
    ocr.ocr_unavailable.cache_clear()
    try:
        yield
    finally:
        ocr.ocr_unavailable.cache_clear()


def test_without_tesseract_no_text_layer(scanned_pdf, tmp_path, monkeypatch):
    with without_tesseract(tmp_path, monkeypatch), pytest.raises(NoTextLayer) as info:
        ocr.ocr_pdf(scanned_pdf)
    assert "apt-get install" in info.value.reason
    if shutil.which("pdftoppm"):
        assert "apt-get install tesseract-ocr tesseract-ocr-rus" in info.value.reason
