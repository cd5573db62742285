"""A PDF whose text layer is a publisher's failed OCR (letters, hardly a word) is read like a
scan: the page images go through OCR, and without OCR the file fails with a clear reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from extractors import extract
from extractors.errors import NoTextLayer
from extractors.text_quality import SAMPLE_TOKENS, garbled, word_share
from tests.extractors.test_ocr import (
    NUMBERS,
    _image_only,
    _ruled_pdf,
    needs_ocr,
    without_tesseract,
)

JUNK = ("It F o o t-1 Cd al vF -l FI c-.1 c..l t- z I S i X Q F o F 1 3 ) T t ) { 4 (n "
        "0) (D F F o, H o p 4 o f'1 : ; 9 ctl o : I l l l l | l l l l oi .; $ F {) (g")


@pytest.mark.parametrize(("text", "expected"), [
    (JUNK * 2, True),
    ("Доля детей в возрасте от 5 до 18 лет, охваченных дополнительным образованием. " * 8,
     False),
    # a table of figures is text, not garbage: numbers are not counted
    (" ".join(f"{n},5 {n * 3} 98,{n % 10} %" for n in range(40)) + " Итого по району", False),
    ("Показатель План Факт " + "12 345,6 " * 60, False),
    ("F o o t-1", False),  # too little to judge
    ("Quality indicators of the municipal service, planned and actual values. " * 8, False),
])
def test_garbled(text: str, expected: bool) -> None:
    assert garbled(text) is expected


def test_word_share_counts_words_among_tokens_that_are_not_numbers() -> None:
    assert word_share("Число школ 372 371 -l FI") == (4, 0.5)
    assert word_share("12 13,5 (14)") == (0, 0.0)
    assert word_share(["Число школ", "-l FI"]) == (4, 0.5)  # texts read one after another


def test_word_share_reads_only_a_sample_of_a_long_text() -> None:
    def texts():
        yield "слово " * (SAMPLE_TOKENS + 10)
        raise AssertionError("read past the sample")

    assert word_share(texts()) == (SAMPLE_TOKENS, 1.0)


def _scan_with_junk_layer(tmp_path: Path) -> Path:
    """The picture of a ruled table, with invisible garbage text laid over it (render mode
    3, as OCR layers are)."""
    scan = _image_only(_ruled_pdf(tmp_path / "text.pdf"), tmp_path / "scan.pdf")
    out = tmp_path / "junk_layer.pdf"
    from pypdf import PdfReader, PdfWriter

    layer = tmp_path / "layer.pdf"
    c = canvas.Canvas(str(layer), pagesize=A4)
    text = c.beginText(40, 800)
    text.setTextRenderMode(3)
    text.setFont("Helvetica", 9)
    for k in range(40):
        text.textLine(JUNK[k % 7:][:90])
    c.drawText(text)
    c.save()
    writer = PdfWriter(clone_from=scan)
    writer.pages[0].merge_page(PdfReader(layer).pages[0])
    with out.open("wb") as fh:
        writer.write(fh)
    return out


@needs_ocr
def test_a_garbled_text_layer_is_read_by_ocr(tmp_path: Path) -> None:
    doc = extract(_scan_with_junk_layer(tmp_path))
    assert doc.warnings[0].startswith("OCR used; mean confidence ")
    grid = doc.tables[0].grid()
    assert {grid[r][c] for r in (2, 3, 4) for c in (1, 2)} == NUMBERS
    assert not any("vF" in (b.text if hasattr(b, "text") else "") for b in doc.blocks)


def test_a_garbled_text_layer_without_ocr_fails_with_the_reason(tmp_path: Path,
                                                                 monkeypatch) -> None:
    pdf = _scan_with_junk_layer(tmp_path)
    with without_tesseract(tmp_path, monkeypatch), pytest.raises(NoTextLayer) as info:
        extract(pdf)
    assert info.value.reason.startswith("the PDF's text layer is not words")
    assert "apt-get install" in info.value.reason
