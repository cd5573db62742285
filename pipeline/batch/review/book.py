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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
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


def put_cell(ws: Worksheet, row: int, col: int, value: object) -> None:
    """Write a number as a number and anything else as text, never as a formula."""
    if value is None or value == "":
        return
    cell = ws.cell(row, col)
    if isinstance(value, int | float) and not isinstance(value, bool):
        cell.value = value
    else:
        cell.value = cell_str(value)
        cell.data_type = "s"  # text, even when it starts with '='


def write_header(ws: Worksheet, columns: Sequence[Column]) -> None:
    """Row 1 of a review sheet: the columns' Russian titles in bold on the header fill, each
    column as wide as it says."""
    for j, col in enumerate(columns, 1):
        cell = ws.cell(1, j, col.title)
        cell.font, cell.fill, cell.alignment = Font(bold=True), HEADER_FILL, WRAP
        ws.column_dimensions[get_column_letter(j)].width = col.width


def set_row_height(ws: Worksheet, row: int, columns: Sequence[Column]) -> None:
    """Make row ``row`` as high as its wrapped texts need (``pipeline.sheet_rows``)."""
    height = row_height((ws.cell(row, j).value, c.width) for j, c in enumerate(columns, 1))
    if height is not None:
        ws.row_dimensions[row].height = height


def write_review_book(rows: Sequence[Mapping[str, object]], path: Path,
                      catalog_names: Iterable[str] = (),
                      more_sheets: Callable[[Workbook], None] | None = None) -> Path:
    """Write the rows (keys of ``COLUMNS``) to ``path`` atomically; a ``reason`` of
    ``decided`` marks a decided row (shaded green). ``more_sheets`` adds sheets after the
    names' one (the uncertain rows, ``pipeline.batch.review.row_sheet``)."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    write_header(ws, COLUMNS)
    decision_col = next(j for j, c in enumerate(COLUMNS, 1) if c.key == "canonical")
    for i, row in enumerate(rows, 2):
        for j, col in enumerate(COLUMNS, 1):
            value = row.get(col.key)
            if col.key == "reason" and isinstance(value, str):
                value = REASON_TEXT.get(value, value)
            elif col.key == "locator" and isinstance(value, str):
                value = locator_ru(value)
            put_cell(ws, i, j, value)
            ws.cell(i, j).alignment = WRAP
        set_row_height(ws, i, COLUMNS)
        decided = row.get("reason") == ReviewReason.DECIDED
        ws.cell(i, decision_col).fill = DECIDED_FILL if decided else DECISION_FILL
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(len(rows) + 1, 2)}"
    if more_sheets is not None:
        more_sheets(wb)
    _catalog_list(wb, ws, sorted(set(catalog_names)), decision_col, len(rows))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.{uuid.uuid4().hex}.xlsx")
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _catalog_list(wb: Workbook, ws: Worksheet, names: list[str], col: int, n_rows: int) -> None:
    """The catalog's names on a sheet of their own, offered as a drop-down in the decision
    column (a warning, not a stop, on other text: ``-`` means "no catalog indicator")."""
    if not names:
        return
    cat = wb.create_sheet(CATALOG_SHEET)
    cat.column_dimensions["A"].width = 90
    for i, name in enumerate(names, 1):
        put_cell(cat, i, 1, name)
    add_choice_list(ws, col, f"'{CATALOG_SHEET}'!$A$1:$A${len(names)}", max(n_rows + 1, 2),
                    "Нет в каталоге",
                    "Этого названия нет в каталоге; «-» — показатель не из каталога.")


def add_choice_list(ws: Worksheet, col: int, choices: str, last: int, title: str,
                    error: str) -> None:
    """A drop-down of ``choices`` (a list formula) on column ``col`` from row 2 to 500 rows
    past ``last``; another value is allowed with a warning (the analyst may know better)."""
    letter = get_column_letter(col)
    dv = DataValidation(type="list", formula1=choices, allow_blank=True, showErrorMessage=True,
                        errorStyle="warning", errorTitle=title, error=error)
    dv.add(f"{letter}2:{letter}{last + 500}")
    ws.add_data_validation(dv)


def read_review_rows(path: Path) -> list[dict[str, str]]:
    """Every row of the workbook at ``path`` as texts by column key (columns whose header is
    not one of ours are left out).

    Raises:
        ReviewBookError: the file is not a readable workbook or has no decision column.
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
        return [{k: cell_str(v).strip() for k, v in zip(keys, values, strict=False) if k}
                for values in rows]
    finally:
        wb.close()


def read_review_book(path: Path) -> list[Filled]:
    """The rows of the workbook at ``path`` with a decision or a note filled in.

    Raises:
        ReviewBookError: the file is not a readable workbook or has no decision column.
    """
    return [Filled(r["raw_name"], r.get("canonical", ""), r.get("note", ""))
            for r in read_review_rows(path)
            if r.get("raw_name") and (r.get("canonical") or r.get("note"))]
