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
from extractors.limits import ExtractLimits
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


def extract(path: Path, limits: ExtractLimits | None = None) -> Document:
    """Read ``path`` into a Document, whatever its extension claims, within ``limits`` (the
    readers' time budgets follow the file's time limit; the worker's memory limit caps the
    converters LibreOffice, pdftoppm and tesseract).

    Raises:
        ExtractionError: the file is bad input (the reason is human-readable).
    """
    fmt = sniff_format(path)
    func = EXTRACTORS.get(fmt)
    if func is None:
        raise UnsupportedFormat(str(path), f"{fmt.value.upper()} files are not supported yet")
    if limits is None:
        return func(path)
    if fmt is Format.PDF:  # a scan is read by pdftoppm and tesseract
        return pdf.extract(path, time_budget_s=limits.pdf_time_s, max_pages=limits.max_pages,
                           memory_mb=limits.memory_mb, ocr_time_s=limits.ocr_time_s,
                           ocr_page_s=limits.ocr_page_s)
    if fmt in legacy.LEGACY_FORMATS:
        return legacy.extract(path, timeout_s=limits.convert_time_s, memory_mb=limits.memory_mb)
    return func(path)


__all__ = [
    "EXTRACTORS",
    "Cell",
    "Document",
    "ExtractLimits",
    "ExtractionError",
    "Paragraph",
    "Table",
    "extract",
    "sniff_format",
]
