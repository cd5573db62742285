"""The review workbook ``<out>/review/indicators.xlsx``: written for Russian Excel (headers in
Russian, frozen header row, autofilter, a drop-down of the catalog's names in the decision
column) and read back for the decisions the analysts filled in.

Columns are found by their header text when reading, so an analyst may reorder or add columns.
Every text is written as a string, never as a formula (a name starting with ``=`` stays text).
"""

from __future__ import annotations

import logging
import os
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.normalise.review import COLUMNS, REASON_TEXT, Column, ReviewReason
from pipeline.sheet_rows import row_height
from pipeline.texts_ru import locator_ru

log = logging.getLogger(__name__)

SHEET = "Проверка названий"
CATALOG_SHEET = "Каталог"
HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
DECISION_FILL = PatternFill("solid", fgColor="FFF4C2")  # the column to fill in
DECIDED_FILL = PatternFill("solid", fgColor="E2EFDA")
WRAP = Alignment(wrap_text=True, vertical="top")
TITLES = {c.title: c.key for c in COLUMNS}
Sheet: TypeAlias = Worksheet | WriteOnlyWorksheet  # a sheet being written


class ReviewBookError(Exception):
    """The review workbook cannot be read (damaged, not a workbook, no decision column)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, reason)
        self.path, self.reason = path, reason

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Filled:
    """A row of the workbook whose decision or note an analyst filled in."""

    raw_name: str
    decision: str
    note: str


def cell_str(value: object) -> str:
    """A cell's value as text without the characters a workbook cannot hold ("" for none)."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value)) if value is not None else ""


