"""A PDF read as a scan, by OCR: one none of whose pages has a text layer, or whose text
layer is not words (``extractors.text_quality``)."""

from __future__ import annotations

import logging
from pathlib import Path

from extractors.model import Document

log = logging.getLogger(__name__)

NO_TEXT_LAYER = "the PDF has no text layer"
GARBLED_LAYER = "the PDF's text layer is not words (a failed OCR?)"


def read_as_scan(path: Path, n_pages: int, memory_mb: int | None,
                 ocr_time_s: float | None = None, ocr_page_s: float | None = None,
                 why: str = NO_TEXT_LAYER) -> Document:
    """Read the PDF at ``path`` with OCR (Tesseract); ``why`` says why, in the log and in
    the reason of the error when OCR is not installed.

    Raises:
        OcrUnavailable: OCR is not installed (the reason names the packages to install).
    """
    from extractors import ocr  # deferred: OCR pulls in numpy and Pillow only for scans

    log.info("%s: %s (%d page(s)), using OCR", path, why, n_pages)
    return ocr.ocr_pdf(
        path, memory_mb=memory_mb, why=why,
        time_budget_s=ocr.DEFAULT_OCR_TIME_BUDGET_S if ocr_time_s is None else ocr_time_s,
        page_timeout_s=ocr.DEFAULT_OCR_PAGE_TIMEOUT_S if ocr_page_s is None else ocr_page_s)
