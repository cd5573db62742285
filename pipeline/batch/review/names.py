"""The human review loop of indicator names (and, on a second sheet, of uncertain rows:
``pipeline.batch.review.rows``): after a run, the distinct names whose best
catalog match is weak or ambiguous are written to ``<out>/review/indicators.xlsx`` with the
file, locator and page where each was first met and the candidates the workers found; the
analyst fills the decision column and the next plain run applies it
(``pipeline.batch.review.decisions``).

Only names with a real candidate are listed: a name whose catalog candidates all score under
``candidate_floor`` has nothing to choose from (most names of real documents are of indicators
the catalog does not hold), so it is counted in the «outside the catalog» group of the run
report (``OutsideCatalog``: the number of names and rows, the most frequent names) instead.

The workers mark such rows as they match them (``indicators.review_reason`` with the
``match_candidates``), so the review reads those columns of the output part by part — nothing
is matched again and memory grows with the names to review, not with the output. Decided names
are no longer marked once their rows are matched again, so they are listed too (reason
«решено», with their decision), and every decision or note typed in the workbook is written
back into the new one. A run that changed neither the output (its ``data_version``) nor the
decisions leaves the workbook as it is.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from pipeline import __version__
from pipeline.batch.load.write import read_part
from pipeline.batch.review.book import write_review_book
from pipeline.batch.review.decisions import ReviewState
from pipeline.batch.review.row_decisions import RowDecisions
from pipeline.batch.review.row_sheet import RowState, add_row_sheet
from pipeline.batch.review.rows import row_review_rows
from pipeline.grammar.lemma import override_key
from pipeline.load import part_files
from pipeline.normalise.match import DEFAULT_THRESHOLD
from pipeline.normalise.review import (
    CANDIDATES_SHOWN,
    REVIEW_FILE,
    ReviewReason,
    candidate_floor,
)

log = logging.getLogger(__name__)

STAMP_FILE = REVIEW_FILE.with_suffix(".stamp.json")
OUTSIDE_SAMPLE = 20  # names outside the catalog shown in the run report, the most frequent
COLUMNS = ["doc_id", "indicator_raw", "indicator_canonical", "match_score", "review_reason",
           "match_candidates", "locator", "page"]


def _first_row(r: dict[str, Any], floor: float) -> dict[str, Any]:
    row: dict[str, Any] = {"raw_name": r["indicator_raw"], "canonical": "", "note": "",
                           "reason": r["review_reason"], "count": 1, "score": r["match_score"],
                           "matched": r["indicator_canonical"] or "", "doc_id": r["doc_id"],
                           "locator": r["locator"], "page": r["page"]}
    shown = [c for c in (r["match_candidates"] or []) if c["score"] >= floor]
    for i, cand in enumerate(shown[:CANDIDATES_SHOWN], 1):
        row[f"candidate_{i}"], row[f"score_{i}"] = cand["name"], cand["score"]
    return row


def _source_paths(out: Path, doc_ids: set[str]) -> dict[str, str]:
    """``documents.source_path`` of the given doc_ids (the first file of a shared content)."""
    found: dict[str, str] = {}
    if not doc_ids:
        return found
    wanted = pa.array(sorted(doc_ids), pa.string())
    for path in part_files(out, "documents"):
        table = read_part(path, "documents", ["doc_id", "source_path"])
        table = table.filter(pc.is_in(table["doc_id"], value_set=wanted))
        for doc_id, source in zip(table["doc_id"].to_pylist(), table["source_path"].to_pylist(),
                                  strict=True):
            if doc_id not in found or (source or "") < found[doc_id]:
                found[doc_id] = source
    return found


@dataclass(frozen=True, slots=True)
class OutsideCatalog:
    """The names marked for review that have no candidate in the catalog: not in the
    workbook, counted (names, rows) with the ``OUTSIDE_SAMPLE`` most frequent."""

    names: int = 0
    rows: int = 0
    sample: tuple[tuple[str, int], ...] = ()

    def section(self) -> dict[str, Any]:
        """The run report's ``review.outside_catalog``."""
        return {"names": self.names, "rows": self.rows,
                "sample": [{"name": n, "rows": c} for n, c in self.sample]}

    @classmethod
    def of(cls, section: dict[str, Any]) -> OutsideCatalog:
        return cls(int(section["names"]), int(section["rows"]),
                   tuple((str(s["name"]), int(s["rows"])) for s in section["sample"]))


def _outside(row: dict[str, Any]) -> bool:
    """A row with nothing to choose: no candidate shown, not decided, nothing typed in."""
    return (row["reason"] != ReviewReason.DECIDED and not row.get("candidate_1")
            and not row.get("canonical") and not row.get("note"))


def review_rows(out: Path, state: ReviewState | None = None,
                threshold: float = DEFAULT_THRESHOLD) -> list[dict[str, object]]:
    """One row per distinct name the workers marked for review that has a candidate, most
    frequent first, then the decided names (``review_groups``)."""
    return review_groups(out, state, threshold)[0]


