"""The ruled-table finder gives pdfplumber's crossings, cells and tables, in its order."""

from __future__ import annotations

import random
from typing import Any

import pytest
from pdfplumber import table as plumber

from extractors import pdf_cells

SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


def _edges(rng: random.Random, n: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for _ in range(n):
        if rng.random() < 0.5:
            x = rng.randrange(0, 100, 10) + rng.choice([0, 0, 0.5, 1.5, 3.0])
            top = rng.randrange(0, 100, 10)
            bottom = top + rng.choice([10, 20, 40])
            out.append({"orientation": "v", "object_type": "line", "x0": x, "x1": x,
                        "top": top, "bottom": bottom, "doctop": top, "width": 0,
                        "height": bottom - top})
        else:
            y = rng.randrange(0, 100, 10) + rng.choice([0, 0, 0.5, 2.9, 3.0, 3.1])
            x0 = rng.randrange(0, 100, 10)
            x1 = x0 + rng.choice([10, 20, 40])
            out.append({"orientation": "h", "object_type": "line", "x0": x0, "x1": x1,
                        "top": y, "bottom": y, "doctop": y, "width": x1 - x0, "height": 0})
    return out


class _Page:
    def __init__(self, edges: list[dict[str, Any]]) -> None:
        self.edges = edges


@pytest.mark.parametrize("seed", range(40))
def test_same_crossings_cells_and_tables_as_pdfplumber(seed: int):
    rng = random.Random(seed)
    edges = _edges(rng, rng.randint(0, 70))
    for tol in (0, 1, 3):
        ours = pdf_cells.edges_to_intersections(edges, tol, tol)
        theirs = plumber.edges_to_intersections(edges, tol, tol)
        assert list(ours) == list(theirs)
        assert all(ours[p] == theirs[p] for p in theirs)
        assert pdf_cells.intersections_to_cells(ours) == plumber.intersections_to_cells(theirs)
    cells = plumber.intersections_to_cells(plumber.edges_to_intersections(edges, 3, 3))
    rng.shuffle(cells)
    assert pdf_cells.cells_to_tables(cells) == plumber.cells_to_tables(cells)
    ours_t = pdf_cells.FastTableFinder(_Page(edges), SETTINGS).tables
    theirs_t = plumber.TableFinder(_Page(edges), SETTINGS).tables  # type: ignore[arg-type]
    assert [(t.cells, t.bbox) for t in ours_t] == [(t.cells, t.bbox) for t in theirs_t]


def test_a_grid_gives_its_cells():
    edges = [{"orientation": "v", "object_type": "line", "x0": x, "x1": x, "top": 0,
              "bottom": 20, "doctop": 0, "width": 0, "height": 20} for x in (0, 10, 20)]
    edges += [{"orientation": "h", "object_type": "line", "x0": 0, "x1": 20, "top": y,
               "bottom": y, "doctop": y, "width": 20, "height": 0} for y in (0, 10, 20)]
    tables = pdf_cells.FastTableFinder(_Page(edges), SETTINGS).tables
    assert [t.cells for t in tables] == [[(0, 0, 10, 10), (0, 10, 10, 20), (10, 0, 20, 10),
                                          (10, 10, 20, 20)]]
