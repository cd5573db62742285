"""Helpers over table rows shared by the table interpreters: data rows, carried-down cells,
item numbers and indicator-name cells (``Показатель: 1. … Мероприятия: …``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from extractors.model import Table
from pipeline.grammar.items import leading_item_number
from pipeline.interpret.headers import norm
from pipeline.interpret.unwrap import unwrap
from pipeline.interpret.view import TableView, view_of
from pipeline.vocab import read_rows

# 'Показатель:' over the name(s) in the same cell (not 'Показатель цели 1. …', a name itself)
INDICATOR_MARK_RE = re.compile(r"^\s*(целевой\s+)?показател[ьи]\s*(?::\s*|\n\s*|$)",
                               re.IGNORECASE)
ACTIVITY_MARK_RE = re.compile(r"(?:^|\n)\s*мероприяти[еяй]\s*:?", re.IGNORECASE)
LETTER_RE = re.compile(r"[^\W\d_]")  # any letter, of any script
ITEM_SPLIT_RE = re.compile(r"(?:^|\n)\s*(\d{1,2})\.\s+(?=\S)")
# a compound word wrapped at its hyphen ("естественно-" / "научной"): the line break goes
WRAPPED_HYPHEN_RE = re.compile(r"(?<=[^\W\d_])-[ \t]*\n\s*(?=[а-яёa-z])")


@dataclass(frozen=True, slots=True)
class DataRow:
    index: int
    cells: list[str]  # texts, merged cells only at their origin ("" elsewhere)
    filled: list[str]  # merged cells' text repeated over their span
    locator: str
    page: int | None

    def get(self, col: int | None) -> str:
        return self.cells[col] if col is not None and col < len(self.cells) else ""

    def non_empty(self) -> list[str]:
        return [c for c in self.cells if c.strip()]

    def is_spanning(self) -> bool:
        """A section / group row: one text spread over (nearly) the whole row, merged or
        written again in every cell (a sheet that repeats a section title across it)."""
        texts = {c for c in self.filled if c.strip()}
        return len(texts) == 1 and len(self.cells) > 2


def data_rows(table: Table | TableView, n_header: int) -> list[DataRow]:
    table = view_of(table)
    grid, filled = table.grid, table.filled
    out = []
    for r in range(n_header, table.n_rows):
        cells = [unwrap(c or "").strip() for c in grid[r]]
        fcells = [unwrap(c or "").strip() for c in filled[r]]
        if not any(cells):
            continue
        out.append(DataRow(r, cells, fcells, table.row_locator(r), table.row_page(r)))
    return out


def strip_item_number(text: str) -> tuple[str | None, str]:
    """Split ``1.2. Name`` into ``("1.2", "Name")``; a bare number before a lowercase word is
    a quantity, not an item number (``44 лучших учителя ...``)."""
    number, rest, dotted = leading_item_number(text)
    if number is not None and (dotted or not starts_lower(rest)):
        return number, rest
    return None, text


def join_wrapped(first: str, rest: str) -> str:
    """Join a text and its continuation (the next line, row or page)."""
    return unwrap(WRAPPED_HYPHEN_RE.sub("-", f"{first.rstrip()}\n{rest.lstrip()}"))


CONTINUING = "(),;:"  # nor does a name or a sentence start with these


def starts_lower(text: str) -> bool:
    """Names start with a capital or a number: a cell starting in lower case is the rest of the
    one above (a row broken by a page break, or a text typed over two rows)."""
    first = text.lstrip()[:1]
    return (first.isalpha() and first.islower()) or (first != "" and first in CONTINUING)


def clean_name(text: str) -> str:
    t = norm(WRAPPED_HYPHEN_RE.sub("-", text))
    t = t.strip(" :;")
    if len(t) > 2 and t[0] in "«\"" and t[-1] in "»\"" and t.count("«") == 1:
        t = t[1:-1]
    return t


@dataclass(frozen=True, slots=True)
class NameCell:
    names: list[str]
    activity: str | None


def parse_name_cell(text: str) -> NameCell:
    """Indicator name(s) and event text of a name cell.

    ``Показатель:\\n\\n1. Name:\\nМероприятия:\\n- …`` gives ``["Name"]`` and the event
    text; a cell listing ``3. …`` and ``4. …`` gives two names.
    """
    body = text
    marked = bool(INDICATOR_MARK_RE.match(body))
    body = INDICATOR_MARK_RE.sub("", body, count=1)
    activity = None
    m = ACTIVITY_MARK_RE.search(body)
    if m and (marked or m.start() > 0):
        activity = norm(body[m.end():]).lstrip("- ").strip() or None
        body = body[: m.start()]
    parts = [p for p in ITEM_SPLIT_RE.split(body)]
    names: list[str] = []
    if len(parts) >= 3:
        # parts: [before, num, text, num, text, ...]
        head = norm(parts[0])
        for k in range(1, len(parts) - 1, 2):
            names.append(clean_name(parts[k + 1]))
        if head:
            names[0] = clean_name(head + " " + names[0]) if not marked else names[0]
    else:
        _, rest = strip_item_number(body)
        names = [clean_name(rest)]
    return NameCell([n for n in names if n], activity)


@cache
def _level_re() -> re.Pattern[str]:
    alternatives = "|".join(f"(?:{r['pattern']})" for r in read_rows("item_levels.csv"))
    return re.compile(rf"^\s*(?:{alternatives})\s*(?P<number>\d{{1,2}}(?:\.\d{{1,2}})*)?\.?\s*$",
                      re.IGNORECASE)


def item_level(text: str | None) -> tuple[bool, str | None]:
    """``Основное мероприятие 1.2`` -> ``(True, "1.2")``: the level of an item in a plan (as a
    state programme's 'Статус' column gives it) and the item number it carries."""
    m = _level_re().match(norm(text))
    return (True, m.group("number")) if m else (False, None)

