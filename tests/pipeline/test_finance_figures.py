"""The one finance accumulator: figures keyed by (year, source), the first of a kind stays."""

from __future__ import annotations

import pytest

from pipeline.interpret.rowbuild import FinanceFigures
from schemas.enums import FinanceSource, MoneyKind

P, S = MoneyKind.PLANNED, MoneyKind.SPENT
FED, LOC = FinanceSource.FEDERAL, FinanceSource.MUNICIPAL

# (figures added as (year, source, kind, value), the rows' (year, source, planned, spent))
CASES = [
    ([(2021, FED, P, 10.0)], [(2021, "federal", 10.0, None)]),
    ([(2021, FED, P, 10.0), (2021, FED, S, 9.0)], [(2021, "federal", 10.0, 9.0)]),
    ([(2021, FED, P, 10.0), (2021, FED, P, 12.0)], [(2021, "federal", 10.0, None)]),
    ([(2021, FED, P, 10.0), (2022, FED, P, 12.0), (2021, LOC, S, 1.0)],
     [(2021, "federal", 10.0, None), (2022, "federal", 12.0, None),
      (2021, "municipal", None, 1.0)]),
    ([(None, LOC, P, 5.0)], [(None, "municipal", 5.0, None)]),
]


@pytest.mark.parametrize(("added", "expected"), CASES)
def test_figures_by_year_and_source(added, expected) -> None:
    figures = FinanceFigures()
    for year, source, kind, value in added:
        figures.add(year, source, kind, value, text="t")
    assert [(r.year, r.source, r.planned_rub, r.spent_rub) for r in figures.rows()] == expected


def test_a_repeated_figure_only_adds_to_the_text() -> None:
    figures = FinanceFigures()
    assert figures.add(2021, FED, P, 10.0, text="2021: федеральный", said="план 10")
    assert not figures.add(2021, FED, P, 11.0, text="x", said="план 11")
    figures.note(2021, FED, "потребность 15", text="x")
    figures.note(2021, FED, "потребность 15", text="x")  # said once
    (row,) = figures.rows()
    assert row.planned_rub == 10.0
    assert row.text == "2021: федеральный; план 10; потребность 15"


def test_a_note_alone_gives_no_row_and_the_text_stops_at_its_limit() -> None:
    figures = FinanceFigures()
    figures.note(2021, LOC, "потребность 15", text="2021")
    assert figures.rows() == []
    figures.add(2022, LOC, S, 3.0, text="a" * 10)
    figures.note(2022, LOC, "bbb", text="", sep=" ", limit=10)
    assert figures.rows()[0].text == "a" * 10
    assert figures.sources(2021) == {"municipal"}
    assert figures.sources(2023) == set()
