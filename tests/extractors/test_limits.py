"""The readers' budgets follow the run's time limit, so a reader that can stop early (OCR
between pages, a PDF between pages, a conversion) ends ``partial`` or with a clear reason
before the worker's alarm abandons the file as ``failed``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from extractors import ExtractLimits, extract, ocr
from extractors.model import Document
from schemas.enums import Format
from tests.extractors.test_ocr import _image_only, _ruled_pdf


@pytest.mark.parametrize(("time_s", "pdf", "ocr_s", "page", "convert"), [
    (300, 120, 240, 120, 120),  # the default limit: the readers' historical budgets
    (60, 24, 48, 48, 24),  # --timeout 60: every budget inside the minute
    (1000, 120, 240, 120, 120),  # a longer limit does not make one page endless
])
def test_budgets_follow_the_time_limit(time_s: float, pdf: float, ocr_s: float, page: float,
                                       convert: float):
    limits = ExtractLimits(time_s)
    assert (limits.pdf_time_s, limits.ocr_time_s, limits.ocr_page_s,
            limits.convert_time_s) == pytest.approx((pdf, ocr_s, page, convert))


def test_a_time_limit_must_be_positive():
    with pytest.raises(ValueError, match="time_s must be > 0"):
        ExtractLimits(0)


def test_a_scan_is_read_within_the_budget_of_the_run(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch):
    scan = _image_only(_ruled_pdf(tmp_path / "text.pdf"), tmp_path / "scan.pdf")
    seen: dict[str, Any] = {}

    def recorder(path: Path, **kwargs: Any) -> Document:
        seen.update(kwargs)
        return Document(str(path), Format.PDF, ())

    monkeypatch.setattr(ocr, "ocr_pdf", recorder)
    extract(scan, ExtractLimits(60, memory_mb=512))
    assert (seen["time_budget_s"], seen["page_timeout_s"], seen["memory_mb"]) == (48, 48, 512)
