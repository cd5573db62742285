"""What a table gives, decided once per table from what its value columns measure.

A header band types the columns (``headers.py``); this module reads those types as a plan:
money per item (a budget), quantities per indicator (plan / fact, targets by year, states),
events (dates, statuses, responsible bodies), money per item under years split into sources,
money per year across the columns with sources in the rows, or money per source across the
columns with years in the rows. The first kind the
columns support, in that order, is what the table gives; each kind has one emitter. The
readers know nothing of each other and ``interpret`` no order of predicates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from pipeline.interpret.activities import activities_from_table, is_activity_table
from pipeline.interpret.budget import budget_from_table, is_budget_table
from pipeline.interpret.finance import (
    finance_from_table,
    finance_from_year_rows,
    is_finance_table,
    is_year_rows_finance,
)
from pipeline.interpret.headers import Header
from pipeline.interpret.indicators import TableContext, indicators_from_table, is_indicator_table
from pipeline.interpret.money_matrix import is_money_matrix, money_from_matrix
from pipeline.interpret.view import TableView
from schemas.rows import ActivityRow, FinanceRow, IndicatorRow

Rows = Sequence[IndicatorRow | ActivityRow | FinanceRow]


class Gives(StrEnum):
    """What a table's value columns measure, hence the rows it gives."""

    MONEY_BY_ITEM = "money_by_item"  # planned / spent money per item: finance rows
    QUANTITIES = "quantities"  # plan, fact, targets by year or states: indicator rows
    EVENTS = "events"  # dates, statuses, responsible bodies: activity rows
    MONEY_MATRIX = "money_matrix"  # money per item under years split into sources
    MONEY_BY_YEAR = "money_by_year"  # years across the columns, sources in the rows: finance
    MONEY_YEAR_ROWS = "money_year_rows"  # sources across the columns, years in the rows


@dataclass(frozen=True, slots=True)
class Context:
    """What the emitters know of the document besides the table."""

    tables: TableContext  # the year a table's single column of values is for
    report_year: int | None  # the year a budget's figures are for when its header names none


Emitter = Callable[[TableView, Header, Context], Rows]

# each kind: does the header's column plan support it, and the one emitter of its rows; in
# priority order (money per item before the plan / fact values it shares its header words with)
KINDS: tuple[tuple[Gives, Callable[[Header], bool], Emitter], ...] = (
    (Gives.MONEY_BY_ITEM, is_budget_table,
     lambda t, h, ctx: budget_from_table(t, h, ctx.report_year)),
    (Gives.QUANTITIES, is_indicator_table,
     lambda t, h, ctx: indicators_from_table(t, h, ctx.tables)),
    (Gives.EVENTS, is_activity_table, lambda t, h, ctx: activities_from_table(t, h)),
    (Gives.MONEY_MATRIX, is_money_matrix, lambda t, h, ctx: money_from_matrix(t, h)),
    (Gives.MONEY_BY_YEAR, is_finance_table, lambda t, h, ctx: finance_from_table(t, h)),
    (Gives.MONEY_YEAR_ROWS, is_year_rows_finance, lambda t, h, ctx: finance_from_year_rows(t, h)),
)
EMITTERS: dict[Gives, Emitter] = {kind: emit for kind, _, emit in KINDS}
STATES_MONEY = frozenset({Gives.MONEY_BY_ITEM, Gives.MONEY_BY_YEAR, Gives.MONEY_YEAR_ROWS,
                          Gives.MONEY_MATRIX})


@dataclass(frozen=True, slots=True)
class TablePlan:
    header: Header
    gives: Gives | None  # None: the columns measure nothing this reader turns into rows
    money_header: bool  # the header speaks of money by year, whatever the table gives

    @property
    def states_money(self) -> bool:
        """The table states money (a budget sentence in the prose is then not read again)."""
        return self.gives in STATES_MONEY or self.money_header


def plan_table(h: Header) -> TablePlan:
    """The plan of one table block from its header."""
    gives = next((kind for kind, supports, _ in KINDS if supports(h)), None)
    return TablePlan(h, gives, is_finance_table(h))


def table_rows(table: TableView, plan: TablePlan, ctx: Context) -> Rows:
    """The rows ``table`` gives under ``plan`` (none when it gives nothing)."""
    return EMITTERS[plan.gives](table, plan.header, ctx) if plan.gives is not None else ()
