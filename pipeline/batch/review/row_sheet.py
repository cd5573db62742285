"""The sheet «Проверка строк» of the review workbook: the indicator and finance rows whose
``confidence`` is under the review threshold, each with its file, page, locator, table, name
(``indicator_raw``; for a finance figure its ``source``), values and confidence, and a
decision column with the drop-down «оставить» / «удалить» (``pipeline.batch.review.row_decisions``).

Written like the names' sheet (``pipeline.batch.review.book``): Russian headers, header
row frozen, autofilter, every text a string and never a formula; read back by header text,
so an analyst may reorder or add columns. The locator is shown in Russian («Место в
документе») and, as stored, in a column of its own near ``doc_id`` (the two say which row a
decision is about).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Mapping
from enum import StrEnum
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from pipeline.batch.review.book import (
    DECIDED_FILL,
    DECISION_FILL,
    ReviewBookError,
    add_choice_list,
    append_row,
    cell_str,
    write_header,
)
from pipeline.batch.review.row_decisions import Verdict
from pipeline.normalise.review import Column
from pipeline.texts_ru import locator_ru

ROW_SHEET = "Проверка строк"


class RowState(StrEnum):
    """Where a row of the sheet stands (column «Состояние»)."""

    TO_CHECK = "проверить"
    DECIDED = "решено"


ROW_COLUMNS: tuple[Column, ...] = (
    Column("file", "Файл", 36),
    Column("page", "Страница", 9),
    Column("place", "Место в документе", 30),  # the locator in Russian, shown only
    Column("table", "Таблица", 11),
    Column("name", "Название (для финансов — источник)", 50),
    Column("year", "Год", 7),
    Column("planned", "План", 14),
    Column("actual", "Факт", 14),
    Column("unit", "Единица", 10),
    Column("confidence", "Уверенность", 11),
    Column("decision", "Решение (оставить / удалить)", 16),
    Column("note", "Примечание", 24),
    Column("state", "Состояние", 11),
    Column("doc_id", "Документ (doc_id)", 18),
    Column("locator", "Место (locator)", 18),  # as stored: with doc_id, what a row is
)
ROW_TITLES = {c.title: c.key for c in ROW_COLUMNS}
KEY_FIELDS = ("doc_id", "table", "locator", "year", "name")  # what the row key is made of


def add_row_sheet(wb: Workbook, rows: Iterable[Mapping[str, object]]) -> int:
    """Add the sheet of ``rows`` (keys of ``ROW_COLUMNS``) to ``wb``, each row written as it
    is taken (a write-only workbook streams them); a ``state`` of «решено» shades the decision
    green. The number of rows."""
    ws = wb.create_sheet(ROW_SHEET)
    write_header(ws, ROW_COLUMNS, "A2")
    decision_col = next(j for j, c in enumerate(ROW_COLUMNS, 1) if c.key == "decision")
    n_rows = 0
    for n_rows, row in enumerate(rows, 1):
        values = [row.get(col.key) if col.key != "place" else locator_ru(
            str(row.get("locator") or "")) for col in ROW_COLUMNS]
        decided = row.get("state") == RowState.DECIDED
        append_row(ws, n_rows + 1, values, ROW_COLUMNS, decision_col,
                   DECIDED_FILL if decided else DECISION_FILL)
    last = max(n_rows + 1, 2)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(ROW_COLUMNS))}{last}"
    add_choice_list(ws, decision_col, f'"{Verdict.KEEP},{Verdict.DROP}"', last,
                    "Неизвестное решение", "Решение — «оставить» или «удалить».")
    return n_rows


def read_row_sheet(path: Path, filled_only: bool = False) -> list[dict[str, str]]:
    """Every row of the sheet «Проверка строк» of the workbook at ``path`` as texts by column
    key (``filled_only``: only those with a decision or a note, the sheet read a row at a
    time); none when the workbook has no such sheet (one written before it existed).

    Raises:
        ReviewBookError: the file is not a readable workbook, or the sheet lacks a column
            that identifies a row or the decision column.
    """
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, InvalidFileException, KeyError, ValueError) as exc:
        raise ReviewBookError(str(path), f"not a readable workbook ({exc})") from None
    try:
        if ROW_SHEET not in wb.sheetnames:
            return []
        rows = wb[ROW_SHEET].iter_rows(values_only=True)
        keys = [ROW_TITLES.get(cell_str(h).strip()) for h in next(rows, ())]
        missing = [c.title for c in ROW_COLUMNS if c.key in (*KEY_FIELDS, "decision")
                   and c.key not in keys]
        if missing:
            raise ReviewBookError(str(path), f"the sheet «{ROW_SHEET}» lacks the column(s) "
                                  + ", ".join(f"«{t}»" for t in missing))
        texts = ({k: cell_str(v).strip() for k, v in zip(keys, values, strict=False) if k}
                 for values in rows)
        return [r for r in texts if not filled_only or r.get("decision") or r.get("note")]
    finally:
        wb.close()
