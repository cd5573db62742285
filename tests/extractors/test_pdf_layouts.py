"""Page layouts around tables: two unruled tables parted by notes, an unruled table inside
boxes drawn around its column groups, a ruled table nested in a cell of another. PDFs drawn
with reportlab inside the test."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from extractors import pdf

NOTE = ("Note. The figures are preliminary and are revised when the annual report is "
        "published; a dash stands for zero and (X) for not applicable.")


def _rows(n: int, cols: int) -> list[list[str]]:
    return [[f"Item number {i}", *(f"{i * 10 + k},{k}" for k in range(1, cols))]
            for i in range(1, n + 1)]


def _table(c: canvas.Canvas, rows: Sequence[Sequence[str]], xs: Sequence[float], top: float,
           pitch: float = 12) -> float:
    """Rows of cells, the first column flush left at ``xs[0]``, the others flush right at
    ``xs[k]``; returns the y under the table."""
    y = top
    for row in rows:
        c.drawString(xs[0], y, row[0])
        for x, text in zip(xs[1:], row[1:], strict=True):
            c.drawRightString(x, y, text)
        y -= pitch
    return y


def _stacked(path: Path) -> Path:
    """Two unruled tables, the second under the notes of the first and a title, all at the
    tables' line pitch."""
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica", 9)
    y = _table(c, [["Item", "Total", "Male", "Female", "Other"], *_rows(8, 5)],
               [60, 260, 340, 420, 500], 780)
    for line in (NOTE[:95], NOTE[95:] + " Source: the statistics office, annual survey."):
        c.drawString(60, y, line)
        y -= 12
    c.drawString(60, y, "Table 2. Items by region")
    _table(c, [["Item", "North", "South"], *_rows(8, 3)], [60, 300, 420], y - 12)
    c.save()
    return path


def test_two_unruled_tables_parted_by_notes_stay_two(tmp_path: Path):
    doc = pdf.extract(_stacked(tmp_path / "stacked.pdf"))
    grids = [t.grid() for t in doc.tables]
    assert [len(g[0]) for g in grids] == [5, 3]
    assert grids[0][-1] == _rows(8, 5)[-1]
    assert grids[1][0] == ["Item", "North", "South"]
    assert any(p.text.startswith("Note.") for p in doc.paragraphs)


def _boxed_groups(path: Path) -> Path:
    """An unruled table with a box drawn around each group of two value columns, a rule
    under its header row."""
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica", 9)
    rows = [["Region", "2022", "2023", "2022", "2023"], *_rows(10, 5)]
    bottom = _table(c, rows, [60, 260, 330, 430, 500], 780)
    for x in (215, 385):  # a box and a rule under the header row
        c.rect(x, bottom + 6, 125, 780 + 12 - bottom - 6)
        c.line(x, 780 - 3, x + 125, 780 - 3)
    c.save()
    return path


def test_boxes_around_column_groups_frame_one_unruled_table(tmp_path: Path):
    doc = pdf.extract(_boxed_groups(tmp_path / "boxed.pdf"))
    assert [t.grid() for t in doc.tables] == [
        [["Region", "2022", "2023", "2022", "2023"], *_rows(10, 5)]]


def _grid(c: canvas.Canvas, rows: Sequence[Sequence[str]], xs: Sequence[float], top: float,
          pitch: float) -> None:
    for r, row in enumerate(rows):
        for x, text in zip(xs, row, strict=False):
            c.drawString(x + 3, top - (r + 1) * pitch + 4, text)
    for r in range(len(rows) + 1):
        c.line(xs[0], top - r * pitch, xs[-1], top - r * pitch)
    for x in xs:
        c.line(x, top, x, top - len(rows) * pitch)


INNER = [["Age", "Rate"], ["18-75", "1,00%"], ["76-80", "0,50%"], ["81 and over", "0,10%"]]


def _nested(path: Path) -> Path:
    """A two-column ruled table whose second cell holds text and a ruled table of its own."""
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica", 9)
    _grid(c, [["Purpose", ""], ["Death cover", ""], ["Other", "None."]], [50, 150, 550], 780,
          110)
    c.drawString(155, 660, "The benefit is raised by a share that depends on the age:")
    _grid(c, INNER, [200, 300, 400], 650, 14)
    c.drawString(155, 760, "An insurance contract of the unit-linked type.")
    c.save()
    return path


def test_a_table_nested_in_a_cell_is_read_as_a_table(tmp_path: Path):
    doc = pdf.extract(_nested(tmp_path / "nested.pdf"))
    grids = [t.grid() for t in doc.tables]
    assert INNER in grids
    outer = next(g for g in grids if g != INNER)
    assert outer[1][1] == "The benefit is raised by a share that depends on the age:"


def _rules_between_rows(path: Path) -> Path:
    """An unruled table in a box, a rule between each two rows and none between columns."""
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica", 9)
    rows = [["Region", "Plan", "Fact", "Share"], *_rows(6, 4)]
    bottom = _table(c, rows, [60, 300, 400, 500], 780, pitch=16)
    c.rect(55, bottom + 12, 455, 780 + 12 - bottom - 12)
    for k in range(1, len(rows)):
        c.line(55, 780 + 12 - 16 * k, 510, 780 + 12 - 16 * k)
    c.save()
    return path


def test_rules_between_rows_only_frame_an_unruled_table(tmp_path: Path):
    doc = pdf.extract(_rules_between_rows(tmp_path / "rows.pdf"))
    assert [t.grid() for t in doc.tables] == [[["Region", "Plan", "Fact", "Share"],
                                               *_rows(6, 4)]]


def _boxed_column(path: Path) -> Path:
    """An unruled table with a box around its total column, a rule under the header."""
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica", 9)
    rows = [["Offense", "Total", "White", "Black"], *_rows(8, 4)]
    bottom = _table(c, rows, [60, 300, 400, 500], 780)
    c.rect(255, bottom + 6, 55, 780 + 12 - bottom - 6)
    c.line(255, 780 - 3, 310, 780 - 3)
    c.save()
    return path


def test_a_box_around_one_column_marks_an_unruled_table(tmp_path: Path):
    doc = pdf.extract(_boxed_column(tmp_path / "column.pdf"))
    assert [t.grid() for t in doc.tables] == [[["Offense", "Total", "White", "Black"],
                                               *_rows(8, 4)]]


def _open_left(path: Path) -> Path:
    """A ruled table whose rules start right of its label column (no outer border)."""
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica", 9)
    rows = [["", "Plan", "Fact", "Share"], *_rows(6, 4)]
    xs, top, pitch = [150.0, 250.0, 350.0, 450.0], 780.0, 16.0
    for r, row in enumerate(rows):
        c.drawString(60, top - (r + 1) * pitch + 5, row[0])
        for x, text in zip(xs, row[1:], strict=False):
            c.drawString(x + 4, top - (r + 1) * pitch + 5, text)
    for r in range(len(rows) + 1):
        c.line(xs[0], top - r * pitch, xs[-1], top - r * pitch)
    for x in xs:
        c.line(x, top, x, top - len(rows) * pitch)
    c.save()
    return path


def test_labels_left_of_a_ruled_grid_are_its_first_column(tmp_path: Path):
    doc = pdf.extract(_open_left(tmp_path / "open.pdf"))
    assert [t.grid() for t in doc.tables] == [[["", "Plan", "Fact", "Share"], *_rows(6, 4)]]
    assert not doc.paragraphs
