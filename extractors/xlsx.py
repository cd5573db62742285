"""XLSX extractor: every worksheet becomes a heading paragraph (its name) and one Table of its
used range, merged ranges resolved into spans with the text once at the top-left cell.

Cells, shared strings, number formats and merged ranges are read straight from the sheet XML
(``extractors.xlsx_xml``: one guarded opening of the archive, one streaming, entity-free lxml
pass per sheet), with the values openpyxl's read-only mode gave; openpyxl's normal mode would
materialise every styled empty cell, which for real reports with ~1000 formatted empty
columns costs ~500 MB.
"""

from __future__ import annotations

import logging
from pathlib import Path

from extractors.errors import EmptyFile
from extractors.model import Cell, Document, Paragraph, Table
from extractors.xlsx_text import cell_text, number_text
from extractors.xlsx_xml import SheetReader, Span, Workbook
from schemas.enums import Format

log = logging.getLogger(__name__)

DEFAULT_MAX_VALUES = 2_000_000
__all__ = ["DEFAULT_MAX_VALUES", "cell_text", "extract", "number_text", "rows_to_table"]


def rows_to_table(rows: list[list[str]], spans: list[Span], locator: str) -> Table:
    """A Table from texts anchored at A1 (row N of the table is spreadsheet row N); merged
    ranges clipped to the used range, their text taken from the top-left cell."""
    n_rows = len(rows)
    n_cols = max((len(r) for r in rows), default=0)
    covered: set[tuple[int, int]] = set()
    anchors: dict[tuple[int, int], tuple[int, int]] = {}
    for r0, c0, r1, c1 in sorted(spans):
        if r0 >= n_rows or c0 >= n_cols or (r0, c0) in covered:
            continue
        r1, c1 = min(r1, n_rows - 1), min(c1, n_cols - 1)
        anchors[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
        covered.update(
            (r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1) if (r, c) != (r0, c0)
        )
    cells = []
    for r in range(n_rows):
        row = rows[r]
        for c in range(n_cols):
            if (r, c) in covered:
                continue
            row_span, col_span = anchors.get((r, c), (1, 1))
            text = row[c] if c < len(row) else ""
            cells.append(Cell(r, c, text, row_span, col_span))
    return Table(
        n_rows=n_rows, n_cols=n_cols, cells=tuple(cells), locator=locator,
        row_pages=tuple(None for _ in range(n_rows)),
    )


def extract(path: Path) -> Document:
    """Read an XLSX workbook into a Document: per sheet a heading paragraph and one table.

    Raises:
        CorruptFile: broken container, missing parts or malformed XML.
        UnsafeXML: a part declares a DTD or entities.
        ResourceLimit: a decompression bomb, or more than ``DEFAULT_MAX_VALUES`` values.
        EmptyFile: no sheet has any value.
    """
    book = Workbook(path)
    reader = SheetReader(book, DEFAULT_MAX_VALUES)
    blocks: list[Paragraph | Table] = []
    n_tables = 0
    for sheet in book.sheets:
        if sheet.member is None:  # chartsheet: no cells
            continue
        blocks.append(Paragraph(text=sheet.name, locator=f"sheet {sheet.name}", heading_level=1))
        rows, spans = reader.read(sheet)
        if rows:
            n_tables += 1
            locator = f"table {n_tables} (sheet {sheet.name})"
            blocks.append(rows_to_table(rows, spans, locator))
    if not n_tables:
        raise EmptyFile(str(path), "the workbook has no cell values on any sheet")
    return Document(source=str(path), format=Format.XLSX, blocks=tuple(blocks))
