from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from extractors import docx
from extractors.detect import sniff_format
from extractors.errors import CorruptFile, ResourceLimit, UnsafeXML, UnsupportedFormat
from extractors.model import Paragraph, Table
from schemas.enums import Format


def test_body_order_and_spans(make_docx):
    path = make_docx(
        paragraphs=("Отчет об исполнении", "за 2021 год"),
        tables=((
            [["Проект", "Показатели на 2021 год", ""],
             ["", "Плановый", "Фактический"],
             ["Образование", "5%", "6%"],
             ["", "10", "11"]],
            [(0, 1, 0, 2), (0, 0, 1, 0), (2, 0, 3, 0)],
        ),),
        after=("Начальник управления",),
    )
    doc = docx.extract(path)
    kinds = [type(b).__name__ for b in doc.blocks]
    assert kinds == ["Paragraph", "Paragraph", "Table", "Paragraph"]
    table = doc.tables[0]
    assert (table.n_rows, table.n_cols) == (4, 3)
    by_pos = {(c.row, c.col): c for c in table.cells}
    assert by_pos[(0, 1)].col_span == 2
    assert by_pos[(0, 1)].text == "Показатели на 2021 год"
    assert by_pos[(0, 0)].row_span == 2
    assert by_pos[(2, 0)].row_span == 2
    assert by_pos[(2, 0)].text == "Образование"
    # a merged cell's text appears once
    assert sum(c.text == "Образование" for c in table.cells) == 1
    assert (1, 0) not in by_pos
    assert (0, 2) not in by_pos
    assert table.grid()[3] == [None, "10", "11"]
    assert table.grid(fill=True)[3] == ["Образование", "10", "11"]
    assert table.row_locator(2) == "table 1 row 3"


def test_line_breaks_and_nested_tables(make_docx, tmp_path):
    from docx import Document as D

    d = D()
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text = "строка 1\nстрока 2"
    inner = t.cell(0, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "вложенная"
    path = tmp_path / "nested.docx"
    d.save(str(path))
    table = docx.extract(path).tables[0]
    first = next(c for c in table.cells if c.col == 0)
    assert first.text == "строка 1\nстрока 2"
    second = next(c for c in table.cells if c.col == 1)
    assert len(second.nested) == 1
    assert isinstance(second.nested[0], Table)
    assert any(c.text == "вложенная" for c in second.nested[0].cells)


def test_headings(tmp_path):
    from docx import Document as D

    d = D()
    d.add_heading("Раздел 1", level=2)
    d.add_paragraph("текст")
    path = tmp_path / "h.docx"
    d.save(str(path))
    paras = [b for b in docx.extract(path).blocks if isinstance(b, Paragraph)]
    assert paras[0].heading_level == 2
    assert paras[1].heading_level is None


def test_truncated_docx_is_corrupt(make_docx, tmp_path):
    good = make_docx(paragraphs=("текст " * 2000,))
    data = good.read_bytes()
    bad = tmp_path / "cut.docx"
    bad.write_bytes(data[: len(data) * 6 // 10])
    with pytest.raises(CorruptFile):
        sniff_format(bad)


def test_html_renamed_docx_is_reported(tmp_path):
    p = tmp_path / "page.docx"
    p.write_text("<!DOCTYPE html><html><body>hi</body></html>", encoding="utf-8")
    with pytest.raises(UnsupportedFormat, match="HTML"):
        sniff_format(p)


def test_malformed_document_xml(make_docx, tmp_path):
    good = make_docx(paragraphs=("abc",))
    bad = tmp_path / "malformed.docx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                data = data[: len(data) // 2]
            zout.writestr(item, data)
    assert sniff_format(bad) == Format.DOCX
    with pytest.raises(CorruptFile, match="malformed XML"):
        docx.extract(bad)


def test_decompression_bomb_refused_before_inflating(tmp_path: Path):
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            chunk = b"<a>" + b" " * (1 << 20) + b"</a>"
            for _ in range(300):  # 300 MB of XML, about 300 KB compressed
                fh.write(chunk)
    assert bomb.stat().st_size < 5_000_000
    with pytest.raises(ResourceLimit, match="decompression bomb"):
        docx.extract(bomb)


def test_xml_entities_are_never_expanded(make_docx, tmp_path):
    good = make_docx(paragraphs=("abc",))
    evil = tmp_path / "laughs.docx"
    payload = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"
    )
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(evil, "w") as zout:
        for item in zin.infolist():
            data = payload if item.filename == "word/document.xml" else zin.read(item.filename)
            zout.writestr(item, data)
    with pytest.raises(UnsafeXML, match="declares a DTD or XML entities"):
        docx.extract(evil)
