"""An image-only PDF of a seed-like indicator table yields its indicator rows (OCR path)."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors import extract
from pipeline.interpret import interpret
from tests.extractors.test_ocr import DEJAVU, _image_only, _ruled_pdf, needs_ocr


@needs_ocr
@pytest.mark.slow
def test_scanned_table_gives_planned_and_actual_values(tmp_path: Path):
    if not DEJAVU.is_file():
        pytest.skip("needs a Cyrillic font to draw the header words")
    scan = _image_only(_ruled_pdf(tmp_path / "text.pdf"), tmp_path / "scan.pdf", dpi=300)
    doc = extract(scan)
    assert doc.warnings[0].startswith("OCR used")
    rows = interpret(doc).indicators
    got = {(r["indicator_raw"], r["planned_value"], r["actual_value"], r["year"]) for r in rows}
    assert got == {("Доля детей", 1250.0, 1375.0, 2021), ("Охват", 98.5, 99.1, 2021),
                   ("Число школ", 372.0, 371.0, 2021)}
    assert all(r["page"] == 1 for r in rows)
