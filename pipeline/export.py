"""Export an output for analysts: one Excel workbook (sheets Документы, Показатели, Ряды,
Мероприятия, Финансы) or one CSV file per table that a Russian Excel opens as it is.

The workbook is written with openpyxl's write-only mode, rows streamed from the Parquet parts
in batches, so memory stays bounded whatever the number of rows: Russian headers, numbers as
numbers, dates as dates (``ДД.ММ.ГГГГ``), the header row frozen, an autofilter, column widths
set. A table longer than a sheet goes on in sheets «Показатели (2)» … The CSV files are UTF-8
with a BOM, ``;`` between cells, decimal commas and dates ``ДД.ММ.ГГГГ``. A text cell
beginning with ``=``, ``+``, ``-``, ``@`` (or a tab, a CR) gets a leading ``'`` so no
spreadsheet takes it for a formula. Both are written to a temporary name and renamed into
place.

Shown in Russian (``pipeline.texts_ru``), the stored values staying as they are: the
documents get a column «Причина (по-русски)» beside the English ``error``, and the locators
read ``таблица 2, лист «Лист1», строка 31``. In the workbook a long text of a wide column is
wrapped and its row given the height of its lines, so LibreOffice and Excel draw no text
over the next row.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import logging
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from pipeline.batch.load.storage import Storage, inside, open_storage
from pipeline.batch.load.write import file_schema, read_stored_part
from pipeline.export_headers import SHEETS, WIDE, header
from pipeline.load import SERIES_FILE, part_rels, read_series
from pipeline.sheet_rows import row_height
from pipeline.texts_ru import error_ru, locator_ru
from schemas import SERIES

log = logging.getLogger(__name__)

BATCH_ROWS = 2_000
SHEET_ROWS = 1_048_575  # Excel's rows a sheet, less the header
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what makes a spreadsheet cell a formula
DATE_FORMAT = "DD.MM.YYYY"
CSV_DATE = "%d.%m.%Y"
LIST_SEP = "; "
WIDTHS = {"text": 24, "wide": 60, "number": 14, "date": 12, "list": 30, "locator": 30}
MAX_WIDTH = 80
LOCATORS = frozenset({"locator", "target_locator", "fact_locator"})
# columns of the export only, each after the stored column it is shown from
DERIVED: dict[str, dict[str, tuple[str, Any]]] = {
    "documents": {"error": ("error_ru", error_ru)}}
WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True, slots=True)
class Exported:
    """Rows written per table."""

    rows: dict[str, int]


def safe_text(text: str) -> str:
    """``text`` that no spreadsheet runs as a formula (a ``'`` before a formula's start)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _kind(column: str, type_: pa.DataType) -> str:
    if column in LOCATORS:
        return "locator"
    if pa.types.is_date(type_):
        return "date"
    if pa.types.is_integer(type_) or pa.types.is_floating(type_):
        return "number"
    if pa.types.is_list(type_):
        return "list"
    return "wide" if column in WIDE else "text"


def _list_text(value: list[Any]) -> str:
    parts = []
    for item in value:
        if isinstance(item, dict):  # match_candidates: name (score)
            parts.append(f"{item.get('name')} ({item.get('score')})")
        else:
            parts.append(str(item))
    return LIST_SEP.join(parts)


def schema_of(table: str) -> pa.Schema:
    return SERIES if table == "series" else file_schema(table)


def export_columns(table: str) -> list[tuple[str, str]]:
    """The columns of ``table``'s sheet and file with their kinds: the stored ones, each
    followed by the columns ``DERIVED`` from it."""
    columns: list[tuple[str, str]] = []
    for f in schema_of(table):
        columns.append((f.name, _kind(f.name, f.type)))
        if f.name in DERIVED.get(table, {}):
            columns.append((DERIVED[table][f.name][0], "wide"))
    return columns