def review_groups(out: Path, state: ReviewState | None = None,
                  threshold: float = DEFAULT_THRESHOLD
                  ) -> tuple[list[dict[str, object]], OutsideCatalog]:
    """The workbook's rows — one per distinct name the workers marked for review, most
    frequent first, then the decided names; candidates under ``candidate_floor(threshold)``
    are left out, and so are the names left with none (the second value counts them)."""
    state = state or ReviewState()
    floor = candidate_floor(threshold)
    decided_raw = pa.array(sorted({d.raw_name for d in state.decisions.values()}), pa.string())
    by_key: dict[str, dict[str, Any]] = {}
    for path in part_files(out, "indicators"):
        table = read_part(path, "indicators", COLUMNS)
        keep = pc.is_valid(table["review_reason"])
        if len(decided_raw):
            keep = pc.or_(keep, pc.fill_null(pc.is_in(table["indicator_raw"],
                                                      value_set=decided_raw), False))
        for r in table.filter(keep).to_pylist():
            name = r["indicator_raw"]
            if not name or not name.strip():
                continue
            key = override_key(name)
            seen = by_key.get(key)
            if seen is not None:
                seen["count"] += 1
            else:
                by_key[key] = _first_row(r, floor)
    sources = _source_paths(out, {str(r["doc_id"]) for r in by_key.values() if "doc_id" in r})
    for key, d in state.decisions.items():  # decided: shown with the decision, after the rest
        row = by_key.setdefault(key, {"raw_name": d.raw_name, "count": 0})
        row.update(reason=ReviewReason.DECIDED.value, canonical=d.canonical or "-",
                   note=d.note)
    for key, filled in state.filled.items():  # what the analyst typed is never lost
        if key in by_key and key not in state.decisions:
            by_key[key].update(canonical=filled.decision, note=filled.note)
    outside = sorted(((str(r["raw_name"]), int(r["count"])) for r in by_key.values()
                      if _outside(r)), key=lambda t: (-t[1], t[0]))
    rows: list[dict[str, object]] = []
    for row in by_key.values():
        if _outside(row):
            continue
        row["file"] = sources.get(str(row.pop("doc_id", "")), "")
        rows.append(row)
    rows.sort(key=lambda r: (r["reason"] == ReviewReason.DECIDED, -int(str(r["count"])),
                             float(str(r.get("score") or 0))))
    return rows, OutsideCatalog(len(outside), sum(n for _, n in outside),
                                tuple(outside[:OUTSIDE_SAMPLE]))


@dataclass(frozen=True, slots=True)
class ReviewSummary:
    """The review workbook written (or kept) and its counts, for the run report: names and
    (sheet «Проверка строк») uncertain rows."""

    path: Path
    to_check: int
    decided: int
    rows_to_check: int = 0
    rows_decided: int = 0
    outside: OutsideCatalog = OutsideCatalog()


def write_indicator_review(out: Path, data_version: str | None = None,
                           state: ReviewState | None = None,
                           catalog_names: Iterable[str] = (),
                           row_state: RowDecisions | None = None) -> ReviewSummary:
    """Write the review workbook (names, then uncertain rows), unless it was written for this
    ``data_version`` and these decisions already."""
    state, row_state = state or ReviewState(), row_state or RowDecisions()
    path, stamp_path = out / REVIEW_FILE, out / STAMP_FILE
    stamp: dict[str, Any] = {"data_version": data_version, "pipeline_version": __version__,
                             "decisions": state.digest, "row_decisions": row_state.digest}
    if data_version is not None and path.is_file() and stamp_path.is_file():
        try:
            last = json.loads(stamp_path.read_text(encoding="utf-8"))
            if {k: last.get(k) for k in stamp} == stamp:
                log.info("indicator names for review: %s (unchanged)", path)
                return ReviewSummary(path, int(last["to_check"]), int(last["decided"]),
                                     int(last["rows_to_check"]), int(last["rows_decided"]),
                                     OutsideCatalog.of(last["outside"]))
        except (OSError, ValueError, KeyError, TypeError):
            pass  # unreadable stamp: write the review again
    rows, outside = review_groups(out, state)
    sheet = row_review_rows(out, row_state, functools.partial(_source_paths, out))
    write_review_book(rows, path, catalog_names, functools.partial(add_row_sheet, rows=sheet))
    decided = sum(1 for r in rows if r["reason"] == ReviewReason.DECIDED)
    rows_decided = sum(1 for r in sheet if r["state"] == RowState.DECIDED)
    summary = ReviewSummary(path, len(rows) - decided, decided, len(sheet) - rows_decided,
                            rows_decided, outside)
    stamp.update(to_check=summary.to_check, decided=summary.decided,
                 rows_to_check=summary.rows_to_check, rows_decided=summary.rows_decided,
                 outside=outside.section())
    stamp_path.write_text(json.dumps(stamp), encoding="utf-8")
    log.info("review: %d indicator name(s) and %d uncertain row(s) to check in %s; %d "
             "name(s) outside the catalog left out", summary.to_check, summary.rows_to_check,
             path, outside.names)
    return summary
