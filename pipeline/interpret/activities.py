"""Activity tables: plans of events (passports) and road maps with statuses."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from extractors.model import Table
from pipeline.grammar.dates import find_dates
from pipeline.grammar.items import item_number
from pipeline.interpret.cells import (
    DataRow,
    data_rows,
    item_level,
    join_wrapped,
    starts_lower,
    strip_item_number,
)
from pipeline.interpret.headers import Header, norm
from pipeline.interpret.values import parse_date, parse_period, status_of
from schemas.enums import Status
from schemas.rows import ActivityRow

MAX_STATUS_CHARS = 40
DETAIL_ROLES = {"responsible", "status", "start", "end", "period", "result_form", "report"}


def is_activity_table(h: Header) -> bool:
    roles = h.roles
    if "activity" not in roles or {"planned", "actual"} & roles:
        return False
    return bool(roles & {"responsible", "status", "start", "end"})


def _period(text: str) -> tuple[Any, Any]:
    """A deadline cell: one exact date is an end date; a range or a month gives both."""
    dates = find_dates(text)
    if len(dates) == 1 and parse_date(text) is not None:
        return None, dates[0]
    return parse_period(text)


def _status(cells: list[str], col: int | None, name_col: int | None
            ) -> tuple[str | None, Status | None]:
    """Status of a row: its status cell, or (rows shifted in a flattened dump) the short
    cell elsewhere in the row that reads as a status."""
    primary = _text(cells, col)
    if primary and len(primary) <= MAX_STATUS_CHARS and (s := status_of(primary)):
        return primary, s
    for k, cell in enumerate(cells):
        text = norm(cell)
        short = text and len(text) <= MAX_STATUS_CHARS and k not in (col, name_col)
        if short and (s := status_of(text)):
            return text, s
    if primary and (s := status_of(primary)):
        return primary, s
    return primary, None


def _text(row_cells: list[str], col: int | None) -> str | None:
    if col is None or col >= len(row_cells):
        return None
    return norm(row_cells[col]) or None


def _numbered(row: DataRow, name_col: int | None, num_col: int | None, level_col: int | None
              ) -> tuple[str | None, str, bool]:
    """The item number of a row (its number cell, leading its name, or after its level:
    ``Мероприятие 1.1.3``), its name and whether a level names it an item of its own."""
    name = row.get(name_col)
    number = item_number(row.get(num_col)) if num_col is not None else None
    if number is None:
        lead, rest = strip_item_number(name)
        if lead:
            number, name = lead, rest
    levelled, level_number = item_level(row.get(level_col)) if level_col is not None else (
        False, None)
    return number or level_number, name, levelled


def activities_from_table(table: Table, h: Header) -> list[ActivityRow]:
    name_col = h.first("activity")
    num_col = h.first("number")
    cols = {role: h.first(role) for role in DETAIL_ROLES}
    out: list[ActivityRow] = []
    rows = [(row, *_numbered(row, name_col, num_col, cols["status"]))
            for row in data_rows(table, h.n_rows)]
    numbered = any(number for _, number, _, _ in rows)
    for row, number, name, levelled in rows:
        cont = not row.is_spanning() if numbered else not name.strip()
        if not number and not levelled and out and (cont or starts_lower(name)):
            # continuation row or page (in a table that numbers its items, any row without
            # a number): extend the texts of the item above
            prev = out[-1]
            joined: dict[str, Any] = {}
            for key in ("name", "responsible", "report"):
                extra = _text(row.cells, name_col if key == "name" else cols[key])
                # other columns only when they go on a text cut off (rows below an item may
                # repeat its responsible, or hold texts of their own)
                if extra and (key == "name" or (prev[key] and starts_lower(extra))):
                    joined[key] = norm(join_wrapped(prev[key], extra))
            out[-1] = replace(prev, **joined)
            continue
        if row.is_spanning() or not name.strip():
            continue
        start = end = None
        if cols["start"] is not None:
            start = parse_date(row.get(cols["start"]))
        if cols["end"] is not None:
            end = parse_date(row.get(cols["end"]))
        period_text = _text(row.cells, cols["period"])
        if period_text and start is None and end is None:
            start, end = _period(period_text)
        if period_text is None and (cols["start"] is not None or cols["end"] is not None):
            parts = [_text(row.cells, cols["start"]), _text(row.cells, cols["end"])]
            period_text = " – ".join(p for p in parts if p) or None
        # a 'Статус' column of levels (Подпрограмма 1, Мероприятие 1.1.3) holds no status
        status_raw, status = (None, None) if levelled else _status(row.cells, cols["status"],
                                                                    name_col)
        out.append(ActivityRow(
            number=number,
            name=norm(name),
            start_date=start,
            end_date=end,
            period_text=period_text,
            responsible=_text(row.cells, cols["responsible"]),
            result_form=_text(row.cells, cols["result_form"]),
            status_raw=status_raw,
            status=status.value if status else None,
            report=_text(row.cells, cols["report"]),
            page=row.page,
            locator=row.locator,
        ))
    return out
