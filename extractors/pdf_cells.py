"""pdfplumber's ruled-table finder with its two quadratic steps done by lookup, same cells.

``TableFinder`` (lines strategy) merges the page's edges, finds where vertical and horizontal
edges cross (``edges_to_intersections``: every vertical edge against every horizontal one,
the horizontal ones sorted again for each), then for every crossing looks for the smallest
cell it opens (``intersections_to_cells``: the crossings below and to the right found by
scanning all the crossings after it, and the edges of two crossings compared as sets built
anew at each test). On a ruled statistics page of thousands of crossings that is most of the
page's time. Here the horizontal edges are sorted once and searched by their top, the
crossings are grouped by column and by row, and each crossing's edge sets are built once:
cells are grouped into tables without removing each from a list: the crossings, cells and
tables are pdfplumber's, in its order.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from operator import itemgetter
from typing import Any

from pdfplumber.table import Table, TableFinder, TableSettings
from pdfplumber.utils import obj_to_bbox

Point = tuple[float, float]
BBox = tuple[float, float, float, float]
Intersections = dict[Point, dict[str, list[dict[str, Any]]]]
_SLACK = 1e-6  # the top search is widened by this much; each candidate is then tested exactly


def edges_to_intersections(edges: list[dict[str, Any]], x_tolerance: float = 1,
                           y_tolerance: float = 1) -> Intersections:
    """``pdfplumber.table.edges_to_intersections``: the same crossings, their edges in the
    same order."""
    out: Intersections = {}
    v_edges = [e for e in edges if e["orientation"] == "v"]
    h_edges = sorted((e for e in edges if e["orientation"] == "h"), key=itemgetter("top", "x0"))
    tops = [h["top"] for h in h_edges]
    for v in sorted(v_edges, key=itemgetter("x0", "top")):
        v_top, v_bottom, x = v["top"], v["bottom"], v["x0"]
        lo = bisect_left(tops, v_top - y_tolerance - _SLACK)
        hi = bisect_right(tops, v_bottom + y_tolerance + _SLACK)
        for h in h_edges[lo:hi]:
            if (v_top <= h["top"] + y_tolerance and v_bottom >= h["top"] - y_tolerance
                    and x >= h["x0"] - x_tolerance and x <= h["x1"] + x_tolerance):
                vertex = (x, h["top"])
                found = out.get(vertex)
                if found is None:
                    found = out[vertex] = {"v": [], "h": []}
                found["v"].append(v)
                found["h"].append(h)
    return out


def intersections_to_cells(intersections: Intersections) -> list[BBox]:
    """``pdfplumber.table.intersections_to_cells``: for each crossing in sorted order, the
    first cell it opens, going down then right, whose four sides are drawn."""
    points = sorted(intersections)
    v_sets = {p: frozenset(map(obj_to_bbox, e["v"])) for p, e in intersections.items()}
    h_sets = {p: frozenset(map(obj_to_bbox, e["h"])) for p, e in intersections.items()}
    columns: dict[float, list[Point]] = {}
    rows: dict[float, list[Point]] = {}
    for p in points:  # each in sorted order: a column top to bottom, a row left to right
        columns.setdefault(p[0], []).append(p)
        rows.setdefault(p[1], []).append(p)
    in_column = {p: k for line in columns.values() for k, p in enumerate(line)}
    in_row = {p: k for line in rows.values() for k, p in enumerate(line)}
    cells: list[BBox] = []
    for pt in points[:-1]:
        column, row = columns[pt[0]], rows[pt[1]]
        pt_v, pt_h = v_sets[pt], h_sets[pt]
        below = [b for b in column[in_column[pt] + 1:] if not pt_v.isdisjoint(v_sets[b])]
        if not below:
            continue
        right = [r for r in row[in_row[pt] + 1:] if not pt_h.isdisjoint(h_sets[r])]
        cell = _first_cell(pt, below, right, intersections, v_sets, h_sets)
        if cell is not None:
            cells.append(cell)
    return cells


def _first_cell(pt: Point, below: list[Point], right: list[Point],
                intersections: Intersections, v_sets: dict[Point, frozenset[BBox]],
                h_sets: dict[Point, frozenset[BBox]]) -> BBox | None:
    for below_pt in below:
        for right_pt in right:
            corner = (right_pt[0], below_pt[1])
            if (corner in intersections and not v_sets[corner].isdisjoint(v_sets[right_pt])
                    and not h_sets[corner].isdisjoint(h_sets[below_pt])):
                return (pt[0], pt[1], corner[0], corner[1])
    return None


def cells_to_tables(cells: list[BBox]) -> list[list[BBox]]:
    """``pdfplumber.table.cells_to_tables``: cells grouped into tables by shared corners, in
    its passes (each over the cells left, in order) and order; a pass keeps the cells it
    does not take instead of removing each taken one from the list."""
    remaining = list(cells)
    corners: set[Point] = set()
    current: list[BBox] = []
    tables: list[list[BBox]] = []
    while remaining:
        before = len(current)
        rest: list[BBox] = []
        for cell in remaining:
            x0, top, x1, bottom = cell
            cell_corners = ((x0, top), (x0, bottom), (x1, top), (x1, bottom))
            if not current or any(c in corners for c in cell_corners):
                corners.update(cell_corners)
                current.append(cell)
            else:
                rest.append(cell)
        remaining = rest
        if len(current) == before:  # nothing joined: the table is complete
            tables.append(list(current))
            corners.clear()
            current.clear()
    if current:
        tables.append(list(current))
    ordered = sorted(tables, key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in ordered if len(t) > 1]


class FastTableFinder(TableFinder):
    """``TableFinder`` with the crossings and cells found by ``edges_to_intersections`` and
    ``intersections_to_cells`` above (its edges, merging and tables are pdfplumber's)."""

    def __init__(self, page: Any, settings: dict[str, Any] | None = None) -> None:
        self.page = page
        self.settings = TableSettings.resolve(settings)
        self.edges = self.get_edges()
        self.intersections = edges_to_intersections(
            self.edges, self.settings.intersection_x_tolerance,
            self.settings.intersection_y_tolerance)
        self.cells = intersections_to_cells(self.intersections)
        self.tables = [Table(self.page, group) for group in cells_to_tables(self.cells)]
