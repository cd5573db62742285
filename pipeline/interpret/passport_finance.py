"""Finance stated in a passport's row «Объемы и источники финансирования …»: one text that
lists the programme's money by year and by source,

    Общий объем финансирования составляет 1 234 567,8 тыс. рублей, в том числе:
    2021 год – 250 000,0 тыс. рублей; 2022 год – 246 000,5 тыс. рублей; …
    из них: федеральный бюджет – 100 000,0 тыс. рублей, местный бюджет – …

in either nesting (years, each with its sources; or sources, each with its years). The text
is cut into clauses; a clause naming a year opens that year, one naming a source opens that
source, and a figure belongs to the year and source open. A figure over all years (the
programme total, a source's total) is not a year's figure and gives no row, as the ``Итого``
column of a budget table gives none. Sources listed after the years belong to the last year
only when they add up to that year's total; adding up to the programme total (or to neither,
on a line of their own) they are over all years.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.grammar.money import parse_money
from pipeline.grammar.units import money_scale
from pipeline.grammar.years import CLAUSE_YEAR_RE
from pipeline.interpret.finance import source_of
from pipeline.interpret.headers import norm
from pipeline.interpret.passport_fields import Field
from pipeline.interpret.rowbuild import FinanceFigures
from pipeline.vocab import kind_re
from schemas.enums import FinanceSource, MoneyKind
from schemas.rows import FinanceRow

KEY_RE = kind_re("passport_keys.csv", "finance")  # «Объемы и источники финансирования …»
CLAUSE_RE = re.compile(r";|\n|:|,\s+(?!\d{3}\b)|\s+в\s+том\s+числе\s*|\s+из\s+них\s*",
                       re.IGNORECASE)
SUM_TOLERANCE = 0.005  # rounding of the figures as written

Key = tuple[int | None, str]


def is_finance_key(text: str) -> bool:
    """The key of a passport row that states the programme's money."""
    return bool(KEY_RE.search(text))


def finance_from_fields(fields: list[Field]) -> list[FinanceRow]:
    """The finance rows of a passport's fields whose key names the programme's money."""
    return [row for f in fields if is_finance_key(f.key)
            for row in finance_from_passport_text(f.value, f.locator, f.page)]


def _year(clause: str) -> int | None:
    m = CLAUSE_YEAR_RE.search(clause.strip())
    return int(m.group(1)) if m else None


def finance_from_passport_text(text: str, locator: str, page: int | None = None,
                               ) -> list[FinanceRow]:
    """(year, source) figures of a passport's finance text; over-all-years figures dropped."""
    scale = money_scale(text)
    figures: dict[Key, float] = {}
    year: int | None = None
    source: str | None = None
    outer: str | None = None  # "year" or "source": which one the text lists first
    group: list[Key] = []  # sources listed after the years, not yet placed
    own_line = False  # the group starts a line of its own
    new_line = True
    key: Key
    for clause in _clauses(text):
        if clause is None:
            new_line = True
            continue
        c_year, c_source = _year(clause), source_of(clause)
        value = parse_money(clause, scale) if re.search(r"\d", clause) else None
        if c_source == FinanceSource.TOTAL and c_year is None:
            year, source, outer = None, None, None  # «Общий объем …»: the programme total
            _place(group, figures, own_line)
            key = (None, FinanceSource.TOTAL.value)
        elif c_year is not None:
            _place(group, figures, own_line)
            if outer == "source" and c_source is None:
                key = (c_year, source or FinanceSource.TOTAL.value)
            else:
                year, outer = c_year, outer or "year"
                key = (c_year, (c_source or FinanceSource.TOTAL).value)
        elif c_source is not None:
            if outer == "year":
                key = (year, c_source.value)
                if not group:
                    own_line = new_line
                group.append(key)
            else:
                source, outer = c_source.value, "source"
                key = (None, c_source.value)
        else:
            new_line = False
            continue
        new_line = False
        if value is not None and key not in figures:
            figures[key] = value
    _place(group, figures, own_line)
    rows = FinanceFigures()
    for (y, s), v in figures.items():
        if y is not None:
            rows.add(y, s, MoneyKind.PLANNED, v, text=norm(text), page=page, locator=locator)
    return rows.rows()


def _clauses(text: str) -> Iterator[str | None]:
    """The clauses of ``text``, None between its lines."""
    for line in text.splitlines():
        yield None
        yield from (c.strip() for c in CLAUSE_RE.split(line) if c.strip())


def _adds_up(shares: float, total: float | None) -> bool:
    return total is not None and abs(shares - total) <= SUM_TOLERANCE * max(total, 1.0)


def _place(group: list[Key], figures: dict[Key, float], own_line: bool) -> None:
    """Sources listed after the years: over all years (moved to year None) when they add up
    to the programme total, or start a line of their own without adding up to the last
    year's total; else that year's."""
    if not group:
        return
    shares = sum(figures.get(k, 0.0) for k in group)
    year_total = figures.get((group[0][0], FinanceSource.TOTAL.value))
    programme = figures.get((None, FinanceSource.TOTAL.value))
    if _adds_up(shares, programme) or (own_line and not _adds_up(shares, year_total)):
        for k in group:
            if k in figures:
                figures[(None, k[1])] = figures.pop(k)
    group.clear()
