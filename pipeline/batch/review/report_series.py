"""The run report's series section, read from ``OUT/series/series.parquet``: the count of each
check flag (``schemas.enums.SeriesFlag``) with its worst rows, and per municipality the
targets against the facts of the indicators that have both (the data of the report's charts,
``pipeline.batch.review.report_charts``).

Bounded: the file is read a batch at a time, twice, with a few columns. The first pass keeps
counters per (municipality, indicator, unit) that has a year with both a target and a fact,
and the ``WORST_SHOWN`` worst rows of each flag; the second keeps the values of the
``CHARTS_MAX`` charts chosen (at most ``CHART_PLACES`` municipalities, ``CHART_INDICATORS``
indicators each: those with the most years of both). The JSON says how many were left out.
"""

from __future__ import annotations

import heapq
import itertools
import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.batch.load.storage import Storage, inside, open_storage
from pipeline.batch.load.write import Out
from pipeline.load import SERIES_FILE, read_series
from schemas.enums import SeriesFlag

log = logging.getLogger(__name__)

BATCH_ROWS = 5_000
WORST_SHOWN = 5
CHART_PLACES = 6
CHART_INDICATORS = 4
CHARTS_MAX = 24
COLUMNS = ["municipality", "oktmo", "indicator", "indicator_key", "unit", "year",
           "target_value", "target_comparator", "planned_value", "actual_value",
           "target_locator", "fact_locator", "n_documents", "flags"]
FLAGS = tuple(f.value for f in SeriesFlag)

ChartKey = tuple[str, str, str]  # place (OKTMO, else name), indicator_key, unit


def _batches(out: Storage) -> Iterator[list[dict[str, Any]]]:
    if not out.exists(SERIES_FILE):
        return
    if out.local is not None:
        pf = pq.ParquetFile(inside(out.local, SERIES_FILE))
        for batch in pf.iter_batches(batch_size=BATCH_ROWS, columns=COLUMNS):
            yield batch.to_pylist()
        return
    for batch in read_series(out, COLUMNS).to_batches(max_chunksize=BATCH_ROWS):
        yield batch.to_pylist()


def _key(r: dict[str, Any]) -> ChartKey:
    return (r["oktmo"] or r["municipality"] or "", r["indicator_key"] or "", r["unit"] or "")


def severity(r: dict[str, Any]) -> tuple[int, float, int]:
    """How bad a flagged row is: its number of flags, then how far its plan is from its
    target (a share of the target), then the documents behind it."""
    gap = 0.0
    target, plan = r["target_value"], r["planned_value"]
    if target is not None and plan is not None:
        gap = abs(plan - target) / abs(target) if target else abs(plan - target)
    return len(r["flags"] or []), round(gap, 6), int(r["n_documents"] or 0)


def _case(r: dict[str, Any]) -> dict[str, Any]:
    return {k: r[k] for k in ("municipality", "indicator", "unit", "year", "target_value",
                              "target_comparator", "planned_value", "actual_value",
                              "target_locator", "fact_locator", "n_documents")} | {
        "flags": list(r["flags"] or [])}


@dataclass(slots=True)
class _FirstPass:
    flags: Counter[str] = field(default_factory=Counter)
    worst: dict[str, list[tuple[tuple[int, float, int], int, dict[str, Any]]]] = field(
        default_factory=lambda: {f: [] for f in FLAGS})
    both: Counter[ChartKey] = field(default_factory=Counter)  # years with target and fact
    names: dict[str, str] = field(default_factory=dict)  # place -> municipality name
    rows: int = 0
    seq: itertools.count[int] = field(default_factory=itertools.count)

    def add(self, r: dict[str, Any]) -> None:
        self.rows += 1
        for flag in r["flags"] or []:
            self.flags[flag] += 1
            heap = self.worst.setdefault(flag, [])
            item = (severity(r), -next(self.seq), r)  # ties: the first row met stays
            if len(heap) < WORST_SHOWN:
                heapq.heappush(heap, (item[0], item[1], _case(r)))
            elif item[:2] > heap[0][:2]:
                heapq.heapreplace(heap, (item[0], item[1], _case(r)))
        if r["target_value"] is not None and r["actual_value"] is not None:
            key = _key(r)
            self.both[key] += 1
            self.names.setdefault(key[0], r["municipality"] or key[0])


def choose_charts(both: Counter[ChartKey], places: int = CHART_PLACES,
                  per_place: int = CHART_INDICATORS, cap: int = CHARTS_MAX) -> list[ChartKey]:
    """The charts drawn: the municipalities with the most indicators having both a target
    and a fact, and in each the indicators with the most such years."""
    by_place: dict[str, list[tuple[int, ChartKey]]] = {}
    for key, n in both.items():
        by_place.setdefault(key[0], []).append((n, key))
    order = sorted(by_place, key=lambda p: (-len(by_place[p]), p))[:places]
    chosen: list[ChartKey] = []
    for place in order:
        best = sorted(by_place[place], key=lambda t: (-t[0], t[1]))[:per_place]
        chosen.extend(k for _, k in best)
    return chosen[:cap]


def _chart_values(out: Storage, chosen: list[ChartKey], names: dict[str, str]
                  ) -> list[dict[str, Any]]:
    wanted = {k: i for i, k in enumerate(chosen)}
    charts: list[dict[str, Any]] = [
        {"place": k[0], "municipality": names.get(k[0], k[0]), "indicator_key": k[1],
         "indicator": None, "unit": k[2] or None, "comparator": None, "years": []}
        for k in chosen]
    for rows in _batches(out):
        for r in rows:
            i = wanted.get(_key(r))
            if i is None:
                continue
            chart = charts[i]
            chart["indicator"] = chart["indicator"] or r["indicator"]
            chart["comparator"] = chart["comparator"] or r["target_comparator"]
            chart["years"].append({"year": r["year"], "target": r["target_value"],
                                   "plan": r["planned_value"], "fact": r["actual_value"]})
    for chart in charts:
        chart["years"].sort(key=lambda y: y["year"])
    return charts


def series_checks(out: Out) -> dict[str, Any]:
    """The report's ``series_checks`` section (empty counts when there is no series)."""
    storage = open_storage(out)
    first = _FirstPass()
    try:
        for rows in _batches(storage):
            for r in rows:
                first.add(r)
    except (OSError, pa.ArrowInvalid) as exc:
        log.warning("report: the series cannot be read (%s); its section is left empty", exc)
        first = _FirstPass()
    chosen = choose_charts(first.both)
    places = {k[0] for k in first.both}
    return {
        "rows": first.rows,
        "flags": {f: first.flags.get(f, 0) for f in FLAGS},
        "worst": {f: [c for _, _, c in sorted(first.worst.get(f, []), reverse=True)]
                  for f in FLAGS},
        "with_both": {"municipalities": len(places), "indicators": len(first.both)},
        "charts": _chart_values(storage, chosen, first.names) if chosen else [],
        "charts_left_out": len(first.both) - len(chosen),
        "municipalities_left_out": len(places - {k[0] for k in chosen}),
    }
