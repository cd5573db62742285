"""XLSX cells and merged ranges read straight from the sheet XML: the package parts come from
``extractors.xlsx_book`` (one guarded opening of the archive), then one entity-free lxml
``iterparse`` pass per sheet for its rows and its ``<mergeCell>`` elements; rows are cleared
as they are read, so a huge sheet never becomes a tree, and the empty styled cells nothing
depends on are dropped from the bytes first (``extractors.xlsx_strip``).

The values are those openpyxl's read-only, ``data_only`` mode gives (which the reader used
before): formulas read as their cached value, numbers ``int`` unless written with ``.``/``e``,
a number whose style has a date format a date (the workbook's 1900 or 1904 epoch; openpyxl's
``from_excel``), booleans ``TRUE``/``FALSE``, error codes as written; a row is as wide as its
last cell, rows missing between two rows are empty, a row numbered at or before the previous
one is skipped. Styled cells without a value count for nothing once rows are trimmed.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree
from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries
from openpyxl.utils.datetime import from_excel, from_ISO8601

from extractors.errors import CorruptFile, ResourceLimit
from extractors.xlsx_book import NS_MAIN, Sheet, Workbook, iter_elements, text_content
from extractors.xlsx_strip import strip_empty_cells
from extractors.xlsx_text import cell_text, clean_text, number_text

__all__ = ["Sheet", "SheetReader", "Span", "Workbook"]
_ROW, _CELL, _V = f"{{{NS_MAIN}}}row", f"{{{NS_MAIN}}}c", f"{{{NS_MAIN}}}v"
_IS, _MERGE = f"{{{NS_MAIN}}}is", f"{{{NS_MAIN}}}mergeCell"
_EMPTY: list[str] = []
# the fast path looks at valued cells only, so every style index of the sheet is checked at
# once from its bytes: each s="…" attribute (a superset: text may match too, which only
# sends the sheet to the slow path), and any written s = "…" or s='…' sends it there too
_STYLE_ATTR = re.compile(rb'[ \t\r\n]s="([^"]*)"')
_STYLE_ODD = re.compile(rb"[ \t\r\n]s(?:[ \t\r\n]+=|=[ \t\r\n]|=')")

Span = tuple[int, int, int, int]  # 0-based first row, first col, last row, last col


class SheetReader:
    """Cell texts of the worksheets of one workbook, under one budget of values."""

    def __init__(self, book: Workbook, max_values: int) -> None:
        self.book = book
        self.strings = book.shared_strings()
        self.styles = book.styles()
        self.budget = max_values
        self.max_values = max_values
        self._cols: dict[str, int] = {}
        # the fast path skips empty cells, so only when no style can fail a cell
        self._fast = not any(self.styles.broken)

    def read(self, sheet: Sheet) -> tuple[list[list[str]], list[Span]]:
        """Rows of cell texts (each cut after its last non-empty cell, trailing empty rows
        dropped) and the merged ranges of one sheet, in one pass.

        Raises:
            CorruptFile: malformed XML, a cell or a range that cannot be read.
            ResourceLimit: the workbook's values pass ``max_values``.
        """
        path, member = self.book.path, sheet.member or ""
        rows: list[list[str]] = []
        refs: list[str] = []
        counter, last = 1, 0
        data = self.book.raw(member)
        if self._fast:  # no style can fail a cell: the empty ones nothing depends on go
            data = strip_empty_cells(data, len(self.styles.broken))
        fast = self._fast and self._plain_styles(data)
        # cells with a value since the last row, with the text of their first <v>
        valued: list[tuple[etree._Element, str | None]] = []
        for el in iter_elements(path, member, data, (_ROW, _V, _IS, _MERGE), (_ROW,)):
            tag = el.tag
            if tag in (_V, _IS):
                if fast:
                    cell = el.getparent()
                    v = el.text if tag == _V else None
                    if not valued or valued[-1][0] is not cell:
                        valued.append((cell, v))
                    elif valued[-1][1] is None and v is not None:
                        valued[-1] = (cell, v)
                continue
            if tag == _MERGE:
                ref = el.get("ref")
                if ref:
                    refs.append(ref)
                continue
            try:
                idx, texts = self._row(el, last, valued if fast else None)
                valued = []
            except (ValueError, TypeError, IndexError, KeyError, OverflowError) as exc:
                raise CorruptFile(str(path), f"cannot read sheet {sheet.name!r}: {exc}"
                                  ) from None
            el.clear()
            last = idx
            if idx < counter:  # a row numbered at or before the previous one
                continue
            rows.extend(_EMPTY for _ in range(counter, idx))
            counter = idx + 1
            self.budget -= len(texts)
            if self.budget < 0:
                raise ResourceLimit(
                    str(path), f"workbook has more than {self.max_values} cells with values")
            rows.append(texts)
        while rows and not rows[-1]:
            rows.pop()
        return rows, (self._spans(refs, sheet.name) if rows else [])

    def _spans(self, refs: list[str], name: str) -> list[Span]:
        spans: list[Span] = []
        try:
            for ref in refs:
                min_col, min_row, max_col, max_row = range_boundaries(ref)
                if (min_col, min_row) != (max_col, max_row):
                    spans.append((min_row - 1, min_col - 1, max_row - 1, max_col - 1))
        except (ValueError, TypeError) as exc:
            raise CorruptFile(str(self.book.path), f"cannot read sheet {name!r}: {exc}"
                              ) from None
        return spans

    def _col(self, coord: str) -> int:
        letters = coord.rstrip("0123456789")
        col = self._cols.get(letters)
        if col is None:
            col = self._cols[letters] = coordinate_to_tuple(coord)[1]
        return col

    def _plain_styles(self, data: bytes) -> bool:
        """Whether every style index in the sheet is a plain number of a defined style, so
        that cells without a value need no look (the fast path)."""
        if _STYLE_ODD.search(data):
            return False
        n = len(self.styles.broken)
        return all(v.isdigit() and int(v) < n for v in set(_STYLE_ATTR.findall(data)))

    def _row(self, row: etree._Element, previous: int,
             valued: list[tuple[etree._Element, str | None]] | None) -> tuple[int, list[str]]:
        r = row.get("r")
        if r is None:
            idx = previous + 1
        else:
            try:
                idx = int(r)
            except ValueError:
                val = float(r)
                if not val.is_integer():
                    raise ValueError(f"{r} is not a valid row number") from None
                idx = int(val)
        if valued is not None:
            texts = self._valued(row, valued)
            if texts is not None:
                return idx, texts
        cells: list[tuple[int, str, int]] = []
        col = 0
        for c in row:
            coord = c.get("r")
            col = self._col(coord) if coord else col + 1
            cells.append((col, self._text(c, c.findtext(_V)), self._style(c)))
        if not cells:
            return idx, []
        width = cells[-1][0]
        texts = [""] * width
        broken = self.styles.broken
        for col, text, s in cells:
            if col <= width:
                texts[col - 1] = text
                if broken[s]:
                    raise ValueError(broken[s])
        while texts and not texts[-1]:
            texts.pop()
        return idx, texts

    def _valued(self, row: etree._Element, valued: list[tuple[etree._Element, str | None]]
                ) -> list[str] | None:
        """Texts of a row from its cells with a value only (a real report has ~1000 styled
        empty ones a row), when their places do not depend on the others: the last cell and
        every valued one have coordinates; else None (the slow path reads every cell).

        One difference from openpyxl, on files Excel itself refuses: an empty cell repeating
        the coordinate of an earlier cell with a value in the same row does not erase it."""
        if not len(row):
            return []
        end = row[-1]
        if end.tag != _CELL or not end.get("r") or not all(c.get("r") for c, _ in valued):
            return None
        width = self._col(end.get("r", ""))
        found = [(col, self._text(c, v)) for c, v in valued if c.getparent() is row
                 and (col := self._col(c.get("r", ""))) <= width]
        if not found:
            return []
        texts = [""] * max(col for col, _ in found)
        for col, text in found:  # a later cell of the same place wins, as in openpyxl
            texts[col - 1] = text
        while texts and not texts[-1]:
            texts.pop()
        return texts

    def _style(self, c: etree._Element) -> int:
        s = c.get("s")
        if s == "":
            raise TypeError("a cell has an empty style index")
        i = int(s) if s else 0
        if not -len(self.styles.broken) <= i < len(self.styles.broken):
            raise IndexError(f"a cell has style {i}, which is not defined")
        return i

    def _text(self, c: etree._Element, v: str | None) -> str:
        """Text of cell ``c`` whose first ``<v>`` holds ``v``."""
        t = c.get("t", "n")
        if t == "inlineStr":
            child = c.find(_IS)
            return "" if child is None else clean_text(text_content(child))
        if not v:
            return ""
        if t == "n":
            s = self._style(c)
            if s in self.styles.dates:
                return self._date(v, s)
            if "." in v or "e" in v or "E" in v:
                value: float | int = float(v)
            else:
                value = int(v)
            if self.styles.percent[s]:
                return number_text(round(value * 100, 10)) + "%"
            return number_text(value)
        if t == "s":
            i = int(v)
            if not -len(self.strings) <= i < len(self.strings):
                raise IndexError(f"a cell refers to shared string {i} of {len(self.strings)}")
            return self.strings[i]
        if t == "b":
            return "TRUE" if int(v) else "FALSE"
        if t == "d":
            return cell_text(from_ISO8601(v))
        return clean_text(v)

    def _date(self, v: str, s: int) -> str:
        number = float(v) if "." in v or "e" in v or "E" in v else int(v)
        value: Any
        try:
            value = from_excel(number, self.book.epoch, timedelta=s in self.styles.durations)
        except (OverflowError, ValueError):
            value = "#VALUE!"  # openpyxl's reading of a date serial out of range
        return cell_text(value)
