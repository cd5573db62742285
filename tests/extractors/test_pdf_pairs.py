"""Two-column unruled tables (labels left, values right) found, and prose beside or around
them left as paragraphs; PDFs drawn with reportlab inside the test."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from extractors import pdf

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
pytestmark = pytest.mark.skipif(not FONT.exists(), reason="DejaVuSans is not installed")

FIGURES = [
    ["Объем финансирования, всего", "12 345,6"],
    ["в том числе:", ""],
    ["федеральный бюджет", "10 000,0"],
    ["областной бюджет", "2 000,0"],
    ["местный бюджет", "345,6"],
    ["внебюджетные источники", "–"],
]
PROSE = ("Администрация района в отчетном году продолжила работу по реализации мероприятий "
         "муниципальной программы развития образования, проведены конкурсы и семинары для "
         "педагогов, обновлены учебные кабинеты в двенадцати школах района.")


def _canvas(path: Path) -> canvas.Canvas:
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT)))
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("DejaVuSans", 10)
    return c


def _pairs(c: canvas.Canvas, rows: Sequence[Sequence[str | None]], top: float, left: float = 60,
           right: float = 530, pitch: float = 15) -> float:
    """Labels at ``left``, values flush right at ``right``, a line each; returns the next y."""
    y = top
    for label, value in rows:
        if label:
            c.drawString(left, y, label)
        if value:
            c.drawRightString(right, y, value)
        y -= pitch
    return y


def _prose(c: canvas.Canvas, text: str, top: float, left: float = 60, width: int = 95) -> float:
    words, line, y = text.split(), "", top
    for w in words:
        if len(line) + len(w) + 1 > width:
            c.drawString(left, y, line)
            line, y = w, y - 13
        else:
            line = f"{line} {w}".strip()
    c.drawString(left, y, line)
    return y - 20


def _figures_between_prose(path: Path) -> Path:
    c = _canvas(path)
    y = _prose(c, PROSE, 780)
    y = _pairs(c, FIGURES, y)
    _prose(c, PROSE, y - 10)
    c.save()
    return path


def _figures_in_two_sections(path: Path) -> Path:
    """Sections apart by a blank of four lines, a heading over each, the values aligned."""
    c = _canvas(path)
    y = _pairs(c, [["Раздел 1. Образование", ""], *FIGURES[:5]], 780)
    _pairs(c, [["Раздел 2. Культура", ""], *FIGURES[2:]], y - 50)
    c.save()
    return path


def _prose_in_two_columns(path: Path) -> Path:
    """A two-column page layout: running text in both columns, numbers inside it."""
    c = _canvas(path)
    text = PROSE + " В 2023 году охват составил 95,4 процента, в 2022 году 93,1 процента."
    for left in (60, 320):
        _prose(c, text * 3, 780, left=left, width=40)
    c.save()
    return path


def _figures_beside_prose(path: Path) -> Path:
    """A figures list in the right half of the page, its lines between those of the running
    text in the left half."""
    c = _canvas(path)
    _prose(c, PROSE * 2, 780, width=40)
    _pairs(c, [[r[0][:14], r[1]] for r in FIGURES], 773.5, left=330, pitch=13)
    c.save()
    return path


@pytest.mark.parametrize(("build", "expected"), [
    (_figures_between_prose, [FIGURES]),
    (_figures_in_two_sections, [[["Раздел 1. Образование", ""], *FIGURES[:5],
                                 ["Раздел 2. Культура", ""], *FIGURES[2:]]]),
    (_prose_in_two_columns, []),
    (_figures_beside_prose, []),  # interleaved with running text: not taken for a table
])
def test_two_column_tables(tmp_path: Path, build, expected):
    doc = pdf.extract(build(tmp_path / "doc.pdf"))
    assert [t.grid() for t in doc.tables] == expected


def test_prose_around_a_figures_list_stays_paragraphs(tmp_path: Path):
    doc = pdf.extract(_figures_between_prose(tmp_path / "doc.pdf"))
    texts = [p.text for p in doc.paragraphs]
    assert texts == [PROSE, PROSE]
