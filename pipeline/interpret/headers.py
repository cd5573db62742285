"""Header bands of tables: find the header rows and give every column a role and a year.

Roles come from a vocabulary kept as data (``vocab/header_roles.csv``); the column map is
built from all header rows, the lowest (most specific) header text with a role winning, and
a year named anywhere above a column (``Показатели на 2020 год``, ``2019``) attached to it.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from extractors.model import Table
from pipeline.interpret.unwrap import unwrap

YEAR_RE = re.compile(r"(?<!\d)(20[0-4]\d|19[89]\d)(?!\d)")
YEAR_ONLY_RE = re.compile(r"^\s*(20[0-4]\d|19[89]\d)\s*(г\.?|год)?\s*$", re.IGNORECASE)
ITEM_RE = re.compile(r"^\s*\d{1,2}(\.\d{1,2})*\.?(\s|$)")
MAX_HEADER_ROWS = 5


@dataclass(frozen=True, slots=True)
class Role:
    role: str
    pattern: re.Pattern[str]


@cache
def role_vocab() -> tuple[Role, ...]:
    """Header vocabulary, in priority order."""
    text = resources.files("pipeline.vocab").joinpath("header_roles.csv").read_text("utf-8")
    return tuple(
        Role(r["role"], re.compile(r["pattern"], re.IGNORECASE))
        for r in csv.DictReader(text.splitlines())
    )


def norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "").replace("ё", "е").replace("Ё", "Е")).strip()


def role_of(text: str | None) -> str | None:
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
    role: str | None
    year: int | None
    texts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Header:
    n_rows: int
    columns: tuple[Column, ...]

    def cols(self, role: str) -> list[int]:
        return [c.index for c in self.columns if c.role == role]

    def first(self, role: str) -> int | None:
        found = self.cols(role)
        return found[0] if found else None

    def year_cols(self) -> list[Column]:
        """Columns that are a bare year (passport targets by year)."""
        return [c for c in self.columns if c.role == "year"]

    @property
    def roles(self) -> set[str]:
        return {c.role for c in self.columns if c.role}

    @property
    def text(self) -> str:
        return " ".join(t for c in self.columns for t in c.texts)


def _is_header_row(row: list[str | None]) -> bool:
    cells = [norm(c) for c in row if norm(c)]
    if not cells:
        return True
    if ITEM_RE.match(cells[0]) and not YEAR_ONLY_RE.match(cells[0]):
        return False
    has_role = False
    for c in cells:
        if YEAR_ONLY_RE.match(c) or role_of(c):
            has_role = True
            continue
        if re.search(r"\d", c) and not YEAR_RE.search(c):
            return False
    return has_role


def header_rows(table: Table) -> int:
    """Number of leading rows that form the header band (0 when none is recognised)."""
    grid = table.grid()
    n = 0
    for row in grid[:MAX_HEADER_ROWS]:
        if not _is_header_row(row):
            break
        n += 1
    # trailing empty rows are not header
    while n and not any(norm(c) for c in grid[n - 1]):
        n -= 1
    return n


def column_of(texts: list[str], index: int) -> Column:
    role: str | None = None
    year: int | None = None
    for t in reversed(texts):
        if YEAR_ONLY_RE.match(t):
            year = year or int(YEAR_ONLY_RE.match(t).group(1))  # type: ignore[union-attr]
            role = role or "year"
            continue
        r = role_of(t)
        if role is None or (role == "year" and r in {"planned", "actual"}):
            role = r if r else role
        if year is None and (m := YEAR_RE.search(t)) and r not in {"period", "start", "end"}:
            year = int(m.group(1))
    if role == "year" and any(role_of(t) == "base_value" for t in texts):
        role = "base_value"
    return Column(index, role, year, tuple(texts))


def analyse(table: Table, n_header: int | None = None) -> Header:
    """Build the column map of ``table`` from its header band."""
    n = header_rows(table) if n_header is None else n_header
    grid = table.grid(fill=True)
    columns = []
    for k in range(table.n_cols):
        texts: list[str] = []
        for r in range(n):
            t = norm(unwrap(grid[r][k] or ""))
            if t and (not texts or texts[-1] != t):
                texts.append(t)
        columns.append(column_of(texts, k))
    return Header(n, tuple(columns))
