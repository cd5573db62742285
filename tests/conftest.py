"""Builders of fixture documents, generated inside the tests (no binary fixtures needed)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document as DocxDocument
from docx.oxml.ns import qn
from docx.oxml.shared import OxmlElement


def _vmerge(cell: object, val: str | None) -> None:
    tcpr = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    el = OxmlElement("w:vMerge")
    if val:
        el.set(qn("w:val"), val)
    tcpr.append(el)


@pytest.fixture
def make_docx(tmp_path: Path) -> Callable[..., Path]:
    """Build a DOCX with paragraphs and tables; ``merge`` lists (r1, c1, r2, c2) spans."""

    def build(name: str = "doc.docx", paragraphs: tuple[str, ...] = (),
              tables: tuple[tuple[list[list[str]], list[tuple[int, int, int, int]]], ...] = (),
              after: tuple[str, ...] = ()) -> Path:
        d = DocxDocument()
        for p in paragraphs:
            d.add_paragraph(p)
        for rows, merges in tables:
            t = d.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for c, text in enumerate(row):
                    t.cell(r, c).text = text
            for r1, c1, r2, c2 in merges:
                t.cell(r1, c1).merge(t.cell(r2, c2))
        for p in after:
            d.add_paragraph(p)
        path = tmp_path / name
        d.save(str(path))
        return path

    return build
