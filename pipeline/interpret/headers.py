"""Header bands of tables: find the header rows and give every column a role and a year.

Roles come from a vocabulary kept as data (``vocab/header_roles.csv``); the column map is
built from all header rows, the lowest (most specific) header text with a role winning, and
a year named anywhere above a column (``Показатели на 2020 год``, ``2019``) attached to it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache
from importlib import resources
from itertools import pairwise

from extractors.model import Table
from pipeline.grammar.items import starts_with_item_number
from pipeline.grammar.years import YEAR_ONLY_RE, YEAR_RE
from pipeline.interpret.unwrap import unwrap
from pipeline.interpret.view import TableView, view_of

RowCells = Sequence[str | None]  # one row of a grid (``Table.grid``)
Cells = Sequence[RowCells]
MAX_HEADER_ROWS = 5
MAX_SUBHEADER_ROWS = 2  # word-only rows between a header band and its row of column numbers
MAX_CAPTION_ROWS = 10  # title rows a sheet may put above its header (Сведения / за 2017 год)
NAME_ROLES = ("indicator", "activity", "task_result", "result_name")  # names, in priority
VALUE_ROLES = frozenset({"planned", "actual", "need", "completion", "base_value", "year", "state"})


class HeaderRole(StrEnum):
    """What a column holds, as its header names it (``vocab/header_roles.csv``)."""

    NUMBER = "number"
    START = "start"
    END = "end"
    ACTUAL_DATE = "actual_date"
    NATIONAL_PROJECT = "national_project"
    FEDERAL_PROJECT = "federal_project"
    MUNICIPAL_PROJECT = "municipal_project"
    INDICATOR_TYPE = "indicator_type"
    BASE_VALUE = "base_value"
    BASE_DATE = "base_date"
    COMPLETION = "completion"
    NEED = "need"
    PLANNED = "planned"
    ACTUAL = "actual"
    STATE = "state"  # one column of states on a date (a self-assessment, «значение на 01.01»)
    STATUS = "status"
    STATUS_MARK = "status_mark"
    NOTE = "note"
    REPORT = "report"
    PERIOD = "period"
    RESPONSIBLE = "responsible"
    RESULT_FORM = "result_form"
    EXPECTED = "expected"
    CONTROL_LEVEL = "control_level"
    UNIT = "unit"
    QUARTERS = "quarters"
    TOTAL = "total"
    TASK_RESULT = "task_result"
    ACTIVITY = "activity"
    RESULT_NAME = "result_name"
    SOURCE = "source"
    INDICATOR = "indicator"
    YEAR = "year"  # a bare year over a column (not in the vocabulary: read by YEAR_ONLY_RE)


# plan / fact under a deadline header are dates: the deadline and the date it was met
DATED = {HeaderRole.PLANNED: HeaderRole.END, HeaderRole.ACTUAL: HeaderRole.ACTUAL_DATE}
DATE_ROLES = frozenset({HeaderRole.PERIOD, HeaderRole.START, HeaderRole.END})
PLAN_FACT = frozenset({HeaderRole.PLANNED, HeaderRole.ACTUAL})


@dataclass(frozen=True, slots=True)
class Role:
    role: HeaderRole
    pattern: re.Pattern[str]


@cache
def role_vocab() -> tuple[Role, ...]:
    """Header vocabulary, in priority order."""
    text = resources.files("pipeline.vocab").joinpath("header_roles.csv").read_text("utf-8")
    return tuple(
        Role(HeaderRole(r["role"]), re.compile(r["pattern"], re.IGNORECASE))
        for r in csv.DictReader(text.splitlines())
    )


SPACES_RE = re.compile(r"\s+")
TEXT_CACHE = 1 << 13  # distinct cell texts remembered by the pure text functions below


@lru_cache(maxsize=TEXT_CACHE)
def norm(text: str | None) -> str:
    """Spaces collapsed, ё as е (a table's texts are normalised many times over: cached)."""
    return SPACES_RE.sub(" ", (text or "").replace("ё", "е").replace("Ё", "Е")).strip()


@lru_cache(maxsize=TEXT_CACHE)
def role_of(text: str | None) -> HeaderRole | None:
    """The role a header text names, or None."""
    t = norm(text).lower()
    if not t:
        return None
    for r in role_vocab():
        if r.pattern.search(t):
            return r.role
    return None


@dataclass(frozen=True, slots=True)
class Column:
    index: int
    role: HeaderRole | None
    year: int | None
    texts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Header:
    n_rows: int  # rows above the first data row: captions and the header band
    columns: tuple[Column, ...]
    start: int = 0  # first row of the header band (after caption rows)

    def cols(self, role: str) -> list[int]:
        return [c.index for c in self.columns if c.role == role]

    def first(self, role: str) -> int | None:
        found = self.cols(role)
        return found[0] if found else None

    def first_of(self, roles: tuple[str, ...]) -> int | None:
        """The first column of the first of ``roles`` (in priority order) the header has."""
        return next((col for role in roles if (col := self.first(role)) is not None), None)

    def year_cols(self) -> list[Column]:
        """Columns that are a bare year (passport targets by year)."""
        return [c for c in self.columns if c.role == "year"]

    @property
    def roles(self) -> set[str]:
        return {c.role for c in self.columns if c.role}

    @property
    def text(self) -> str:
        return " ".join(t for c in self.columns for t in c.texts)


def _is_header_row(row: RowCells) -> bool:
    cells = [norm(c) for c in row if norm(c)]
    if not cells:
        return True
    if starts_with_item_number(cells[0]) and not YEAR_ONLY_RE.match(cells[0]):
        return False
    has_role = False
    for c in cells:
        if YEAR_ONLY_RE.match(c) or role_of(c):
            has_role = True
            continue
        if re.search(r"\d", c) and not YEAR_RE.search(c):
            return False
    return has_role


def lower_first(text: str) -> bool:
    """``text`` starts with a lower-case letter (the rest of a text above it)."""
    first = text[:1]
    return first.isalpha() and first.islower()


def _wraps_header(above: RowCells, row: RowCells) -> bool:
    """A row of header words wrapped from the cells right above it (``Единица`` /
    ``измерения``, a narrow cell's ``Наименован`` / ``ие``): lower case, no digits."""
    cells = [(k, norm(c)) for k, c in enumerate(row) if norm(c)]
    return bool(cells) and all(
        lower_first(t) and not re.search(r"\d", t) and norm(above[k]) for k, t in cells)


def _is_section_row(row: RowCells) -> bool:
    """One text across the whole row (``Цель: …``, ``Показатели цели.``): a section of the
    data under a header, never a header row of its own."""
    return len(row) > 2 and all(row) and len({norm(c) for c in row}) == 1


def _is_name_heading(row: RowCells, first: RowCells) -> bool:
    """One capitalised text alone under a header band, in the column where the band's first
    row starts (``Задача 1. Обеспечение …`` under ``Показатели задач … | 2015 год | …``): a
    heading of the data below, not a header row."""
    texts = [k for k, c in enumerate(row) if norm(c)]
    lead = next((k for k, c in enumerate(first) if norm(c)), None)
    return (len(texts) == 1 and texts[0] == lead and len([c for c in first if norm(c)]) > 1
            and not lower_first(norm(row[texts[0]])))


def band_rows(grid: Cells, start: int,
          fill: Cells | None = None) -> int:
    """Number of header rows from ``start`` on (0 when none is recognised)."""
    n = 0
    for r in range(start, min(start + MAX_HEADER_ROWS, len(grid))):
        if n and fill is not None and (_is_section_row(fill[r])
                                       or _is_name_heading(grid[r], grid[start])):
            break
        above = fill[r - 1] if fill is not None else grid[r - 1]  # a merged cell covers it
        if not _is_header_row(grid[r]) and not (n and _wraps_header(above, grid[r])):
            break
        n += 1
    # trailing empty rows are not header
    while n and not any(norm(c) for c in grid[start + n - 1]):
        n -= 1
    return n


def is_caption_row(row: RowCells) -> bool:
    """A title row over the table: at most one text, however many cells it spans."""
    return len({norm(c) for c in row if norm(c)}) <= 1


def _is_numbering_row(row: RowCells) -> bool:
    """The row of column numbers under a header (``1 | 2 | 3 | ...``)."""
    cells = [norm(c) for c in row if norm(c)]
    if len(cells) < 3 or not all(c.isdigit() and len(c) <= 2 for c in cells):
        return False
    nums = [int(c) for c in cells]
    return nums[0] <= 2 and all(a < b for a, b in pairwise(nums))


def header_band(table: Table | TableView) -> tuple[int, int, int]:
    """``(start, end, data)``: the header band is rows ``start..end-1``, data from ``data`` on.

    The band starts at the top unless the table opens with caption rows (a sheet's title
    lines: one text each) and only a band further down names two column roles or more. A row
    of column numbers under the band is neither header nor data (``data`` is past it).
    """
    view = view_of(table)
    grid, fill = view.grid, view.filled
    first = band_rows(grid, 0, fill)
    for start in range(0, min(MAX_CAPTION_ROWS, len(grid) - 1) + 1):
        if start and not is_caption_row(fill[start - 1]):
            break
        n = first if start == 0 else band_rows(grid, start, fill)
        if n and len(_roles(fill, table.n_cols, start, start + n)) >= 2:
            # leading empty rows, and a caption naming a role itself, stay out of the band
            while not any(norm(c) for c in grid[start]) or (
                    n > 1 and is_caption_row(fill[start])
                    and not set(fill[start]) & set(fill[start + 1]) - {None, ""}  # no tall cell
                    and len(_roles(fill, table.n_cols, start + 1, start + n)) >= 2):
                start, n = start + 1, n - 1
            return (start, *_numbered_end(grid, start + n))
    return (0, *_numbered_end(grid, first)) if first else (0, 0, 0)


def _roles(fill: Cells, n_cols: int, start: int, end: int) -> set[str]:
    return {c.role for c in columns_in(fill, n_cols, start, end) if c.role}


def _numbered_end(grid: Cells, end: int) -> tuple[int, int]:
    """``(end, data)`` once a row of column numbers closes the header: the sub-header rows of
    plain words above it (``наступило | не наступило``) join the band, the numbers are skipped."""
    for j in range(end, min(end + MAX_SUBHEADER_ROWS + 1, len(grid))):
        if _is_numbering_row(grid[j]):
            return j, j + 1
        if any(re.search(r"\d", c or "") for c in grid[j]):
            break
    return end, end


def column_of(texts: list[str], index: int) -> Column:
    role: HeaderRole | None = None
    year: int | None = None
    for t in reversed(texts):
        if m := YEAR_ONLY_RE.match(t):
            year = year or int(m.group(1))
            role = role or HeaderRole.YEAR
            continue
        r = role_of(t)
        if role is None or (role == HeaderRole.YEAR and r in PLAN_FACT):
            role = r if r else role
        if year is None and (m := YEAR_RE.search(t)) and r not in DATE_ROLES:
            year = int(m.group(1))
    if role == HeaderRole.STATE and (upper := [r for t in texts if (r := role_of(t))
                                               and r != HeaderRole.STATE]):
        role = upper[-1]  # «Значение» under «Базовое значение»: a weak word, the upper names it
    if role == HeaderRole.YEAR and any(role_of(t) == HeaderRole.BASE_VALUE for t in texts):
        role = HeaderRole.BASE_VALUE
    if role in DATED and any(role_of(t) in DATE_ROLES for t in texts):
        role = DATED[role]  # 'Срок реализации' over 'план | факт': dates, not values
    return Column(index, role, year, tuple(texts))


def _spans_columns(row: RowCells, k: int) -> bool:
    t = row[k]
    return bool(t) and any(0 <= j < len(row) and row[j] == t for j in (k - 1, k + 1))


def _wrapped(upper: str, lower: str) -> str | None:
    """``upper`` and ``lower`` read as one header text (lower continues upper's words),
    or None when ``lower`` is a sub-header of its own (``План`` under ``Значение``)."""
    if not lower_first(norm(lower)):
        return None
    joined = norm(unwrap(f"{upper}\n{lower}"))
    role = role_of(lower)
    return joined if role is None or (role_of(upper) is None and role_of(joined) == role) else None


def columns_in(fill: Cells, n_cols: int, start: int, end: int) -> list[Column]:
    columns = []
    for k in range(n_cols):
        texts: list[str] = []
        raw, last_row = "", -1
        for r in range(start, end):
            cell = fill[r][k] or ""
            t = norm(unwrap(cell))
            if not t or (texts and texts[-1] == t):
                continue
            if texts and last_row == r - 1 and not _spans_columns(fill[r - 1], k) and (
                    joined := _wrapped(raw, cell)):
                texts[-1], raw = joined, f"{raw}\n{cell}"
            else:
                texts.append(t)
                raw = cell
            last_row = r
        columns.append(column_of(texts, k))
    return columns


def analyse(table: Table | TableView, n_header: int | None = None,
            band: tuple[int, int, int] | None = None) -> Header:
    """Build the column map of ``table`` from its header band (the first ``n_header`` rows
    when given; ``band`` when the caller has found it already)."""
    if n_header is not None:
        band = (0, n_header, n_header)
    view = view_of(table)
    start, end, data = band if band is not None else header_band(view)
    columns = columns_in(view.filled, view.n_cols, start, end)
    return Header(data, tuple(columns), start)
