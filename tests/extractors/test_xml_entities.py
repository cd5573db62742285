"""XML entities are never expanded: every ZIP-based format (XLSX, DOCX, ODT) is refused when
any XML part declares a DTD or entities anywhere in it, not only in its first kilobytes."""

from __future__ import annotations

import codecs
import io
import zipfile
from pathlib import Path

import pytest
from docx import Document as DocxDocument
from openpyxl import Workbook

from extractors import docx, legacy, xlsx
from extractors.errors import ExtractionError, UnsafeXML
from extractors.safezip import SCAN_CHUNK, declares_dtd
from pipeline.batch.run.discover import file_digest
from pipeline.process import process_file
from pipeline.sources import SourceFile

LAUGHS = (b'<!DOCTYPE x [<!ENTITY a "' + b"a" * 100 + b'">'
          b'<!ENTITY b "' + b"&a;" * 91 + b'">]>')


def _with_part(src: Path, dst: Path, member: str, rewrite) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info.filename, rewrite(data) if info.filename == member else data)
    return dst


def _insert_dtd(data: bytes, before: bytes = b"") -> bytes:
    """``data`` with LAUGHS after its XML declaration (or first, when it has none)."""
    if data.startswith(b"<?xml"):
        decl, body = data.split(b"?>", 1)
        return decl + b"?>" + before + LAUGHS + body
    return before + LAUGHS + data


def _late_dtd(data: bytes) -> bytes:
    """The DTD after 10 KB of comment (the old check read only the first 4 KB), with cells
    that reference the expanding entity."""
    body = data.split(b"?>", 1)[-1]
    body = body.replace(b"<v>1</v>", b"<v>1</v>").replace(b"<t>", b"<t>&b;")
    return (b'<?xml version="1.0"?>' + b"<!--" + b" " * 10_000 + b"-->" + LAUGHS + body)


def _xlsx(tmp_path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    for r in range(1, 30):
        ws.append([f"Показатель {r}", r, r * 2])
    path = tmp_path / "good.xlsx"
    wb.save(path)
    return path


def test_a_dtd_after_4_kb_of_a_worksheet_is_refused(tmp_path: Path):
    evil = _with_part(_xlsx(tmp_path), tmp_path / "late.xlsx", "xl/worksheets/sheet1.xml",
                      _late_dtd)
    assert evil.stat().st_size < 20_000
    with pytest.raises(UnsafeXML, match=r"xl/worksheets/sheet1\.xml declares a DTD"):
        xlsx.extract(evil)


def test_a_dtd_in_the_styles_part_is_refused(tmp_path: Path):
    evil = _with_part(_xlsx(tmp_path), tmp_path / "styles.xlsx", "xl/styles.xml",
                      _insert_dtd)
    with pytest.raises(UnsafeXML, match=r"xl/styles.xml"):
        xlsx.extract(evil)


def test_a_utf16_part_with_a_dtd_is_refused(tmp_path: Path):
    def to_utf16(data: bytes) -> bytes:
        text = _insert_dtd(data).decode("utf-8").replace('encoding="UTF-8"',
                                                          'encoding="UTF-16"')
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")

    evil = _with_part(_xlsx(tmp_path), tmp_path / "u16.xlsx", "xl/workbook.xml", to_utf16)
    with pytest.raises(UnsafeXML, match=r"xl/workbook.xml"):
        xlsx.extract(evil)


def test_a_docx_with_a_dtd_deep_in_its_styles_is_refused(tmp_path: Path):
    doc = DocxDocument()
    doc.add_paragraph("Отчёт")
    good = tmp_path / "good.docx"
    doc.save(good)
    evil = _with_part(good, tmp_path / "styles.docx", "word/styles.xml",
                      lambda d: _insert_dtd(d, b"<!--" + b" " * 70_000 + b"-->"))
    with pytest.raises(UnsafeXML, match=r"word/styles.xml"):
        docx.extract(evil)


def test_an_odt_with_a_dtd_is_refused_before_libreoffice(tmp_path: Path):
    odt = tmp_path / "laughs.odt"
    with zipfile.ZipFile(odt, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", b'<?xml version="1.0"?>' + b" " * 8000 + LAUGHS +
                    b"<office:document-content xmlns:office='urn:oasis:names:tc:opendocument"
                    b":xmlns:office:1.0'>&b;</office:document-content>")
    with pytest.raises(UnsafeXML, match=r"content.xml"):
        legacy.extract(odt)


@pytest.mark.parametrize("offset", [0, 1, SCAN_CHUNK - 5, SCAN_CHUNK - 1, 3 * SCAN_CHUNK])
def test_the_scan_finds_a_marker_anywhere_even_across_chunks(offset: int):
    data = b"<?xml version='1.0'?>" + b" " * offset + b"<!ENTITY x 'y'>"
    assert declares_dtd(io.BytesIO(data))
    assert not declares_dtd(io.BytesIO(data.replace(b"<!ENTITY", b"<ENTITY")))
    assert not declares_dtd(io.BytesIO(b"\x89PNG\r\n" + data))  # not XML: not scanned


def test_a_refused_workbook_is_a_bad_input_row_not_an_internal_error(tmp_path: Path):
    evil = _with_part(_xlsx(tmp_path), tmp_path / "late.xlsx", "xl/worksheets/sheet1.xml",
                      _late_dtd)
    assert issubclass(UnsafeXML, ExtractionError)
    st = evil.stat()
    res = process_file(SourceFile(evil, "late.xlsx", file_digest(evil), st.st_size,
                                  st.st_mtime))
    assert res.document["status"] == "failed"
    assert res.document["format"] == "xlsx"
    assert res.document["error"].startswith("refused for safety: part xl/worksheets/sheet1.xml")
    assert "internal error" not in res.document["error"]