def _values(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with the columns derived for the export (the Russian texts)."""
    for source, (name, show) in DERIVED.get(table, {}).items():
        row[name] = show(row.get(source)) or None
    return row



def table_batches(out: Storage, table: str) -> Iterator[list[dict[str, Any]]]:
    """The rows of ``table`` in batches of at most ``BATCH_ROWS`` (one part at a time)."""
    if table == "series":
        if not out.exists(SERIES_FILE):
            log.warning("export: %s has no series yet (run extract once); the sheet is empty",
                        out.url)
            return
        rels = [SERIES_FILE]
    else:
        rels = [r for r in part_rels(out, table) if not r.endswith("-schema.parquet")]
    for rel in rels:
        if out.local is not None:  # streamed from the file, a batch at a time
            pf = pq.ParquetFile(inside(out.local, rel))
            for batch in pf.iter_batches(batch_size=BATCH_ROWS):
                yield batch.to_pylist()
            continue
        data = read_series(out) if table == "series" else read_stored_part(out, rel, table)
        for batch in data.to_batches(max_chunksize=BATCH_ROWS):
            yield batch.to_pylist()


def _xlsx_value(ws: WriteOnlyWorksheet, kind: str, value: Any, width: float
                ) -> tuple[Any, str | None]:
    """The cell of ``value`` and its text when it is wrapped (a long text of a wide
    column)."""
    if kind == "locator":
        kind, value = "text", locator_ru(value) or None
    value = _plain_value(ws, kind, value)
    if isinstance(value, str) and kind in ("wide", "list") and (
            len(value) > width - 1 or "\n" in value):
        cell = WriteOnlyCell(ws, value=value)
        cell.alignment = WRAP
        return cell, value
    return value, None


def _plain_value(ws: WriteOnlyWorksheet, kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "date":
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if kind == "list":
        return safe_text(_list_text(value)) if value else None
    if isinstance(value, str):
        return safe_text(value)
    return value


def _new_sheet(wb: Workbook, title: str, table: str, columns: list[tuple[str, str]]
               ) -> WriteOnlyWorksheet:
    ws = wb.create_sheet(title)
    ws.freeze_panes = "A2"
    for i, width in enumerate(column_widths(table, columns), 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    bold = Font(bold=True)
    cells = []
    for column, _ in columns:
        cell = WriteOnlyCell(ws, value=header(table, column))
        cell.font = bold
        cells.append(cell)
    ws.append(cells)
    return ws


def column_widths(table: str, columns: list[tuple[str, str]]) -> list[float]:
    """The width of each column in characters: by its kind, or its header's."""
    return [float(min(max(WIDTHS[kind], len(header(table, column)) + 2), MAX_WIDTH))
            for column, kind in columns]


def _finish_sheet(ws: WriteOnlyWorksheet, n_cols: int, n_rows: int) -> None:
    ws.auto_filter.ref = f"A1:{get_column_letter(n_cols)}{n_rows + 1}"


def _append(ws: WriteOnlyWorksheet, row_no: int, cells: list[tuple[Any, str | None]],
            widths: list[float]) -> None:
    """Append a row, as high as its most wrapped cell needs (the height is dropped once the
    row is written: memory does not grow with the rows)."""
    height = row_height(zip((t for _, t in cells), widths, strict=True))
    if height is not None:
        ws.row_dimensions[row_no].height = height
    ws.append([c for c, _ in cells])
    ws.row_dimensions.pop(row_no, None)


def _write_table(wb: Workbook, out: Storage, table: str, title: str) -> int:
    columns = export_columns(table)
    widths = column_widths(table, columns)
    ws, sheet_no, in_sheet, total = _new_sheet(wb, title, table, columns), 1, 0, 0
    for rows in table_batches(out, table):
        for row in rows:
            if in_sheet == SHEET_ROWS:
                _finish_sheet(ws, len(columns), in_sheet)
                sheet_no += 1
                ws, in_sheet = _new_sheet(wb, f"{title} ({sheet_no})", table, columns), 0
            row = _values(table, row)
            _append(ws, in_sheet + 2, [_xlsx_value(ws, kind, row.get(col), width)
                                       for (col, kind), width in zip(columns, widths,
                                                                     strict=True)], widths)
            in_sheet += 1
            total += 1
    _finish_sheet(ws, len(columns), in_sheet)
    return total


def export_xlsx(out: Path | str | Storage, path: Path) -> Exported:
    """Write the tables of ``out`` to the workbook ``path`` (replaced atomically)."""
    storage = open_storage(out)
    wb = Workbook(write_only=True)
    counts = {table: _write_table(wb, storage, table, title) for table, title in SHEETS}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{uuid.uuid4().hex}.tmp"
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    log.info("export: %s written (%s)", path, ", ".join(f"{t} {n}" for t, n in counts.items()))
    return Exported(counts)


def _csv_value(kind: str, value: Any) -> str:
    if value is None:
        return ""
    if kind == "date":
        return value.strftime(CSV_DATE) if isinstance(value, dt.date) else str(value)
    if kind == "number":
        return f"{value:.15g}".replace(".", ",") if isinstance(value, float) else str(value)
    if kind == "list":
        return safe_text(_list_text(value))
    if kind == "locator":
        return safe_text(locator_ru(value))
    return safe_text(str(value))


def _write_csv(out: Storage, table: str, path: Path) -> int:
    columns = export_columns(table)
    tmp = path.parent / f".{path.name}.{uuid.uuid4().hex}.tmp"
    n = 0
    try:
        with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh, delimiter=";", quoting=csv.QUOTE_MINIMAL)
            writer.writerow([header(table, c) for c, _ in columns])
            for rows in table_batches(out, table):
                writer.writerows([_csv_value(kind, row.get(c)) for c, kind in columns]
                                 for row in (_values(table, r) for r in rows))
                n += len(rows)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return n


def export_csv(out: Path | str | Storage, folder: Path) -> Exported:
    """Write one CSV file per table of ``out`` into ``folder`` (``documents.csv`` …)."""
    storage = open_storage(out)
    folder.mkdir(parents=True, exist_ok=True)
    counts = {table: _write_csv(storage, table, folder / f"{table}.csv") for table, _ in SHEETS}
    log.info("export: CSV files written to %s", folder)
    return Exported(counts)
