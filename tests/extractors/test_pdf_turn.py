"""Tables printed turned a quarter (a landscape table on a portrait page, or a page turned by
``/Rotate``) come out upright: rows as rows, cell text in reading order. PDFs drawn with
reportlab inside the test."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from extractors import pdf

HEADER = ["No", "Indicator", "Plan", "Fact"]
ROWS = [HEADER] + [[f"{i}.", f"Indicator number {i}", f"{i * 10}", f"{i * 9}"]
                   for i in range(1, 6)]
COLS = [0.0, 50.0, 250.0, 330.0, 410.0]
ROW_H = 20.0


def _draw_table(c: canvas.Canvas, ruled: bool) -> None:
    """The table in the canvas's current coordinates, its top left corner at (0, 0)."""
    c.setFont("Helvetica", 10)
    for r, row in enumerate(ROWS):
        for x, text in zip(COLS, row, strict=False):
            c.drawString(x + 4, -(r + 1) * ROW_H + 6, text)
    if ruled:
        bottom = -len(ROWS) * ROW_H
        for r in range(len(ROWS) + 1):
            c.line(COLS[0], -r * ROW_H, COLS[-1], -r * ROW_H)
        for x in COLS:
            c.line(x, 0, x, bottom)


def _turned_pdf(path: Path, turn: int, page_rotation: int, ruled: bool) -> Path:
    """A portrait page with the table drawn turned by ``turn`` degrees (anticlockwise), the
    page shown turned by ``page_rotation`` (``/Rotate``, clockwise)."""
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setPageRotation(page_rotation)
    c.drawString(280, 30, "7")  # a page number printed upright in the margin
    origin = {0: (60, 780), 90: (500, 100), -90: (100, 742)}[turn]
    c.translate(*origin)
    c.rotate(turn)
    _draw_table(c, ruled)
    c.showPage()
    c.save()
    return path


@pytest.mark.parametrize(("turn", "page_rotation", "ruled"), [
    (90, 0, True),    # text runs up the page: ruled grid
    (-90, 0, True),   # text runs down the page
    (90, 0, False),   # the same tables without rules
    (-90, 0, False),
    (0, 90, True),    # upright content on a page shown turned by /Rotate
    (0, 270, False),
    (90, 90, True),   # a landscape page as Word writes it: turned twice, reads upright
])
def test_turned_table_comes_out_upright(tmp_path: Path, turn: int, page_rotation: int,
                                        ruled: bool):
    doc = pdf.extract(_turned_pdf(tmp_path / "turned.pdf", turn, page_rotation, ruled))
    assert len(doc.tables) == 1
    assert doc.tables[0].grid() == ROWS


def test_upright_page_is_left_as_it_is(tmp_path: Path):
    doc = pdf.extract(_turned_pdf(tmp_path / "upright.pdf", 0, 0, True))
    assert doc.tables[0].grid() == ROWS
    assert [p.text for p in doc.paragraphs] == ["7"]
