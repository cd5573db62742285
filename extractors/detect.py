"""Sniff a file's format from its content (magic bytes, zip members, OLE, RTF, BOM);
the extension only breaks ties (e.g. which text file is plain text)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from extractors.errors import CorruptFile, EmptyFile, UnsupportedFormat
from schemas.enums import Format

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
TEXT_SUFFIXES = {".txt", ".text", ".csv", ".tsv", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


def _zip_format(path: Path) -> Format:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "word/document.xml" in names:
                return Format.DOCX
            if "xl/workbook.xml" in names:
                return Format.XLSX
            if "mimetype" in names:
                mime = zf.read("mimetype")[:100]
                if b"opendocument.text" in mime:
                    return Format.ODT
    except zipfile.BadZipFile:
        raise CorruptFile(
            str(path), "broken ZIP container (truncated or damaged file): cannot open it"
        ) from None
    raise UnsupportedFormat(str(path), "ZIP archive that is not a DOCX, XLSX or ODT document")


def _looks_like_html(head: bytes) -> bool:
    probe = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()[:1024]
    return probe.startswith((b"<!doctype html", b"<html")) or (
        probe.startswith(b"<?xml") and b"<html" in probe
    )


def sniff_format(path: Path) -> Format:
    """Return the format of ``path`` judged by its bytes.

    Raises:
        EmptyFile: the file has no bytes.
        UnsupportedFormat: the content is of no supported kind.
        CorruptFile: a container is broken.
    """
    with path.open("rb") as fh:
        head = fh.read(4096)
    suffix = path.suffix.lower()
    if not head:
        raise EmptyFile(str(path), "empty file (0 bytes)")
    if head.startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return Format.PDF
    if head.startswith(ZIP_MAGIC) or head.startswith(b"PK\x05\x06"):
        return _zip_format(path)
    if head.startswith(OLE_MAGIC):
        if suffix in {".xls", ".xlsx"}:
            raise UnsupportedFormat(str(path), "legacy Excel .xls (OLE) is not supported")
        return Format.DOC
    if head.lstrip().startswith(b"{\\rtf"):
        return Format.RTF
    if _looks_like_html(head):
        if suffix in HTML_SUFFIXES:
            return Format.HTML
        claimed = suffix.lstrip(".") or "unknown"
        raise UnsupportedFormat(
            str(path), f"the file is an HTML page, not a {claimed.upper()} document"
        )
    if suffix in TEXT_SUFFIXES:
        return Format.TXT
    if suffix in {".docx", ".xlsx", ".odt"}:
        raise CorruptFile(str(path), f"not a {suffix[1:].upper()} file: no ZIP container found")
    if suffix == ".pdf":
        raise CorruptFile(str(path), "not a PDF file: no %PDF header found")
    if suffix in {".doc", ".rtf"}:
        raise CorruptFile(str(path), f"not a {suffix[1:].upper()} file: unknown content")
    raise UnsupportedFormat(str(path), f"unsupported file type {suffix or '(no extension)'}")
