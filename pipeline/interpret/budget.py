"""Budget tables by item: the money planned and spent on each event of a plan, by source
(``Мероприятие | Источник финансирования | План, тыс. руб. | Факт``, or a state programme's
``Бюджетные ассигнования … всего | федеральный бюджет | областной бюджет``, then
``Кассовое исполнение …`` with the same sources). One finance row per item and source."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.interpret.cells import LETTER_RE, data_rows, strip_item_number
from pipeline.interpret.finance import PLANNED_WORDS, SPENT_WORDS, source_of
from pipeline.interpret.headers import Header, norm
from pipeline.interpret.rowbuild import FinanceFigures
from pipeline.interpret.values import money_scale, parse_money
from pipeline.interpret.view import TableView
from pipeline.vocab import money_re
from schemas.enums import FinanceSource, MoneyKind
from schemas.rows import FinanceRow

MONEY_WORDS = money_re("money_header")
# header words of planned money that the prose vocabulary lacks: 'согласно закону о бюджете',
# 'сводная бюджетная роспись', 'план', 'предусмотрено'
PLAN_HEADER = money_re("plan_header")
FACT_HEADER = money_re("fact_header")
CASH_PLAN = money_re("cash_plan")  # a plan of cash, not the cash spent
NOT_MONEY_WORDS = money_re("not_money")  # shares, budget codes
SOURCE_LINE = money_re("source_line")  # «бюджет субъекта …» under a result: its source
LABEL_ROLES = ("responsible", "source")
NAME_ROLES = ("activity", "task_result", "result_name", "indicator")  # items first


@dataclass(frozen=True, slots=True)
class MoneyColumn:
    index: int
    kind: MoneyKind  # the amount the column fills
    source: FinanceSource | None  # stated by the column's own header (sub-column of sources)


def column_kind(texts: tuple[str, ...], role: str | None) -> MoneyKind | None:
    """planned_rub / spent_rub: the lowest header text that says which wins."""
    for t in reversed(texts):
        if CASH_PLAN.search(t):
            return MoneyKind.PLANNED
        if SPENT_WORDS.search(t) or FACT_HEADER.search(t):
            return MoneyKind.SPENT
        if PLAN_HEADER.search(t) or PLANNED_WORDS.search(t):
            return MoneyKind.PLANNED
    return {"planned": MoneyKind.PLANNED, "actual": MoneyKind.SPENT}.get(role or "")


def money_columns(h: Header) -> list[MoneyColumn]:
    """Value columns whose header speaks of money (planned or spent), with their sources."""
    out = []
    for c in h.columns:
        if c.role in ("source", "year", *NAME_ROLES) or not c.texts:
            continue
        if not any(MONEY_WORDS.search(t) for t in c.texts) or any(
                NOT_MONEY_WORDS.search(t) for t in c.texts):
            continue
        kind = column_kind(c.texts, c.role)
        if kind is not None:
            out.append(MoneyColumn(c.index, kind, source_of(c.texts[-1])))
    return out


def is_budget_table(h: Header) -> bool:
    """Money planned or spent per item: every plan / fact column speaks of money."""
    name_col = h.first_of(NAME_ROLES)
    if h.year_cols() or name_col is None:
        return False
    if h.columns[name_col].role == "indicator" and any(
            c.year for c in h.columns if c.role in ("planned", "actual", "need")):
        return False  # targets of indicators by year ('… в соответствии с … финансированием')
    money = money_columns(h)
    if not money:
        return False
    values = {c.index for c in h.columns if c.role in ("planned", "actual")}
    return values <= {m.index for m in money}


def _source_line(text: str) -> FinanceSource | None:
    """The source a name cell names when the cell is a source line of the item above it
    (``бюджет субъекта Российской Федерации``), not an item of its own."""
    return source_of(text) if text and SOURCE_LINE.search(text.lower()) else None


def budget_from_table(table: TableView, h: Header, year: int | None) -> list[FinanceRow]:
    scale = money_scale(h.text) or 1.0
    name_col, source_col = h.first_of(NAME_ROLES), h.first("source")
    columns = money_columns(h)
    label_cols = [c for role in LABEL_ROLES if (c := h.first(role)) is not None]  # who, from what
    out: list[FinanceRow] = []
    name = item = ""  # the row's name; the last name that is an item, not a source line
    for row in data_rows(table, h.n_rows):
        text = norm(strip_item_number(row.get(name_col))[1])
        source_line = _source_line(text) if source_col is None else None
        if text:
            name = text
            item = item if source_line is not None else text
        if not name or row.is_spanning():
            continue
        row_source = source_of(row.get(source_col)) if source_col is not None else source_line
        own = (item, name) if source_line is not None else (name,)
        label = " — ".join(dict.fromkeys(
            t for t in (*own, *(norm(row.get(c)) for c in label_cols)) if LETTER_RE.search(t)))
        figures = FinanceFigures()  # the first column of a kind wins (law before roll)
        for col in columns:
            cell = row.get(col.index)
            value = parse_money(cell, default_scale=scale) if cell.strip() else None
            if value is None:
                continue
            source = col.source or row_source or FinanceSource.UNKNOWN
            figures.add(year, source, col.kind, value, text=label, page=row.page,
                        locator=row.locator)
        out.extend(figures.rows())
    return out
