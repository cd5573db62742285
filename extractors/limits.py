"""What one file may cost its reader, from the run's limits: readers that can stop early stop
(the file ends ``partial``) well before the worker's own alarm abandons it (``failed``)."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_TIME_S = 300.0
MAX_PAGES = 2000
PDF_SHARE = 0.4  # of the file's time limit, for reading a PDF's text layer
OCR_SHARE = 0.8  # for OCR of a scan (it stops between pages)
CONVERT_SHARE = 0.4  # for LibreOffice to convert a DOC, RTF or ODT
PDF_MAX_S, OCR_MAX_S, CONVERT_MAX_S, OCR_PAGE_MAX_S = 120.0, 240.0, 120.0, 120.0


@dataclass(frozen=True, slots=True)
class ExtractLimits:
    """``time_s``: the file's whole time limit (``--timeout``); ``memory_mb``: the worker's
    memory limit (``--memory-mb``), which caps the external converters too."""

    time_s: float = DEFAULT_TIME_S
    memory_mb: int | None = None
    max_pages: int = MAX_PAGES

    def __post_init__(self) -> None:
        if self.time_s <= 0:
            raise ValueError(f"time_s must be > 0, got {self.time_s}")

    @property
    def pdf_time_s(self) -> float:
        return min(PDF_MAX_S, PDF_SHARE * self.time_s)

    @property
    def ocr_time_s(self) -> float:
        return min(OCR_MAX_S, OCR_SHARE * self.time_s)

    @property
    def ocr_page_s(self) -> float:
        return min(OCR_PAGE_MAX_S, self.ocr_time_s)

    @property
    def convert_time_s(self) -> float:
        return min(CONVERT_MAX_S, CONVERT_SHARE * self.time_s)
