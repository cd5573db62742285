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


@pytest.mark.parametrize("turn", [90, -90])
def test_vertical_header_text_reads_in_word_order(tmp_path: Path, turn: int):
    """A ruled table whose header cells hold text turned a quarter (up or down the page)."""
    path = tmp_path / "vertical.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica", 9)
    xs, top, head, pitch = [60.0, 160.0, 220.0, 280.0], 780.0, 120.0, 16.0
    headers = ["Number of registered voters", "Poll book totals", "Votes cast in person"]
    for x, text in zip(xs, headers, strict=False):
        c.saveState()
        if turn == 90:
            c.translate(x + 30, top - head + 6)
        else:
            c.translate(x + 24, top - 6)
        c.rotate(turn)
        c.drawString(0, 0, text)
        c.restoreState()
    body = [["963", "439", "55"], ["923", "393", "40"], ["1026", "349", "30"]]
    for r, row in enumerate(body):
        for x, text in zip(xs, row, strict=False):
            c.drawString(x + 4, top - head - (r + 1) * pitch + 5, text)
    bottom = top - head - len(body) * pitch
    for y in (top, top - head, *(top - head - (r + 1) * pitch for r in range(len(body)))):
        c.line(xs[0], y, xs[-1], y)
    for x in xs:
        c.line(x, top, x, bottom)
    c.drawString(60, 200, "Turnout by precinct, upright text under the table.")
    c.save()
    doc = pdf.extract(path)
    assert doc.tables[0].grid() == [headers, *body]
