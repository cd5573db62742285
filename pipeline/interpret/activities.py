"""Activity tables: plans of events (passports) and road maps with statuses."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Any

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
from pipeline.interpret.values import is_null_token, parse_date, parse_period, status_of
from pipeline.interpret.view import TableView
from schemas.enums import Status
from schemas.rows import ActivityRow

MAX_STATUS_CHARS = 40
DETAIL_ROLES = {"responsible", "status", "start", "end", "period", "result_form", "report",
                "actual_date"}
MARK_ROLE = "status_mark"  # a column whose header is a status (наступило / не наступило)
DASHES_RE = re.compile(r"^[-–—‑]+$")


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
              ) -> tuple[str | None, str, bool, bool]:
    """The item number of a row (its number cell, leading its name, or after its level:
    ``Мероприятие 1.1.3``), its name, whether a level names it an item of its own and whether its
    wording is in the rows below (its name cell holds only a level and its number:
    ``Контрольное событие 1.1.1``). A name cell merged over the rows of several levelled items
    names each of them."""
    name = row.get(name_col)
    number = item_number(row.get(num_col)) if num_col is not None else None
    if number is None:
        lead, rest = strip_item_number(name)
        if lead:
            number, name = lead, rest
    labelled = number is None and bool((label := item_level(name))[1])
    if labelled:
        number, name = label[1], ""
    levelled, level_number = item_level(row.get(level_col)) if level_col is not None else (
        False, None)
    if not row.get(name_col) and level_number and name_col is not None:
        name = row.filled[name_col]
    return number or level_number, name, levelled, labelled


@dataclass(frozen=True, slots=True)
class Marks:
    """The columns of a plan's status marks (``наступило | с нарушением срока | не
    наступило``), each with its header text: the status a mark in it gives."""

    cols: tuple[tuple[int, str], ...]

    @classmethod
    def of(cls, h: Header) -> Marks:
        return cls(tuple((c.index, c.texts[-1]) for c in h.columns
                         if c.role == MARK_ROLE and c.texts))

    def read(self, row: DataRow) -> tuple[str | None, Status | None, dt.date | None]:
        """Status as written (the header of the marked column), status and the date the mark
        is (an actual date). A dash marks a column only when no other column is marked (a
        dash in 'не наступило' beside a date in 'наступило' crosses the cell out)."""
        marked = [(k, t) for k, t in self.cols if not is_null_token(row.get(k))]
        dashed = [(k, t) for k, t in self.cols if DASHES_RE.match(norm(row.get(k)))]
        found = marked[:1] or (dashed if len(dashed) == 1 else [])
        if not found:
            return None, None, None
        k, header = found[0]
        return header, status_of(header), parse_date(row.get(k))


def _is_heading(row: DataRow, cols: dict[str, int | None], marks: Marks, levelled: bool
                ) -> bool:
    """A row of a higher level of the plan (Подпрограмма, Основное мероприятие) whose every
    detail cell is crossed out (``х``): a heading of the events below, no event itself."""
    detail = [row.get(k) for role, k in (*cols.items(), *((MARK_ROLE, k) for k, _ in marks.cols))
              if k is not None and not (levelled and role == "status")]
    texts = [norm(t) for t in detail if norm(t)]
    return bool(texts) and all(is_null_token(t) and not DASHES_RE.match(t) for t in texts)


def _row(row: DataRow, number: str | None, name: str, levelled: bool,
         cols: dict[str, int | None], name_col: int | None, marks: Marks) -> ActivityRow:
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
    mark_raw, mark, marked_on = marks.read(row)
    if mark_raw is not None:
        status_raw, status = mark_raw, mark
    elif levelled:  # a 'Статус' column of levels (Подпрограмма 1, Мероприятие 1.1.3)
        status_raw, status = None, None
    else:
        status_raw, status = _status(row.cells, cols["status"], name_col)
    actual = parse_date(row.get(cols["actual_date"])) if cols["actual_date"] is not None else None
    return ActivityRow(
        number=number,
        name=norm(name),
        start_date=start,
        end_date=end,
        actual_date=actual or marked_on,
        period_text=period_text,
        responsible=_text(row.cells, cols["responsible"]),
        result_form=_text(row.cells, cols["result_form"]),
        status_raw=status_raw,
        status=status.value if status else None,
        report=_text(row.cells, cols["report"]),
        page=row.page,
        locator=row.locator,
    )


def _filled_in(prev: ActivityRow, more: ActivityRow) -> ActivityRow:
    """An item whose number row held no wording, completed by the row below it."""
    fields = ("start_date", "end_date", "actual_date", "period_text", "responsible",
              "result_form", "status_raw", "status", "report")
    return replace(prev, **{f: getattr(more, f) for f in fields
                            if getattr(prev, f) is None and getattr(more, f) is not None})


def activities_from_table(table: TableView, h: Header) -> list[ActivityRow]:
    name_col = h.first("activity")
    num_col = h.first("number")
    cols = {role: h.first(role) for role in DETAIL_ROLES}
    marks = Marks.of(h)
    out: list[ActivityRow] = []
    rows = [(row, *_numbered(row, name_col, num_col, cols["status"]))
            for row in data_rows(table, h.n_rows)]
    numbered = any(number for _, number, _, _, _ in rows)
    for row, number, name, levelled, labelled in rows:
        cont = not row.is_spanning() if numbered else not name.strip()
        awaited = bool(out) and not out[-1].name  # the wording of the item numbered above
        if not number and not levelled and out and (cont or starts_lower(name) or awaited):
            # continuation row or page (in a table that numbers its items, any row without
            # a number): extend the texts of the item above
            prev = out[-1]
            if awaited:
                prev = _filled_in(prev, _row(row, None, "", False, cols, name_col, marks))
            joined: dict[str, Any] = {}
            for key in ("name", "responsible", "report"):
                extra = _text(row.cells, name_col if key == "name" else cols[key])
                # other columns only when they go on a text cut off (rows below an item may
                # repeat its responsible, or hold texts of their own)
                if extra and (key == "name" or (prev[key] and starts_lower(extra))):
                    joined[key] = norm(join_wrapped(prev[key] or "", extra))
            out[-1] = replace(prev, **joined)
            continue
        if (row.is_spanning() and not labelled) or _is_heading(row, cols, marks, levelled):
            continue
        if not name.strip() and not labelled:
            continue
        out.append(_row(row, number, name, levelled, cols, name_col, marks))
    return [a for a in out if a.name]
