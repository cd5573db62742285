"""The benchmark corpus generator is deterministic (fast: 3 documents, no LibreOffice)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from bench.gen_corpus import docx_bytes, mixed_format, txt_text, write_sources
from bench.reports import build_report
from extractors import extract
from extractors.model import Table


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_same_seed_same_bytes() -> None:
    for i in range(3):
        first, second = build_report(i, seed=7), build_report(i, seed=7)
        assert first == second
        assert _digest(docx_bytes(first)) == _digest(docx_bytes(second))
        assert txt_text(first) == txt_text(second)


def test_reports_differ_by_index_and_seed() -> None:
    texts = {txt_text(build_report(i, seed=7)) for i in range(3)}
    assert len(texts) == 3
    assert txt_text(build_report(0, seed=7)) != txt_text(build_report(0, seed=8))


def test_written_files_are_reproducible_and_readable(tmp_path: Path) -> None:
    for run in ("a", "b"):
        for i in range(3):
            write_sources(i, 7, tmp_path / run)
    for fmt in ("docx", "txt"):
        for i in range(3):
            name = f"rep_{i:05d}.{fmt}"
            a, b = (tmp_path / "a" / fmt / name), (tmp_path / "b" / fmt / name)
            assert a.read_bytes() == b.read_bytes()
    doc = extract(tmp_path / "a" / "docx" / "rep_00000.docx")
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    assert tables
    assert any(c.row_span > 1 or c.col_span > 1 for t in tables for c in t.cells)
    assert [mixed_format(i) for i in range(3)] == ["docx", "pdf", "txt"]
