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
is matched again. The distinct names are gathered on disk and ordered by DuckDB
(``pipeline.batch.review.name_groups``) and the workbook is written streaming, so memory grows
neither with the output nor with the names to review. Decided names
are no longer marked once their rows are matched again, so they are listed too (reason
«решено», with their decision), and every decision or note typed in the workbook is written
back into the new one. A run that changed neither the output (its ``data_version``) nor the
decisions leaves the workbook as it is.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from pipeline import __version__
from pipeline.batch.load.write import read_part
from pipeline.batch.review.book import write_review_book
from pipeline.batch.review.decisions import ReviewState
from pipeline.batch.review.name_groups import NameTable, typed_keys
from pipeline.batch.review.row_decisions import RowDecisions
from pipeline.batch.review.row_sheet import RowState, add_row_sheet
from pipeline.batch.review.rows import row_review_rows
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


def _first_row(r: dict[str, Any], floor: float) -> dict[str, Any]:
    row: dict[str, Any] = {"raw_name": r["indicator_raw"], "canonical": "", "note": "",
                           "reason": r["review_reason"], "count": r["count"],
                           "score": r["match_score"],
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


@dataclass(frozen=True, slots=True)
class NameRows:
    """The workbook's names: ``rows`` taken lazily (once), with the counts known before."""

    rows: Iterator[dict[str, object]]
    to_check: int
    decided: int
    outside: OutsideCatalog


def review_rows(out: Path, state: ReviewState | None = None,
                threshold: float = DEFAULT_THRESHOLD) -> list[dict[str, object]]:
    """One row per distinct name the workers marked for review that has a candidate, most
    frequent first, then the decided names (``review_groups``)."""
    return list(review_groups(out, state, threshold).rows)


def review_groups(out: Path, state: ReviewState | None = None,
                  threshold: float = DEFAULT_THRESHOLD) -> NameRows:
    """The workbook's rows — one per distinct name the workers marked for review, most
    frequent first, then the decided names; candidates under ``candidate_floor(threshold)``
    are left out, and so are the names left with none (``outside`` counts them). The names
    are gathered on disk (``pipeline.batch.review.name_groups``); a row becomes a dict only
    as it is taken."""
    state = state or ReviewState()
    floor = candidate_floor(threshold)
    decided_raw = pa.array(sorted({d.raw_name for d in state.decisions.values()}), pa.string())
    table = NameTable(out, decided_raw, list(state.decisions), typed_keys(state.filled), floor)
    try:
        counts = table.counts(OUTSIDE_SAMPLE)
    except BaseException:
        table.close()
        raise
    extras = [key for key in state.decisions if key not in counts.decided_keys]
    return NameRows(_rows(out, state, floor, table, extras), counts.to_check,
                    counts.decided + len(extras),
                    OutsideCatalog(counts.outside_names, counts.outside_rows,
                                   counts.outside_sample))


def _rows(out: Path, state: ReviewState, floor: float, table: NameTable, extras: list[str]
          ) -> Iterator[dict[str, object]]:
    """The rows in order, a chunk at a time, with the decisions and what was typed; then the
    decided names no longer in the output."""
    for chunk in table.rows():
        sources = _source_paths(out, {str(r["doc_id"]) for r in chunk})
        for r in chunk:
            row = _first_row(r, floor)
            d, filled = state.decisions.get(str(r["key"])), state.filled.get(str(r["key"]))
            if d is not None:
                row.update(reason=ReviewReason.DECIDED.value, canonical=d.canonical or "-",
                           note=d.note)
            elif filled is not None:
                row.update(canonical=filled.decision, note=filled.note)
            row["file"] = sources.get(str(row.pop("doc_id", "")), "")
            yield row
    for key in extras:
        d = state.decisions[key]
        yield {"raw_name": d.raw_name, "count": 0, "reason": ReviewReason.DECIDED.value,
               "canonical": d.canonical or "-", "note": d.note, "file": ""}


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
    names = review_groups(out, state)
    sheet = row_review_rows(out, row_state, functools.partial(_source_paths, out))
    write_review_book(names.rows, path, catalog_names,
                      functools.partial(add_row_sheet, rows=sheet))
    rows_decided = sum(1 for r in sheet if r["state"] == RowState.DECIDED)
    summary = ReviewSummary(path, names.to_check, names.decided, len(sheet) - rows_decided,
                            rows_decided, names.outside)
    outside = names.outside
    stamp.update(to_check=summary.to_check, decided=summary.decided,
                 rows_to_check=summary.rows_to_check, rows_decided=summary.rows_decided,
                 outside=outside.section())
    stamp_path.write_text(json.dumps(stamp), encoding="utf-8")
    log.info("review: %d indicator name(s) and %d uncertain row(s) to check in %s; %d "
             "name(s) outside the catalog left out", summary.to_check, summary.rows_to_check,
             path, outside.names)
    return summary
