"""One opening of a ZIP-based document checks it and hands back the parts its reader wants:
small parts are checked by their stored bytes (the verdict kept for the next document of the
same template), large ones streamed, the wanted ones read whole; every part is still scanned."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from extractors import docx
from extractors.errors import CorruptFile, UnsafeXML
from extractors.safezip import PACKED_MAX, Packed, open_checked, packed_declares_dtd

STYLES = (b'<?xml version="1.0"?><w:styles xmlns:w="http://schemas.openxmlformats.org/'
          b'wordprocessingml/2006/main"><w:style w:styleId="H1"><w:name w:val="heading 1"/>'
          b"</w:style></w:styles>")
BODY = (b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
        b'wordprocessingml/2006/main"><w:body><w:p><w:pPr><w:pStyle w:val="H1"/></w:pPr>'
        b"<w:r><w:t>Title</w:t></w:r></w:p><w:p><w:r><w:t>Text</w:t></w:r></w:p>"
        b"</w:body></w:document>")


def _docx(path: Path, parts: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def test_parts_are_kept_as_asked_and_the_styles_name_the_headings(tmp_path: Path):
    path = _docx(tmp_path / "a.docx", {"word/document.xml": BODY, "word/styles.xml": STYLES})
    parts = open_checked(path, ("word/document.xml",), ("word/styles.xml",))
    assert parts.raw("word/document.xml") == BODY
    assert parts.packed["word/styles.xml"].inflate() == STYLES
    doc = docx.extract(path)
    assert [(b.text, b.heading_level) for b in doc.paragraphs] == [("Title", 1), ("Text", None)]


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
def test_a_template_part_is_checked_once_for_all_its_documents(tmp_path: Path, method: int):
    theme = b"<theme>" + b"<a/>" * 500 + b"</theme>"
    for k in range(3):
        _docx(tmp_path / f"{k}.docx", {"word/document.xml": BODY, "word/theme.xml": theme},
              method)
    before = packed_declares_dtd.cache_info()
    for k in range(3):
        open_checked(tmp_path / f"{k}.docx", ("word/document.xml",))
    after = packed_declares_dtd.cache_info()
    assert after.hits - before.hits >= 2


def test_a_dtd_in_a_small_part_is_refused_even_after_a_clean_one(tmp_path: Path):
    clean = _docx(tmp_path / "clean.docx", {"word/document.xml": BODY, "word/x.xml": b"<x/>"})
    bad = _docx(tmp_path / "bad.docx", {"word/document.xml": BODY,
                                        "word/x.xml": b'<!DOCTYPE x [<!ENTITY a "a">]><x/>'})
    open_checked(clean)
    with pytest.raises(UnsafeXML):
        open_checked(bad)


def test_a_large_part_is_streamed_and_still_scanned(tmp_path: Path):
    big = b"<x>" + bytes(range(65, 91)) * (4 * PACKED_MAX // 26) + b'<!ENTITY a "a"></x>'
    path = _docx(tmp_path / "big.docx", {"word/document.xml": BODY, "word/big.xml": big},
                 zipfile.ZIP_STORED)
    with pytest.raises(UnsafeXML):
        open_checked(path)


def test_stored_bytes_that_are_not_the_declared_part_are_a_corrupt_file(tmp_path: Path):
    part = Packed(b"<x/>", zipfile.ZIP_STORED, 4, 0)
    with pytest.raises(zipfile.BadZipFile):
        part.inflate()
    path = _docx(tmp_path / "c.docx", {"word/document.xml": BODY, "word/x.xml": b"<x>ok</x>"},
                 zipfile.ZIP_STORED)
    data = path.read_bytes()
    path.write_bytes(data.replace(b"<x>ok</x>", b"<x>no</x>"))  # same size, other CRC
    with pytest.raises(CorruptFile, match="Bad CRC-32"):
        open_checked(path)
