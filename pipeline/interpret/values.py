"""The value grammar as the interpreters use it: one place that adapts
``pipeline.grammar`` to row building (values in cells, values in prose, units from names)."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache, lru_cache

from pipeline.grammar import dates, money, numbers, percents, statuses, units
from pipeline.grammar.numbers import Value, find_value, parse_number
from pipeline.grammar.statuses import status_in_prose
from pipeline.vocab import read_rows
from schemas.enums import Status, Unit

__all__ = [
    "Value",
    "find_value",
    "find_values",
    "is_no_value",
    "is_null_token",
    "is_relative_target",
    "money_scale",
    "parse_date",
    "parse_money",
    "parse_number",
    "parse_percent",
    "parse_period",
    "parse_value",
    "status_in_prose",
    "status_of",
    "unit_of",
]

# The cell grammar is pure (text in, frozen value out) and cell texts repeat (statuses, units,
# placeholders, the same column of a report in every row): each is read once per process.
CELL_CACHE = 1 << 12


@lru_cache(maxsize=CELL_CACHE)
def status_of(text: str | None) -> Status | None:
    """``pipeline.grammar.statuses.status_of``, cached."""
    return statuses.status_of(text)


@lru_cache(maxsize=CELL_CACHE)
def parse_value(text: str | None, is_rank: bool = False) -> Value:
    """``pipeline.grammar.numbers.parse_value``, cached."""
    return numbers.parse_value(text, is_rank)


@lru_cache(maxsize=CELL_CACHE)
def is_null_token(text: str | None) -> bool:
    """``pipeline.grammar.numbers.is_null_token``, cached."""
    return numbers.is_null_token(text)


@lru_cache(maxsize=CELL_CACHE)
def parse_percent(text: str | None) -> float | None:
    """``pipeline.grammar.percents.parse_percent``, cached."""
    return percents.parse_percent(text)


@lru_cache(maxsize=CELL_CACHE)
def unit_of(text: str | None) -> Unit | None:
    """``pipeline.grammar.units.unit_of``, cached."""
    return units.unit_of(text)


@lru_cache(maxsize=CELL_CACHE)
def parse_money(text: str | None, default_scale: float = 1.0) -> float | None:
    """``pipeline.grammar.money.parse_money``, cached."""
    return money.parse_money(text, default_scale)


@lru_cache(maxsize=CELL_CACHE)
def money_scale(text: str | None) -> float:
    """``pipeline.grammar.units.money_scale``, cached (a header's text, read by each table
    reader that tries the table)."""
    return units.money_scale(text)


@lru_cache(maxsize=CELL_CACHE)
def parse_date(text: str | None) -> dt.date | None:
    """``pipeline.grammar.dates.parse_date``, cached."""
    return dates.parse_date(text)


@lru_cache(maxsize=CELL_CACHE)
def parse_period(text: str | None, year: int | None = None
                 ) -> tuple[dt.date | None, dt.date | None]:
    """``pipeline.grammar.dates.parse_period``, cached."""
    return dates.parse_period(text, year)


@cache
def _no_value_re() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{r['pattern']})" for r in read_rows("no_value.csv")),
                      re.IGNORECASE)


@cache
def _relative_re() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{r['pattern']})" for r in read_rows("relative_targets.csv")),
                      re.IGNORECASE)


def is_relative_target(text: str | None) -> bool:
    """A cell whose figure is a change against another year (``снижение не менее чем на 5
    п.п. к предыдущему году``), not the indicator's level: no value, the text is kept."""
    return bool(text) and bool(_relative_re().search(" ".join((text or "").split())))


def is_no_value(text: str | None) -> bool:
    """A cell that says the year has no target at all (``-``, ``Показатель введен с
    01.01.2018``, ``показатель не используется``): no row, rather than a row of nothing."""
    t = (text or "").strip()
    return is_null_token(t) or bool(_no_value_re().search(t))


def find_values(text: str) -> list[Value]:
    """All values in ``text`` in order (a cell holding several indicators' values)."""
    out: list[Value] = []
    rest = text
    while rest:
        v = find_value(rest)
        if v is None or v.value is None:
            break
        out.append(v)
        idx = rest.find(v.raw) if v.raw else -1
        if idx < 0:
            break
        rest = rest[idx + len(v.raw):]
    return out
