"""Indicator tables: execution reports (plan / fact / percent, per year column groups) and
passports or orders (targets by year). Columns are found by header meaning, never position."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.grammar.items import item_number
from pipeline.interpret.cells import (
    LETTER_RE,
    DataRow,
    data_rows,
    join_wrapped,
    parse_name_cell,
    starts_lower,
)
from pipeline.interpret.headers import NAME_ROLES, VALUE_ROLES, Header, HeaderRole, norm
from pipeline.interpret.plausibility import (
    NameKind,
    Origin,
    RowEvidence,
    ends_as_parent,
    helper_attributes,
    is_indicator_name,
    is_qualified_part,
    name_kind,
)
from pipeline.interpret.rowbuild import Reading, indicator_row
from pipeline.interpret.values import (
    Value,
    find_values,
    is_no_value,
    is_relative_target,
    parse_percent,
    parse_value,
    status_of,
    unit_of,
)
from pipeline.interpret.view import TableView
from pipeline.vocab import money_re
from schemas.enums import Unit
from schemas.rows import IndicatorRow

FUNDING_HEADER_RE = money_re("funding_header")


@dataclass(frozen=True, slots=True)
class YearGroup:
    year: int | None
    planned: int | None
    actual: int | None
    completion: int | None
    need: int | None = None  # the need stated beside the approved target (kept as text)


def name_column(h: Header) -> int | None:
    return h.first_of(NAME_ROLES)


def is_indicator_table(h: Header) -> bool:
    roles = h.roles
    if name_column(h) is None:
        return False
    if {"planned", "actual"} & roles or is_state_table(h):
        return True
    # targets by year: of indicators, or of results measured in units (a tasks-and-results
    # table names its rows 'задачи, результата, мероприятия' but gives each a unit)
    return bool(h.year_cols()) and bool({"indicator", "unit"} & roles)


def is_state_table(h: Header) -> bool:
    """One column of states beside a unit column and no plan or fact, in a table of
    indicators (a school's self-assessment, «Сведения о …» with «значение на 01.01.2021»):
    actual values. A list of items with a quantity («Наименование мероприятия | Ед. изм. |
    Количество») is no such table."""
    name_col = name_column(h)
    return (len(h.cols("state")) == 1 and "unit" in h.roles
            and not {"planned", "actual", "need"} & h.roles
            and name_col is not None and h.columns[name_col].role == HeaderRole.INDICATOR)


def year_groups(h: Header, default_year: int | None, targets: bool = False) -> list[YearGroup]:
    if is_state_table(h):  # the state of the report year (a date's year is its next one); in a
        state = h.cols("state")[0]  # passport the one column of values holds the targets
        year = default_year or h.columns[state].year
        return [YearGroup(year, state, None, None) if targets
                else YearGroup(year, None, state, None)]
    planned, actual, completion = h.cols("planned"), h.cols("actual"), h.cols("completion")
    need = h.cols("need")
    if planned and not actual and (quarters := h.cols("quarters")):
        actual = quarters[-1:]  # 'Значения по кварталам: I … IV': the year ends with the last
    if planned or actual:
        years = sorted({h.columns[c].year for c in planned + actual}, key=lambda y: y or 0)
        groups = []
        for y in years:
            def pick(cols: list[int], y: int | None = y) -> int | None:
                same = [c for c in cols if h.columns[c].year == y]
                if same:
                    return same[0]
                return cols[0] if len(years) == 1 and cols else None
            groups.append(YearGroup(y or default_year, pick(planned), pick(actual),
                                    pick(completion), pick(need)))
        return groups
    return [YearGroup(c.year, c.index, None, None) for c in h.year_cols()]


def base_column(h: Header) -> int | None:
    """The base value's column: one the header names so, else a bare year left of the target
    years whose columns are split into measures (``2016 | 2017: потребность | утверждено |
    …``): the year before the programme, its value the base."""
    if (col := h.first("base_value")) is not None:
        return col
    measured = [c for c in h.columns if c.role in ("planned", "need", "actual") and c.year]
    bare = [c for c in h.columns if c.role == "year" and c.year]
    if not measured or not bare:
        return None
    first = min(c.index for c in measured)
    earliest = min(c.year or 0 for c in measured)
    before = [c for c in bare if c.index < first and (c.year or 0) < earliest]
    return before[-1].index if len(before) == 1 else None


def _values(text: str, k: int) -> list[Value | None]:
    """``k`` values out of one cell: one parse, or ``k`` values found in order."""
    if is_relative_target(text):
        return [Value(None, None, None, text)] * k  # a change, not a level: kept as text
    if k == 1:
        return [parse_value(text) if text.strip() else None]
    found = find_values(text)
    if len(found) == k:
        return list(found)
    return [None] * k


def _split_texts(text: str, k: int) -> list[str]:
    if k == 1:
        return [text]
    parts = [p.strip() for p in text.split("\n\n") if p.strip()]
    return parts if len(parts) == k else [text] * k


@dataclass(slots=True)
class TableContext:
    doc_year: int | None
    targets: bool = False  # a passport or order: a single column of values holds targets


def _project(row: DataRow, h: Header, carried: dict[str, str]) -> str | None:
    col = h.first("federal_project")
    if col is None:
        return None
    text = norm(row.filled[col]) if col < len(row.filled) else ""
    if text and not row.is_spanning():
        carried["federal_project"] = text
    return carried.get("federal_project")


def _cell(row: DataRow, col: int | None, h: Header) -> str:
    """A value cell's text; a merged cell's text over every column it spans (``не более 10
    мин.`` merged over eight years is the target of each), when the merged cell starts in a
    value column (a section title merged from the name column over the row is no value)."""
    if col is None:
        return ""
    if own := row.get(col):
        return own
    text = row.filled[col] if col < len(row.filled) else ""
    origin = col
    while origin > 0 and row.filled[origin - 1] == text and not row.cells[origin]:
        origin -= 1
    return text if text and h.columns[origin].role in VALUE_ROLES else ""


def name_of(row: DataRow, h: Header, name_col: int | None) -> str:
    """The name cell's text; a sub-row under a parent merged down the name column (``Уровень
    обеспеченности …, в том числе:`` over ``бассейнами, %``) is named parent + child."""
    own = row.get(name_col)
    if name_col is None:
        return own
    role = h.columns[name_col].role
    children = []
    for c in range(name_col + 1, len(h.columns)):
        if h.columns[c].role != role:
            break
        if LETTER_RE.search(child := row.get(c)):
            children.append(child)
    parent = own or (row.filled[name_col] if name_col < len(row.filled) else "")
    return " ".join([parent, *children]) if children and parent else own


def _planned_text(row: DataRow, g: YearGroup, h: Header) -> str | None:
    planned = norm(_cell(row, g.planned, h)) if g.planned is not None else ""
    if g.need is None:
        return planned or None
    need = norm(_cell(row, g.need, h))
    return f"потребность: {need or '-'}; утверждено: {planned or '-'}"


def _no_values(row: DataRow, g: YearGroup, h: Header) -> bool:
    return all(is_no_value(_cell(row, c, h)) for c in (g.planned, g.actual, g.need, g.completion)
               if c is not None)


def _indicator_rows(row: DataRow, h: Header, names: list[str], activity: str | None,
                    groups: list[YearGroup], project: str | None,
                    evidence: RowEvidence, state_text: str | None = None,
                    hints: tuple[Unit | None, str | None] = (None, None)) -> list[IndicatorRow]:
    """The rows of one table row; ``state_text`` is a state table's value text gathered over
    the rows its name spans (``405`` then ``42,6%``: a count and its percent); ``hints`` the
    unit and comparator of a helper row under the name."""
    k = len(names)
    base_col, status_col, note_col = base_column(h), h.first("status"), h.first("note")
    unit_col, activity_col = h.first("unit"), h.first("activity")
    if activity_col is not None and activity_col != name_column(h) and row.get(activity_col):
        activity = norm(row.get(activity_col))
    unit_text = row.get(unit_col) if unit_col is not None else ""
    # a unit stated in its column but outside the enum (час, кв. м) is 'other', not unknown
    stated_unit = (unit_of(unit_text) or Unit.OTHER) if LETTER_RE.search(unit_text) else None
    stated_unit = stated_unit or hints[0]
    base = parse_value(row.get(base_col)).value if base_col is not None else None
    note_texts = _split_texts(row.get(note_col), k)
    status_texts = _split_texts(row.get(status_col), k) if status_col is not None else note_texts
    out: list[IndicatorRow] = []
    for g in groups:
        if len(groups) > 1 and _no_values(row, g, h):
            continue  # a year without a target ('-', 'Показатель введен с …'): no row
        planned = _values(_cell(row, g.planned, h), k) if g.planned is not None else [None] * k
        actual_cell = state_text if state_text is not None else _cell(row, g.actual, h)
        actual = _values(actual_cell, k) if g.actual is not None else [None] * k
        if state_text is not None and (actual[0] is None or actual[0].value is None):
            continue  # a state that is no figure («не проводилась», «да»): no row
        pct_cells = _split_texts(row.get(g.completion), k)
        pcts = [parse_percent(t) if g.completion is not None else None for t in pct_cells]
        if k > 1 and g.completion is not None:
            found = [v.value for v in find_values(row.get(g.completion))]
            pcts = found if len(found) == k else [None] * k
        for i, name in enumerate(names):
            status = status_of(status_texts[i]) if status_texts[i] else None
            reading = Reading(
                planned=planned[i], actual=actual[i], base=base, pct=pcts[i], comparator=hints[1],
                planned_text=_planned_text(row, g, h),
                actual_text=(norm(actual_cell) or None if g.actual is not None else None))
            out.append(indicator_row(
                name, g.year, reading, stated_unit=stated_unit, evidence=evidence,
                planned_cell=norm(_cell(row, g.planned, h)) if g.need is not None else None,
                federal_project=project, activity=activity,
                status_raw=(norm(status_texts[i]) or None) if status else None,
                status=status.value if status else None,
                note=norm(note_texts[i]) or None if note_col is not None else None,
                page=row.page, locator=row.locator))
    return out


def _funding_row(row: DataRow, h: Header, after_funding: bool, number: str | None) -> bool:
    """A row of money in a table of results whose value columns hold the results' values and
    the funding of the tasks (``Значение результата, объём финансирования``): the funding
    (its unit is money) and the rows of its sources under it are not indicators."""
    unit_col, source_col = h.first("unit"), h.first("source")
    if unit_col is None or not FUNDING_HEADER_RE.search(h.text):
        return False
    if source_col is not None and row.get(source_col).strip():
        return True  # a source of funds ('МБ', 'всего') is stated: money
    unit = row.get(unit_col)
    if unit.strip():
        return unit_of(unit) == Unit.RUB
    return after_funding and number is None


def _has_values(row: DataRow, groups: list[YearGroup]) -> bool:
    cols = {c for g in groups for c in (g.planned, g.actual) if c is not None}
    return any(row.get(c).strip() for c in cols)


CHILD_MARK_RE = re.compile(r"^\s*[-–—•]\s*")


@dataclass(slots=True)
class _Pending:
    """An indicator row read but not yet built: a name may continue on the rows below."""

    row: DataRow
    names: list[str]
    activity: str | None
    project: str | None
    child: bool = False  # named parent + child
    joined: bool = False  # a label or a broken name joined with the row(s) below
    states: list[str] = field(default_factory=list)  # a state table's value texts, in order
    unit: Unit | None = None  # from a helper row under the name («%», «не менее, чел.»)
    comparator: str | None = None

    def is_label(self) -> bool:
        return any(name_kind(n) == NameKind.LABEL_ONLY for n in self.names)


def _is_child(text: str, parent: str | None) -> bool:
    """A sub-row of the row above: ``- теплоснабжение``, ``в том числе …``, ``водопровод``."""
    if parent is None:
        return False
    if CHILD_MARK_RE.match(text) or is_qualified_part(text):
        return True
    # a lower-case part («водопровод»), or any part under «…, в том числе:»; a lower-case
    # name that is a measure of its own («количество сооружений …») is no part
    return (starts_lower(text) or ends_as_parent(parent)) and name_kind(text) != NameKind.MEASURE


def _child_name(parent: str, child: str) -> str:
    """Parent + child; a part that says its relation itself (``в том числе …``) as written."""
    if is_qualified_part(child):
        return child
    sep = " " if ends_as_parent(parent) else ": "
    return norm(f"{parent.rstrip()}{sep}{CHILD_MARK_RE.sub('', child)}")


def indicators_from_table(table: TableView, h: Header, ctx: TableContext) -> list[IndicatorRow]:
    """Indicator rows of one table whose header ``h`` was recognised as an indicator table.

    A label row (``Показатель задачи 2:``) is joined with the name below it; a sub-row
    (``- теплоснабжение``) is named parent + child; a passport's field label gives no row."""
    name_col = name_column(h)
    num_col = h.first("number")
    groups = year_groups(h, ctx.doc_year, ctx.targets)
    out: list[IndicatorRow] = []
    carried: dict[str, str] = {}
    pending: _Pending | None = None
    parent: str | None = None  # the name of the last row that is not a sub-row
    funding = False
    state_col = h.cols("state")[0] if is_state_table(h) else None

    def emit(p: _Pending | None) -> None:
        if p is None or not all(is_indicator_name(n) for n in p.names):
            return
        origin = Origin.TABLE if state_col is None else Origin.STATE_TABLE
        evidence = RowEvidence(origin, joined=p.joined or p.child)
        state = (" / ".join(t for t in p.states if t)
                 if state_col is not None and not ctx.targets else None)
        out.extend(_indicator_rows(p.row, h, p.names, p.activity, groups, p.project, evidence,
                                   state, (p.unit, p.comparator)))

    for row in data_rows(table, h.n_rows):
        project = _project(row, h, carried)  # carries project cells down
        name_text = name_of(row, h, name_col)
        number = item_number(row.get(num_col)) if num_col is not None else None
        if (funding := _funding_row(row, h, funding, number)):
            emit(pending)
            pending = parent = None
            continue
        bare = bool(pending and name_text.strip() and not number and not _has_values(row, groups))
        if pending and bare and (attrs := helper_attributes(name_text)) is not None:
            pending.unit, pending.comparator = attrs  # «%», «не менее»: the name's attributes
            continue
        # a state table's name wraps over rows that hold the rest of its value (the percent)
        wraps = state_col is not None and starts_lower(name_text)
        if pending and (bare or wraps) and (starts_lower(name_text) or pending.is_label() or (
                num_col is not None and not row.is_spanning())):
            # a name split over two rows (or two pages), or a label over its name: join them
            pending.names = [norm(join_wrapped(n, name_text)) for n in pending.names]
            pending.joined = True
            if state_col is not None:
                pending.states.append(row.get(state_col))
            continue
        if row.is_spanning() or not LETTER_RE.search(name_text):
            parent = None if row.is_spanning() and name_text.strip() else parent
            continue  # a section row, or a row of column numbers the header band did not end
        cell = parse_name_cell(name_text)
        if not cell.names:
            continue
        if pending is not None and not pending.child and not pending.is_label():
            parent = pending.names[0]
        emit(pending)
        child = len(cell.names) == 1 and not number and _is_child(name_text, parent)
        names = [_child_name(parent, cell.names[0])] if child and parent else cell.names
        pending = _Pending(row, names, cell.activity, project, child=child)
        if state_col is not None:
            pending.states.append(row.get(state_col))
        if not child:
            parent = None
    emit(pending)
    return out


def table_projects(table: TableView, h: Header) -> dict[str, str]:
    """First national / federal / municipal project name stated in the table's columns."""
    out: dict[str, str] = {}
    for role in ("national_project", "federal_project", "municipal_project"):
        col = h.first(role)
        if col is None:
            continue
        for row in data_rows(table, h.n_rows):
            text = norm(row.filled[col]) if col < len(row.filled) else ""
            if text and not row.is_spanning():
                out[role] = text
                break
    return out