def cell_value(value: object) -> object:
    """What a cell holds: a number as a number, anything else as text (None for nothing)."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return cell_str(value)


def new_cell(ws: Sheet, value: object, alignment: Alignment | None = WRAP,
             fill: PatternFill | None = None, font: Font | None = None) -> WriteOnlyCell:
    """A cell of ``ws`` to append, never a formula (a text starting with ``=`` stays text)."""
    cell = WriteOnlyCell(ws, cell_value(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"  # text, even when it starts with '='
    if alignment is not None:
        cell.alignment = alignment
    if fill is not None:
        cell.fill = fill
    if font is not None:
        cell.font = font
    return cell


def write_header(ws: Sheet, columns: Sequence[Column], freeze: str) -> None:
    """Row 1 of a review sheet: the columns' Russian titles in bold on the header fill, each
    column as wide as it says, the header frozen at ``freeze`` (set before the first row: a
    write-only sheet writes its view and columns first)."""
    for j, col in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(j)].width = col.width
    ws.freeze_panes = freeze
    ws.append([new_cell(ws, c.title, fill=HEADER_FILL, font=Font(bold=True)) for c in columns])


def append_row(ws: Sheet, row: int, values: Sequence[object], columns: Sequence[Column],
               fill_col: int, fill: PatternFill) -> None:
    """Append ``values`` as row ``row`` of ``ws``: every cell wrapped, the cell of column
    ``fill_col`` shaded ``fill``, the row as high as its wrapped texts need
    (``pipeline.sheet_rows``). A write-only sheet writes the row at once and forgets it."""
    cells = [new_cell(ws, v, fill=fill if j == fill_col else None)
             for j, v in enumerate(values, 1)]
    height = row_height((c.value, col.width) for c, col in zip(cells, columns, strict=True))
    if height is not None:
        ws.row_dimensions[row].height = height
    ws.append(cells)
    if isinstance(ws, WriteOnlyWorksheet):
        ws.row_dimensions.pop(row, None)  # written: nothing of the row is kept


def _cells(row: Mapping[str, object]) -> list[object]:
    values: list[object] = []
    for col in COLUMNS:
        value = row.get(col.key)
        if col.key == "reason" and isinstance(value, str):
            value = REASON_TEXT.get(value, value)
        elif col.key == "locator" and isinstance(value, str):
            value = locator_ru(value)
        values.append(value)
    return values


def write_review_book(rows: Iterable[Mapping[str, object]], path: Path,
                      catalog_names: Iterable[str] = (),
                      more_sheets: Callable[[Workbook], object] | None = None) -> Path:
    """Write the rows (keys of ``COLUMNS``) to ``path`` atomically; a ``reason`` of
    ``decided`` marks a decided row (shaded green). ``more_sheets`` adds sheets after the
    names' one (the uncertain rows, ``pipeline.batch.review.row_sheet``).

    The workbook is write-only: each row goes to the file as it is taken from ``rows`` (an
    iterator is consumed once, lazily), so memory does not grow with the rows."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    write_header(ws, COLUMNS, "B2")
    decision_col = next(j for j, c in enumerate(COLUMNS, 1) if c.key == "canonical")
    n_rows = 0
    for n_rows, row in enumerate(rows, 1):
        decided = row.get("reason") == ReviewReason.DECIDED
        append_row(ws, n_rows + 1, _cells(row), COLUMNS, decision_col,
                   DECIDED_FILL if decided else DECISION_FILL)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(n_rows + 1, 2)}"
    if more_sheets is not None:
        more_sheets(wb)
    _catalog_list(wb, ws, sorted(set(catalog_names)), decision_col, n_rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.{uuid.uuid4().hex}.xlsx")
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _catalog_list(wb: Workbook, ws: Sheet, names: list[str], col: int, n_rows: int) -> None:
    """The catalog's names on a sheet of their own, offered as a drop-down in the decision
    column (a warning, not a stop, on other text: ``-`` means "no catalog indicator")."""
    if not names:
        return
    cat = wb.create_sheet(CATALOG_SHEET)
    cat.column_dimensions["A"].width = 90
    for name in names:
        cat.append([new_cell(cat, name, alignment=None)])
    add_choice_list(ws, col, f"'{CATALOG_SHEET}'!$A$1:$A${len(names)}", max(n_rows + 1, 2),
                    "Нет в каталоге",
                    "Этого названия нет в каталоге; «-» — показатель не из каталога.")


def add_choice_list(ws: Sheet, col: int, choices: str, last: int, title: str,
                    error: str) -> None:
    """A drop-down of ``choices`` (a list formula) on column ``col`` from row 2 to 500 rows
    past ``last``; another value is allowed with a warning (the analyst may know better)."""
    letter = get_column_letter(col)
    dv = DataValidation(type="list", formula1=choices, allow_blank=True, showErrorMessage=True,
                        errorStyle="warning", errorTitle=title, error=error)
    dv.add(f"{letter}2:{letter}{last + 500}")
    ws.data_validations.append(dv)


def iter_review_rows(path: Path) -> Iterator[dict[str, str]]:
    """Every row of the workbook at ``path`` as texts by column key (columns whose header is
    not one of ours are left out), one at a time (the workbook is read streaming).

    Raises:
        ReviewBookError: the file is not a readable workbook or has no decision column
            (on the first ``next``).
    """
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, InvalidFileException, KeyError, ValueError) as exc:
        raise ReviewBookError(str(path), f"not a readable workbook ({exc})") from None
    try:
        ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        keys = [TITLES.get(cell_str(h).strip()) for h in next(rows, ())]
        if "raw_name" not in keys or "canonical" not in keys:
            raise ReviewBookError(str(path), "no columns «Название в документе» and "
                                  "«Решение (каноническое название)» in the first row")
        for values in rows:
            yield {k: cell_str(v).strip() for k, v in zip(keys, values, strict=False) if k}
    finally:
        wb.close()


def read_review_rows(path: Path) -> list[dict[str, str]]:
    """Every row of the workbook at ``path`` as texts by column key (``iter_review_rows``).

    Raises:
        ReviewBookError: the file is not a readable workbook or has no decision column.
    """
    return list(iter_review_rows(path))


def read_review_book(path: Path) -> list[Filled]:
    """The rows of the workbook at ``path`` with a decision or a note filled in (only those
    are kept: the workbook is read a row at a time).

    Raises:
        ReviewBookError: the file is not a readable workbook or has no decision column.
    """
    return [Filled(r["raw_name"], r.get("canonical", ""), r.get("note", ""))
            for r in iter_review_rows(path)
            if r.get("raw_name") and (r.get("canonical") or r.get("note"))]
