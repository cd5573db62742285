"""PDF extractor and table stitching, on PDFs generated with reportlab inside the tests."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as RLTable

from extractors import pdf, pdf_stitch
from extractors.errors import CorruptFile, EmptyFile, EncryptedFile, NoTextLayer, ResourceLimit
from extractors.model import Cell, Document, Paragraph, Table
from schemas.enums import Format

CYRILLIC_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
HEADER = ["No", "Indicator", "Plan", "Fact"]


def _rows(n: int) -> list[list[str]]:
    return [[f"{i}.", f"Indicator number {i}", f"{i * 10}", f"{i * 9}"] for i in range(1, n + 1)]


def _page_number(c: canvas.Canvas, _doc: object) -> None:
    c.drawCentredString(A4[0] / 2, 1 * cm, f"- {c.getPageNumber()} -")


def _build(path: Path, story: list) -> Path:
    doc = SimpleDocTemplate(str(path), pagesize=A4)
    doc.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return path


def _grid_table(rows: list[list[str]], repeat: int = 0, spans: Sequence = ()) -> RLTable:
    style = [("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    style += [("SPAN", a, b) for a, b in spans]
    return RLTable(rows, repeatRows=repeat, style=TableStyle(style))


def _long_table_pdf(path: Path, repeat: int) -> Path:
    text = getSampleStyleSheet()["Normal"]
    story = [
        RLParagraph("Report on the indicators of the municipal project.", text),
        Spacer(1, 0.5 * cm),
        _grid_table([HEADER, *_rows(60)], repeat=repeat),
        Spacer(1, 0.5 * cm),
        RLParagraph("Head of the department.", text),
    ]
    return _build(path, story)


def _texts(table: Table, col: int) -> list[str | None]:
    return [row[col] for row in table.grid()]


def test_table_across_two_pages_with_repeated_header(tmp_path):
    doc = pdf.extract(_long_table_pdf(tmp_path / "repeat.pdf", repeat=1))
    assert doc.format is Format.PDF
    assert doc.pages == 2
    assert doc.warnings == ()
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert table.locator == "table 1"
    assert (table.n_rows, table.n_cols) == (61, 4)
    assert table.grid()[0] == HEADER
    assert _texts(table, 0)[1:] == [f"{i}." for i in range(1, 61)]
    assert set(table.row_pages) == {1, 2}
    assert list(table.row_pages) == sorted(table.row_pages)
    last = table.n_rows - 1
    assert table.row_page(last) == 2
    assert table.row_locator(last) == "table 1 row 61"


def test_table_across_two_pages_without_repeated_header(tmp_path):
    doc = pdf.extract(_long_table_pdf(tmp_path / "norepeat.pdf", repeat=0))
    (table,) = doc.tables
    assert (table.n_rows, table.n_cols) == (61, 4)
    assert sum(row == HEADER for row in table.grid()) == 1
    assert _texts(table, 2)[-1] == "600"


def test_blocks_interleave_in_page_order(tmp_path):
    doc = pdf.extract(_long_table_pdf(tmp_path / "order.pdf", repeat=1))
    kinds = [type(b).__name__ for b in doc.blocks]
    assert kinds == ["Paragraph", "Table", "Paragraph", "Paragraph", "Paragraph"]
    first, _, page_1_number, last, _ = doc.blocks
    assert isinstance(first, Paragraph)
    assert isinstance(last, Paragraph)
    assert first.text == "Report on the indicators of the municipal project."
    assert (first.locator, first.page) == ("page 1 paragraph 1", 1)
    assert isinstance(page_1_number, Paragraph)
    assert page_1_number.text == "- 1 -"
    assert (last.locator, last.page) == ("page 2 paragraph 1", 2)


def test_merged_cells_appear_once_with_spans(tmp_path):
    rows = [
        ["Project", "Indicators for 2021", ""],
        ["", "Plan", "Fact"],
        ["Education", "5%", "6%"],
        ["", "10", "11"],
    ]
    spans = [((0, 0), (0, 1)), ((1, 0), (2, 0)), ((0, 2), (0, 3))]  # reportlab: (col, row)
    path = _build(tmp_path / "merged.pdf", [_grid_table(rows, spans=spans)])
    (table,) = pdf.extract(path).tables
    by_pos = {(c.row, c.col): c for c in table.cells}
    assert (table.n_rows, table.n_cols) == (4, 3)
    assert (by_pos[0, 0].row_span, by_pos[0, 0].text) == (2, "Project")
    assert (by_pos[0, 1].col_span, by_pos[0, 1].text) == (2, "Indicators for 2021")
    assert (by_pos[2, 0].row_span, by_pos[2, 0].text) == (2, "Education")
    assert sum(c.text == "Education" for c in table.cells) == 1
    assert (1, 0) not in by_pos
    assert (0, 2) not in by_pos
    assert table.grid(fill=True)[3] == ["Education", "10", "11"]


def test_cell_text_keeps_line_breaks(tmp_path):
    rows = [["Name", "Result"], ["Teachers of the\ndistrict trained", "done"]]
    (table,) = pdf.extract(_build(tmp_path / "lines.pdf", [_grid_table(rows)])).tables
    assert table.grid()[1] == ["Teachers of the\ndistrict trained", "done"]


@pytest.mark.skipif(not CYRILLIC_FONT.exists(), reason="DejaVuSans is not installed")
def test_cyrillic_text_and_header_repeated_in_cyrillic(tmp_path):
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(CYRILLIC_FONT)))
    style = getSampleStyleSheet()["Normal"].clone("ru", fontName="DejaVuSans")
    header = ["№", "Наименование показателя", "План", "Факт"]
    rows = [header] + [[f"{i}.", f"Доля педагогов {i}", "5,5", "6"] for i in range(1, 55)]
    table = _grid_table(rows, repeat=1)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), "DejaVuSans")]))
    story = [RLParagraph("Показатель 1. «Доля педагогов»", style), table]
    doc = pdf.extract(_build(tmp_path / "ru.pdf", story))
    assert doc.paragraphs[0].text == "Показатель 1. «Доля педагогов»"
    (t,) = doc.tables
    assert t.grid()[0] == header
    assert t.n_rows == 55
    assert sum(row == header for row in t.grid()) == 1


def _canvas_pdf(path: Path, pages: Sequence[str], **kw) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4, pageCompression=1, **kw)
    for text in pages:
        c.setFont("Helvetica", 12)
        c.drawString(72, 750, text)
        c.showPage()
    c.save()
    return path


def _break_page_streams(path: Path, pages: Sequence[int]) -> Path:
    """Overwrite the content streams of ``pages`` (1-based) with random bytes of equal length."""
    reader = PdfReader(str(path))
    data = bytearray(path.read_bytes())
    for n in pages:
        ref = reader.pages[n - 1].raw_get("/Contents")
        start = re.search(rb"(?<!\d)%d 0 obj\b" % ref.idnum, data).end()
        begin = re.compile(rb"stream\r?\n").search(data, start).end()
        end = data.index(b"endstream", begin)
        data[begin:end] = os.urandom(end - begin - 1) + b"\n"
    path.write_bytes(bytes(data))
    return path


def test_broken_page_becomes_a_warning(tmp_path):
    path = _canvas_pdf(tmp_path / "broken.pdf", ["First page text", "Second", "Third page text"])
    doc = pdf.extract(_break_page_streams(path, [2]))
    assert doc.pages == 3
    assert len(doc.warnings) == 1
    assert doc.warnings[0].startswith("page 2 could not be read: ")
    assert [(p.text, p.page) for p in doc.paragraphs] == [
        ("First page text", 1),
        ("Third page text", 3),
    ]


def test_all_pages_broken_is_corrupt(tmp_path):
    path = _canvas_pdf(tmp_path / "allbroken.pdf", ["One", "Two"])
    with pytest.raises(CorruptFile, match="none of its 2 page"):
        pdf.extract(_break_page_streams(path, [1, 2]))


def test_encrypted_pdf(tmp_path):
    path = _canvas_pdf(tmp_path / "secret.pdf", ["Secret"], encrypt="user-password")
    with pytest.raises(EncryptedFile) as err:
        pdf.extract(path)
    assert str(err.value) == (
        "the PDF is password-protected; cannot be opened without the password"
    )
    assert err.value.path == str(path)


def test_empty_and_garbage_files(tmp_path):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(EmptyFile):
        pdf.extract(empty)
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"%PDF-1.4\n" + os.urandom(2000))
    with pytest.raises(CorruptFile, match="broken PDF"):
        pdf.extract(garbage)


def test_page_and_time_budgets(tmp_path):
    path = _canvas_pdf(tmp_path / "three.pdf", ["a", "b", "c"])
    with pytest.raises(ResourceLimit, match="3 pages, more than the limit of 2"):
        pdf.extract(path, max_pages=2)
    with pytest.raises(ResourceLimit, match="budget"):
        pdf.extract(path, time_budget_s=-1)
    assert pdf.MAX_PAGES == 2000


def _scan_pdf(path: Path, pages: Sequence[str | None]) -> Path:
    """Build a PDF whose pages hold either a line of text or (``None``) only an image."""
    from PIL import Image

    image = path.with_suffix(".png")
    Image.new("RGB", (60, 80), "gray").save(image)
    c = canvas.Canvas(str(path), pagesize=A4)
    for text in pages:
        if text is None:
            c.drawImage(str(image), 72, 500, width=300, height=300)
        else:
            c.drawString(72, 750, text)
        c.showPage()
    c.save()
    return path


def test_scanned_pdf_is_handed_to_ocr(tmp_path, monkeypatch):
    pytest.importorskip("PIL")
    from extractors import ocr as ocr_module

    path = _scan_pdf(tmp_path / "scan.pdf", [None, None])
    ocr = Document(str(path), Format.PDF, (Paragraph("ocr text", "page 1 paragraph 1", 1),))
    seen: list[Path] = []
    monkeypatch.setattr(ocr_module, "ocr_pdf", lambda p, **_: seen.append(p) or ocr)
    assert pdf.extract(path) is ocr
    assert seen == [path]


def test_scanned_pdf_without_tesseract_names_the_install(tmp_path, monkeypatch):
    pytest.importorskip("PIL")
    from extractors import ocr as ocr_module

    path = _scan_pdf(tmp_path / "scan.pdf", [None])
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract, no pdftoppm on PATH
    ocr_module.ocr_unavailable.cache_clear()  # the answer is cached per process
    try:
        with pytest.raises(NoTextLayer, match=r"OCR is unavailable.*apt-get install"):
            pdf.extract(path)
    finally:
        ocr_module.ocr_unavailable.cache_clear()


def test_scanned_page_in_a_text_pdf_is_a_warning(tmp_path):
    pytest.importorskip("PIL")
    doc = pdf.extract(_scan_pdf(tmp_path / "mixed.pdf", ["Text page", None]))
    assert doc.warnings == ("page 2 has no text layer (scanned image?)",)
    assert [p.text for p in doc.paragraphs] == ["Text page"]


# --- pdf_stitch: pure functions -------------------------------------------------------------


def _table(rows: list[list[str]], page: int, spans: dict | None = None) -> Table:
    spans = spans or {}
    cells = tuple(
        Cell(r, c, text, *spans.get((r, c), (1, 1)))
        for r, row in enumerate(rows)
        for c, text in enumerate(row)
        if text is not None
    )
    return Table(len(rows), len(rows[0]), cells, "", row_pages=(page,) * len(rows))


EDGES = (50.0, 100.0, 300.0, 400.0)


def test_stitch_drops_a_repeated_two_row_header_cut_short():
    head = [["No", "Name", "Dates of work"], [None, None, "Start"]]
    spans = {(0, 0): (2, 1), (0, 1): (2, 1)}
    first = _table([*head, ["1.", "Alpha", "2019"]], 1, spans)
    cont_head = [["No", "Name", "Dates"], [None, None, "Start"]]
    cont = _table([*cont_head, ["2.", "Beta", "2020"]], 2, spans)
    frags = [pdf_stitch.Fragment(first, 1, EDGES), pdf_stitch.Fragment(cont, 2, EDGES)]
    ((index, joined),) = pdf_stitch.stitch(frags)
    assert index == 0
    assert joined.n_rows == 4
    assert [row[0] for row in joined.grid()] == ["No", None, "1.", "2."]
    assert joined.row_pages == (1, 1, 1, 2)


def test_stitch_drops_a_repeated_header_whose_rows_are_split_differently():
    top = ["", "Total", "Mining"]
    first = _table([top, [None, "to last month", "to December"], ["Jan", "1", "2"]], 1)
    split = [[None, "to last month", None], [None, None, "to December"]]
    cont = _table([top, *split, ["Apr", "3", "4"]], 2)
    assert pdf_stitch.repeated_header_rows(first, cont) == 3
    assert [row[0] for row in pdf_stitch.join(first, cont).grid()] == ["", None, "Jan", "Apr"]
    data_first = _table([["Jan", "1", "2"]], 2)
    assert pdf_stitch.repeated_header_rows(first, data_first) == 0


def test_stitch_needs_adjacent_pages_aligned_columns_and_page_edges():
    a = _table([["h1", "h2", "h3"], ["1", "2", "3"]], 1)
    b = _table([["4", "5", "6"]], 2)
    shifted = (50.0, 150.0, 300.0, 400.0)
    cases = [
        pdf_stitch.Fragment(b, 2, shifted),
        pdf_stitch.Fragment(b, 3, EDGES),
        pdf_stitch.Fragment(b, 2, EDGES, first_on_page=False),
    ]
    for frag in cases:
        assert len(pdf_stitch.stitch([pdf_stitch.Fragment(a, 1, EDGES), frag])) == 2
    not_last = pdf_stitch.Fragment(a, 1, EDGES, last_on_page=False)
    assert len(pdf_stitch.stitch([not_last, pdf_stitch.Fragment(b, 2, EDGES)])) == 2
    three = [pdf_stitch.Fragment(a, 1, EDGES)]
    three += [pdf_stitch.Fragment(_table([["4", "5", "6"]], p), p, EDGES) for p in (2, 3)]
    ((_, joined),) = pdf_stitch.stitch(three)
    assert joined.row_pages == (1, 1, 2, 3)


def test_drop_leading_rows_cuts_a_span_reaching_below():
    t = _table([["a", "b"], [None, "c"], [None, "d"]], 1, {(0, 0): (3, 1)})
    out = pdf_stitch.drop_leading_rows(t, 1)
    assert out.n_rows == 2
    assert {(c.row, c.col, c.row_span) for c in out.cells} == {(0, 0, 2), (0, 1, 1), (1, 1, 1)}


def test_grid_resolves_spans_from_cell_boxes():
    boxes = [(0, 0, 10, 20), (10, 0, 30, 10), (10, 10, 20, 20), (20, 10, 30, 20.5)]
    xs, ys, spans = pdf_stitch.grid(boxes)
    assert (xs, ys) == ([0, 10, 20, 30], [0, 10, 20])
    assert spans == [(0, 0, 2, 1), (0, 1, 1, 2), (1, 1, 1, 1), (1, 2, 1, 1)]


texts = st.lists(st.text(alphabet="ab ", max_size=4), min_size=2, max_size=2)


@given(st.lists(texts, min_size=1, max_size=5), st.lists(texts, min_size=1, max_size=5))
def test_join_keeps_every_row_and_page(rows_a, rows_b):
    a, b = _table(rows_a, 1), _table(rows_b, 2)
    joined = pdf_stitch.join(a, b)
    dropped = pdf_stitch.repeated_header_rows(a, b)
    assert joined.n_rows == a.n_rows + b.n_rows - dropped
    assert joined.row_pages == (1,) * a.n_rows + (2,) * (b.n_rows - dropped)
    assert all(0 <= c.row < joined.n_rows for c in joined.cells)
