"""Money per item by year and source: a budget sheet whose value columns are years split into
finance sources,

    № | Наименование | Раздел | Уточненный план 2021 год       | 2022 год
      |              |        | Итого | Местный бюджет | …      | Итого | Местный бюджет | …

with the scale in a caption over the header («т.р.», «тыс. рублей») or in the header. Each
item row gives one finance row per (year, source) it fills: the planned amount, or the spent
one when the column's header says so («Исполнено», «Кассовое исполнение»). A column whose
lowest header text names no source it knows («Безвозмездные поступления») gives the source
``unknown``. A table whose header and captions name no unit of money (рубли, or a scale:
«тыс. руб.», «т.р.») gives nothing: «Местный бюджет» says the figures are money, not whether
they are roubles or thousands of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.grammar.units import money_scale
from pipeline.interpret.budget import NOT_MONEY_WORDS, column_kind
from pipeline.interpret.cells import LETTER_RE, data_rows, strip_item_number
from pipeline.interpret.finance import source_of
from pipeline.interpret.headers import VALUE_ROLES, Header, norm
from pipeline.interpret.rowbuild import FinanceFigures
from pipeline.interpret.values import parse_money
from pipeline.interpret.view import TableView
from pipeline.vocab import money_re
from schemas.enums import FinanceSource, MoneyKind
from schemas.rows import FinanceRow

ROUBLES = money_re("rouble")  # «руб.», «рублей»
MIN_SOURCES_A_YEAR = 2  # a year split into sources («Итого | Местный бюджет»): the matrix


@dataclass(frozen=True, slots=True)
class MatrixColumn:
    index: int
    year: int
    source: FinanceSource  # UNKNOWN for a source this reader does not know
    kind: MoneyKind


def _columns(h: Header) -> list[MatrixColumn]:
    out = []
    for c in h.columns:
        if c.year is None or len(c.texts) < 2 or any(NOT_MONEY_WORDS.search(t) for t in c.texts):
            continue
        source = source_of(c.texts[-1])
        # a budget's figure is its allocation unless the header says it was spent
        kind = column_kind(c.texts, None) or MoneyKind.PLANNED
        out.append(MatrixColumn(c.index, c.year, source or FinanceSource.UNKNOWN, kind))
    return out


def _name_column(h: Header, first_value: int) -> int | None:
    """The column of the items' names: the first one left of the values whose header has
    words and names no measure (``Наименование``, ``Наименование расходов``)."""
    return next((c.index for c in h.columns[:first_value]
                 if c.texts and LETTER_RE.search(" ".join(c.texts))
                 and (c.role is None or c.role not in VALUE_ROLES | {"number", "total"})), None)


def is_money_matrix(h: Header) -> bool:
    """Every year of the header is split into finance sources, at least one into two of them
    it knows, and a column left of the years names the items."""
    columns = _columns(h)
    if not columns:
        return False
    with_year = [c for c in h.columns if c.year is not None]
    if len(columns) < len(with_year):
        return False  # a year not split by source: plan / fact by year, not this matrix
    known: dict[int, set[FinanceSource]] = {}
    for c in columns:
        if c.source != FinanceSource.UNKNOWN:
            known.setdefault(c.year, set()).add(c.source)
    if max((len(s) for s in known.values()), default=0) < MIN_SOURCES_A_YEAR:
        return False
    return _name_column(h, min(c.index for c in columns)) is not None


def money_from_matrix(table: TableView, h: Header) -> list[FinanceRow]:
    """One finance row per item, year and source (``is_money_matrix``)."""
    captions = " ".join(norm(c) for row in table.grid[:h.start] for c in row if c)
    stated = f"{captions} {h.text}"
    if not ROUBLES.search(stated) and money_scale(stated) == 1.0:
        return []
    in_header = money_scale(h.text)
    scale = in_header if in_header != 1.0 else money_scale(captions)
    columns = _columns(h)
    name_col = _name_column(h, min(c.index for c in columns))
    out: list[FinanceRow] = []
    for row in data_rows(table, h.n_rows):
        # a total row's name may sit in a cell merged over the number and name columns
        cell = (row.get(name_col) or row.filled[name_col]) if name_col is not None else ""
        name = norm(strip_item_number(cell)[1])
        if not LETTER_RE.search(name) or row.is_spanning():
            continue
        figures = FinanceFigures()
        for col in columns:
            cell = row.get(col.index)
            value = parse_money(cell, default_scale=scale) if cell.strip() else None
            if value is not None:
                figures.add(col.year, col.source, col.kind, value, text=name, page=row.page,
                            locator=row.locator)
        out.extend(figures.rows())
    return out
