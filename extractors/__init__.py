"""Extractors: bytes of one file -> one format-neutral Document.

``EXTRACTORS`` maps each Format to a plain ``extract(path) -> Document`` function;
``extract(path)`` sniffs the format from content and dispatches.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from extractors import docx, html, legacy, pdf, txt, xlsx
from extractors.detect import sniff_format
from extractors.errors import ExtractionError, UnsupportedFormat
from extractors.model import Cell, Document, Paragraph, Table
from schemas.enums import Format

EXTRACTORS: dict[Format, Callable[[Path], Document]] = {
    Format.DOCX: docx.extract,
    Format.PDF: pdf.extract,
    Format.TXT: txt.extract,
    Format.DOC: legacy.extract,
    Format.RTF: legacy.extract,
    Format.ODT: legacy.extract,
    Format.XLSX: xlsx.extract,
    Format.HTML: html.extract,
}


def extract(path: Path, memory_mb: int | None = None) -> Document:
    """Read ``path`` into a Document, whatever its extension claims; ``memory_mb`` (the
    worker's memory limit) caps the converters LibreOffice, pdftoppm and tesseract.

    Raises:
        ExtractionError: the file is bad input (the reason is human-readable).
    """
    fmt = sniff_format(path)
    func = EXTRACTORS.get(fmt)
    if func is None:
        raise UnsupportedFormat(str(path), f"{fmt.value.upper()} files are not supported yet")
    if memory_mb is not None and fmt is Format.PDF:  # a scan is read by pdftoppm, tesseract
        return pdf.extract(path, memory_mb=memory_mb)
    if memory_mb is not None and fmt in legacy.LEGACY_FORMATS:
        return legacy.extract(path, memory_mb=memory_mb)
    return func(path)


__all__ = [
    "EXTRACTORS",
    "Cell",
    "Document",
    "ExtractionError",
    "Paragraph",
    "Table",
    "extract",
    "sniff_format",
]
