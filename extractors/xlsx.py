"""XLSX extractor: every worksheet becomes a heading paragraph (its name) and one Table of its
used range, merged ranges resolved into spans with the text once at the top-left cell.

openpyxl runs in read-only (streaming) mode: the normal mode materialises every styled empty
cell, which for real reports with ~1000 formatted empty columns costs ~500 MB and twice the
time. Read-only mode does not expose merged ranges, so they are read from each sheet's
``<mergeCell>`` elements with a streaming, entity-free lxml parse.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import posixpath
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import openpyxl
from lxml import etree
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

from extractors.errors import CorruptFile, EmptyFile, ResourceLimit
from extractors.model import Cell, Document, Paragraph, Table
from extractors.safezip import check_zip, read_xml
from schemas.enums import Format

log = logging.getLogger(__name__)

DEFAULT_MAX_VALUES = 2_000_000
NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_QUOTED = re.compile(r'"[^"]*"|\\.')
_OPENPYXL_ERRORS = (
    InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, IndexError,
    AttributeError, OSError, EOFError, etree.LxmlError, ElementTree.ParseError,
)

Span = tuple[int, int, int, int]  # 0-based first row, first col, last row, last col


def _sheet_members(path: Path) -> list[tuple[str, str]]:
    """(sheet name, zip member) in workbook order, from workbook.xml and its relationships."""
    wb = read_xml(path, "xl/workbook.xml")
    rels = read_xml(path, "xl/_rels/workbook.xml.rels")
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{{{NS_PKG_REL}}}Relationship")}
    out = []
    for sheet in wb.iter(f"{{{NS_MAIN}}}sheet"):
        target = targets.get(sheet.get(f"{{{NS_REL}}}id"), "")
        member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join("xl", target)
        )
        out.append((sheet.get("name", ""), member))
    return out


def _merged_spans(path: Path, member: str) -> list[Span]:
    """Merged ranges of one sheet, streamed so a huge sheet never becomes a tree."""
    spans: list[Span] = []
    tags = (f"{{{NS_MAIN}}}row", f"{{{NS_MAIN}}}mergeCell")
    try:
        with zipfile.ZipFile(path) as zf, zf.open(member) as fh:
            for _, el in etree.iterparse(
                fh, events=("end",), tag=tags, resolve_entities=False, no_network=True,
                load_dtd=False, huge_tree=False,
            ):
                if el.tag == tags[1] and el.get("ref"):
                    min_col, min_row, max_col, max_row = range_boundaries(el.get("ref"))
                    if (min_col, min_row) != (max_col, max_row):
                        spans.append((min_row - 1, min_col - 1, max_row - 1, max_col - 1))
                el.clear(keep_tail=True)
                while el.getprevious() is not None:
                    del el.getparent()[0]
    except KeyError:
        raise CorruptFile(str(path), f"worksheet part {member} is missing") from None
    except (etree.XMLSyntaxError, ValueError, TypeError) as exc:
        raise CorruptFile(str(path), f"malformed worksheet {member}: {exc}") from None
    return spans


def number_text(value: float | int) -> str:
    """A number as plain text: integral values without ``.0``, others with up to 15
    significant digits (so float noise like ``0.30000000000000004`` reads ``0.3``), never in
    exponent notation."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if math.isnan(value) or math.isinf(value):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.15g}"
    if "e" in text:
        text = format(Decimal(text), "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    return text


def _is_percent_format(number_format: str | None) -> bool:
    return bool(number_format) and "%" in _QUOTED.sub("", number_format or "")


def cell_text(value: Any, number_format: str | None = None) -> str:
    """Text of one cell value as a reader sees it: dates ``dd.mm.yyyy``, percent-formatted
    numbers scaled (``0.85`` with ``0%`` -> ``85%``), other numbers via ``number_text``."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        text = value.strftime("%d.%m.%Y")
        if value.time() != dt.time(0, 0):
            text += value.strftime(" %H:%M")
        return text
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if _is_percent_format(number_format):
            return number_text(round(value * 100, 10)) + "%"
        return number_text(value)
    if isinstance(value, bool):
        return number_text(value)
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _sheet_rows(ws: Any, path: Path, budget: list[int]) -> list[list[str]]:
    """Cell texts row by row, each row cut after its last non-empty cell."""
    ws.reset_dimensions()  # trust the cells, not a possibly wrong <dimension> element
    rows: list[list[str]] = []
    for row in ws.iter_rows():
        texts = [cell_text(c.value, getattr(c, "number_format", None)) for c in row]
        while texts and not texts[-1]:
            texts.pop()
        budget[0] -= len(texts)
        if budget[0] < 0:
            raise ResourceLimit(
                str(path), f"workbook has more than {DEFAULT_MAX_VALUES} cells with values"
            )
        rows.append(texts)
    while rows and not rows[-1]:
        rows.pop()
    return rows


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
        ResourceLimit: a decompression bomb, or more than ``DEFAULT_MAX_VALUES`` values.
        EmptyFile: no sheet has any value.
    """
    check_zip(path)  # also refuses any part declaring a DTD (openpyxl's expat would expand it)
    members = _sheet_members(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except _OPENPYXL_ERRORS as exc:
        raise CorruptFile(str(path), f"openpyxl cannot open the workbook: {exc}") from None
    blocks: list[Paragraph | Table] = []
    budget = [DEFAULT_MAX_VALUES]
    try:
        for name, member in members:
            ws = wb[name] if name in wb.sheetnames else None
            if ws is None or not hasattr(ws, "iter_rows"):  # chartsheet: no cells
                continue
            blocks.append(Paragraph(text=name, locator=f"sheet {name}", heading_level=1))
            try:
                rows = _sheet_rows(ws, path, budget)
            except _OPENPYXL_ERRORS as exc:
                raise CorruptFile(str(path), f"cannot read sheet {name!r}: {exc}") from None
            if rows:
                n = sum(isinstance(b, Table) for b in blocks) + 1
                locator = f"table {n} (sheet {name})"
                blocks.append(rows_to_table(rows, _merged_spans(path, member), locator))
    finally:
        wb.close()
    if not any(isinstance(b, Table) for b in blocks):
        raise EmptyFile(str(path), "the workbook has no cell values on any sheet")
    return Document(source=str(path), format=Format.XLSX, blocks=tuple(blocks))
