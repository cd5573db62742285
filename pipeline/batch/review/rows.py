"""The rows of the review sheet «Проверка строк»: the indicator and finance rows of the output
whose ``confidence`` is under ``REVIEW_THRESHOLD``, then the decided ones.

Read part by part with only the columns the sheet shows, filtered with pyarrow compute before
any row becomes a Python object; at most ``MAX_SHEET_ROWS`` rows to check are kept (the least
confident, in a bounded heap), so memory grows with the sheet, not with the output.
"""

from __future__ import annotations

import heapq
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.batch.load.write import read_part
from pipeline.batch.review.row_decisions import RowDecisions, row_key
from pipeline.batch.review.row_sheet import RowState
from pipeline.interpret.plausibility import REVIEW_THRESHOLD
from pipeline.load import part_files

log = logging.getLogger(__name__)

MAX_SHEET_ROWS = 20_000  # rows to check listed at most (Excel holds ~1M, analysts far fewer)
SourcesOf = Callable[[set[str]], dict[str, str]]  # doc_ids -> their files in the output
SHEET_COLUMNS: dict[str, list[str]] = {
    "indicators": ["doc_id", "indicator_raw", "year", "planned_value", "actual_value", "unit",
                   "confidence", "locator", "page"],
    "finance": ["doc_id", "source", "year", "planned_rub", "spent_rub", "confidence",
                "locator", "page"],
}


def _sheet_row(table: str, r: dict[str, Any]) -> dict[str, Any]:
    if table == "indicators":
        name, planned, actual, unit = (r["indicator_raw"], r["planned_value"],
                                       r["actual_value"], r["unit"])
    else:
        name, planned, actual, unit = r["source"], r["planned_rub"], r["spent_rub"], "rub"
    return {"doc_id": r["doc_id"], "table": table, "locator": r["locator"] or "",
            "page": r["page"], "year": r["year"], "name": name or "", "planned": planned,
            "actual": actual, "unit": unit, "confidence": r["confidence"],
            "state": RowState.TO_CHECK.value}


def _candidates(out: Path, threshold: float, decided_ids: set[str]) -> Iterator[dict[str, Any]]:
    """The rows under ``threshold`` and every row of the documents with decided rows."""
    ids = pa.array(sorted(decided_ids), pa.string())
    for table, columns in SHEET_COLUMNS.items():
        for path in part_files(out, table):
            part = read_part(path, table, columns)
            mask = pc.fill_null(pc.less(part["confidence"], threshold), False)
            if len(ids):
                mask = pc.or_(mask, pc.fill_null(pc.is_in(part["doc_id"], value_set=ids),
                                                 False))
            for r in part.filter(mask).to_pylist():
                yield _sheet_row(table, r)


def _order(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row["confidence"], row["doc_id"], row["table"], row["locator"], row["year"] or 0,
            row["name"])


def row_review_rows(out: Path, state: RowDecisions, sources_of: SourcesOf,
                    threshold: float = REVIEW_THRESHOLD, limit: int = MAX_SHEET_ROWS
                    ) -> list[dict[str, Any]]:
    """The sheet's rows: to check (least confident first, at most ``limit``), then the decided
    rows of documents still in the output (``sources_of`` gives the file of each doc_id in
    the output; a dropped row is shown from its record in ``row_decisions.csv``). What an
    analyst typed is carried over."""
    decided: dict[str, dict[str, Any]] = {}
    seen = 0

    def undecided() -> Iterator[dict[str, Any]]:
        nonlocal seen
        for row in _candidates(out, threshold, {d.doc_id for d in state.decisions.values()}):
            key = row_key(row["doc_id"], row["table"], row["locator"], row["year"],
                          row["name"])
            if key in state.decisions:
                decided.setdefault(key, row)
            elif row["confidence"] is not None and row["confidence"] < threshold:
                seen += 1
                typed, note = state.filled.get(key, ("", ""))
                yield {**row, "decision": typed, "note": note}

    rows = heapq.nsmallest(limit, undecided(), key=_order)
    if seen > limit:
        log.warning("review: %d rows under confidence %.2f; the sheet lists the %d least "
                    "confident", seen, threshold, limit)
    sources = sources_of({str(r["doc_id"]) for r in rows}
                         | {d.doc_id for d in state.decisions.values()})
    for key, d in sorted(state.decisions.items(), key=lambda kd: (kd[1].file, kd[1].locator)):
        if d.doc_id not in sources:
            continue  # its document is no longer in the output (changed or deleted)
        row = decided.get(key) or {"doc_id": d.doc_id, "table": d.table, "locator": d.locator,
                                   "year": d.year, "name": d.name}
        rows.append({**row, "decision": d.verdict.value, "note": d.note,
                     "state": RowState.DECIDED.value})
    for row in rows:
        row["file"] = sources.get(str(row["doc_id"]), "")
    return rows
