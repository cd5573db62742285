"""The data sections of the run report, read from the output's Parquet part by part (only the
columns they need): completion by federal project and by municipality, the indicators that
missed their target most, documents by type and year, and the files of the output that are
not ok (from the manifest, so an incremental run still shows them all).

Memory holds one part at a time plus small aggregates: counters per group, the ``MISSED_TOP``
worst rows, and the municipality and file of each document (two strings per file).
"""

from __future__ import annotations

import heapq
import itertools
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pipeline.batch.load.manifest import Manifest
from pipeline.batch.load.series import derived_completion, derived_status
from pipeline.batch.load.storage import open_storage
from pipeline.batch.load.write import Out, read_stored_part
from pipeline.load import part_rels
from pipeline.texts_ru import error_ru
from schemas.enums import Comparator, DocStatus, Status

MISSED_TOP = 15
NOT_STATED = "(не указан)"
IND_COLUMNS = ["doc_id", "indicator_raw", "indicator_canonical", "federal_project", "year",
               "planned_value", "actual_value", "comparator", "unit", "status",
               "completion_pct"]
DATA_KEYS = ("completion_by_federal_project", "completion_by_municipality", "missed_indicators",
             "documents_by_type_year")
STATUS_ORDER = {DocStatus.FAILED: 0, DocStatus.PARTIAL: 1, DocStatus.OK: 2}


@dataclass(slots=True)
class Completion:
    """Running totals of one group of indicator rows."""

    indicators: int = 0
    with_status: int = 0
    done: int = 0
    pcts: Counter[float] = field(default_factory=Counter)  # completion_pct to 0.1, counted

    def add(self, status: str | None, pct: float | None) -> None:
        self.indicators += 1
        if status:
            self.with_status += 1
            self.done += status == Status.DONE
        if pct is not None:
            self.pcts[round(pct, 1)] += 1

    def median(self) -> float | None:
        n = sum(self.pcts.values())
        if not n:
            return None
        lo, hi = (n - 1) // 2, n // 2
        found: dict[int, float] = {}
        seen = 0
        for value, count in sorted(self.pcts.items()):
            found.update({i: value for i in (lo, hi) if seen <= i < seen + count})
            seen += count
        return round((found[lo] + found[hi]) / 2, 1)

    def as_dict(self, key: str, name: str) -> dict[str, Any]:
        return {key: name, "indicators": self.indicators, "with_status": self.with_status,
                "done": self.done,
                "share_done_pct": (round(100.0 * self.done / self.with_status, 1)
                                   if self.with_status else None),
                "median_completion_pct": self.median()}


def completion_table(groups: Mapping[str, Completion], key: str) -> list[dict[str, Any]]:
    """Groups as report rows, the largest first."""
    rows = [c.as_dict(key, name) for name, c in groups.items()]
    return sorted(rows, key=lambda d: (-d["indicators"], d[key]))


def execution_pct(planned: float | None, actual: float | None, comparator: str | None
                  ) -> float | None:
    """Percent of the target reached when the row missed it (``<=``: staying below), else
    None (met, or no numbers to compare)."""
    if planned is None or actual is None or planned <= 0:
        return None
    if comparator == Comparator.LE:
        return round(100.0 * planned / actual, 1) if actual > planned else None
    return round(100.0 * actual / planned, 1) if actual < planned else None


@dataclass(slots=True)
class _Scan:
    docs: dict[str, tuple[str, str]]  # doc_id -> (municipality, source_path)
    projects: dict[str, Completion] = field(default_factory=lambda: defaultdict(Completion))
    places: dict[str, Completion] = field(default_factory=lambda: defaultdict(Completion))
    missed: list[tuple[float, int, dict[str, Any]]] = field(default_factory=list)
    seq: itertools.count[int] = field(default_factory=itertools.count)
    kept: set[tuple[Any, ...]] = field(default_factory=set)  # the same miss is listed once

    def add(self, r: Mapping[str, Any]) -> None:
        place, source = self.docs.get(r["doc_id"], (NOT_STATED, ""))
        # a status or percent the document does not state is derived from its plan and fact,
        # as in the series
        plan, fact, comparator = r["planned_value"], r["actual_value"], r["comparator"]
        status = (r["status"] if r["status"] not in (None, Status.UNKNOWN.value)
                  else derived_status(fact, plan, comparator))
        done_pct = (r["completion_pct"] if r["completion_pct"] is not None
                    else derived_completion(fact, plan, comparator))
        self.projects[r["federal_project"] or NOT_STATED].add(status, done_pct)
        self.places[place].add(status, done_pct)
        pct = execution_pct(r["planned_value"], r["actual_value"], r["comparator"])
        if pct is None:
            return
        row = {"indicator": r["indicator_canonical"] or r["indicator_raw"],
               "municipality": place, "file": source, "year": r["year"],
               "planned": r["planned_value"], "actual": r["actual_value"],
               "comparator": r["comparator"], "unit": r["unit"], "execution_pct": pct}
        key = tuple(row.values())
        if key in self.kept:
            return
        item = (-pct, next(self.seq), row)  # a max-heap of the MISSED_TOP lowest
        if len(self.missed) < MISSED_TOP:
            heapq.heappush(self.missed, item)
        elif -pct > self.missed[0][0]:
            self.kept.discard(tuple(heapq.heapreplace(self.missed, item)[2].values()))
        else:
            return
        self.kept.add(key)


def _documents(out: Out) -> tuple[dict[str, tuple[str, str]], Counter[tuple[str, str]]]:
    docs: dict[str, tuple[str, str]] = {}
    by_type_year: Counter[tuple[str, str]] = Counter()
    for rel in part_rels(out, "documents"):
        cols = ["doc_id", "source_path", "municipality", "doc_type", "report_year", "status"]
        for r in read_stored_part(out, rel, "documents", cols).to_pylist():
            docs.setdefault(r["doc_id"], (r["municipality"] or NOT_STATED, r["source_path"]))
            if r["status"] != DocStatus.FAILED:
                year = str(r["report_year"]) if r["report_year"] else NOT_STATED
                by_type_year[(r["doc_type"] or "other", year)] += 1
    return docs, by_type_year


def output_data(out: Out) -> dict[str, Any]:
    """The data sections over the whole output, a folder or any storage (empty when no run
    wrote it yet)."""
    out = open_storage(out)
    docs, by_type_year = _documents(out)
    scan = _Scan(docs)
    for rel in part_rels(out, "indicators"):
        for r in read_stored_part(out, rel, "indicators", IND_COLUMNS).to_pylist():
            scan.add(r)
    missed = [row for _, _, row in sorted(scan.missed, key=lambda t: (-t[0], t[1]))]
    return {
        "completion_by_federal_project": completion_table(scan.projects, "federal_project"),
        "completion_by_municipality": completion_table(scan.places, "municipality"),
        "missed_indicators": missed,
        "documents_by_type_year": [{"doc_type": t, "year": y, "documents": n}
                                   for (t, y), n in sorted(by_type_year.items())],
    }


def output_problems(manifest: Manifest) -> list[dict[str, Any]]:
    """Every file of the output that failed or was read in part, failed first, with its
    reason as stored (English) and in Russian."""
    rows = [{"path": e.rel_path, "format": e.format, "status": e.status, "reason": e.error,
             "reason_ru": error_ru(e.error) or None, "run_seq": e.run_seq}
            for e in manifest.entries.values() if e.status != DocStatus.OK]
    return sorted(rows, key=lambda r: (STATUS_ORDER.get(r["status"], 0), r["path"]))
