"""The table plan: what a table gives is decided once, from what its value columns measure,
and each kind has one emitter; interpret's table loop holds no chain of table predicates."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from pipeline import interpret
from pipeline.interpret.headers import analyse
from pipeline.interpret.plan import EMITTERS, KINDS, Gives, plan_table
from tests.pipeline.grids import grid_table


def test_every_kind_has_one_emitter() -> None:
    assert [kind for kind, _, _ in KINDS] == list(Gives)
    assert set(EMITTERS) == set(Gives)


def test_the_table_loop_calls_no_table_predicate() -> None:
    tree = ast.parse(inspect.getsource(interpret._read_tables))
    called = {n.func.id for n in ast.walk(tree)
              if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert not {name for name in called if name.startswith("is_")}
    assert not any(isinstance(n, ast.If) and isinstance(n.orelse, list) and n.orelse
                   and isinstance(n.orelse[0], ast.If) and "table" in ast.unparse(n.test)
                   for n in ast.walk(tree))


def _plan(rows: list[list[str]]):
    return plan_table(analyse(grid_table(rows)))


def test_plans_by_what_the_value_columns_measure() -> None:
    quantities = _plan([["Наименование показателя", "Единица измерения", "План", "Факт"],
                        ["Доля детей", "%", "80", "81"]])
    money = _plan([["Наименование мероприятия", "Объем финансирования, тыс. руб.: план",
                    "Объем финансирования, тыс. руб.: факт"],
                   ["Ремонт школ", "100", "90"]])
    events = _plan([["Наименование мероприятия", "Срок", "Ответственный исполнитель"],
                    ["Совещание", "март 2021", "Управление образования"]])
    year_rows = _plan([["Годы", "Всего по источникам", "Местный бюджет", "Областной бюджет"],
                       ["2021", "100", "60", "40"]])
    assert (quantities.gives, quantities.states_money) == (Gives.QUANTITIES, False)
    assert (money.gives, money.states_money) == (Gives.MONEY_BY_ITEM, True)
    assert (events.gives, events.states_money) == (Gives.EVENTS, False)
    assert year_rows.gives == Gives.MONEY_YEAR_ROWS
    assert _plan([["Слово", "Другое"], ["a", "b"]]).gives is None


def _constructed(row_type: str) -> set[str]:
    """The modules of pipeline.interpret that call ``row_type(...)`` themselves."""
    out = set()
    for path in sorted(Path(interpret.__file__).parent.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == row_type
               for n in ast.walk(tree)):
            out.add(path.stem)
    return out


def test_one_builder_makes_each_row_kind() -> None:
    assert _constructed("IndicatorRow") == {"rowbuild"}
    assert _constructed("FinanceRow") == {"rowbuild"}
