"""What a run writes besides the data, at its start and its end: the analysts' decisions read
from the review workbook (on names, and on uncertain rows: ``review/row_decisions.csv``),
then the series (``series/series.parquet``, rebuilt when the data changed), the review
workbook, the run report and the run history.

The run report and history go through the output's storage, so they are written to a local
folder and to an object store alike. The review workbook (``review/indicators.xlsx``) and its
decisions (``review/decisions.csv``) are files an analyst opens and edits in place: they are
kept for local outputs only; on an object store the review is skipped with a log line (the
report's ``review`` section says so) and no decisions are applied.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from pipeline.batch.load.manifest import Manifest
from pipeline.batch.load.series_write import write_series
from pipeline.batch.load.storage import Storage, inside
from pipeline.batch.review.book import ReviewBookError
from pipeline.batch.review.decisions import ReviewState, collect_decisions
from pipeline.batch.review.names import write_indicator_review
from pipeline.batch.review.report import (
    REPORT_JSON,
    FileRecord,
    build_report,
    history_entry,
    record_history,
    write_report,
)
from pipeline.batch.review.report_data import DATA_KEYS, output_data
from pipeline.batch.review.report_series import series_checks
from pipeline.batch.review.row_decisions import (
    ROW_DECISIONS_FILE,
    RowDecisions,
    load_row_decisions,
    merge_filled,
    save_row_decisions,
)
from pipeline.batch.review.row_sheet import read_row_sheet
from pipeline.normalise.catalog import default_catalog
from pipeline.normalise.review import DECISIONS_FILE, REVIEW_FILE

log = logging.getLogger(__name__)

REVIEW_SKIPPED = "the review workbook is kept for local outputs only"


def read_review(out: Storage) -> ReviewState:
    """The analysts' decisions of a local output; none for an object store."""
    if out.local is None:
        log.info("review: %s; no review/decisions.csv is read from %s", REVIEW_SKIPPED,
                 out.url)
        return ReviewState()
    _check_review_paths(out.local)
    return collect_decisions(out.local, default_catalog())


def read_row_review(out: Storage) -> RowDecisions:
    """The analysts' decisions on uncertain rows of a local output: ``row_decisions.csv``
    with the decisions of the workbook's sheet «Проверка строк» added (and recorded there);
    none for an object store. Read after ``read_review``, which moves a damaged workbook
    aside."""
    if out.local is None:
        return RowDecisions()
    _check_review_paths(out.local)
    csv_path = out.local / ROW_DECISIONS_FILE
    stored = load_row_decisions(csv_path)
    try:
        filled = read_row_sheet(out.local / REVIEW_FILE, filled_only=True) if (
            out.local / REVIEW_FILE).is_file() else []
    except ReviewBookError as exc:
        log.warning("review: %s; the row decisions in it are not read", exc)
        filled = []
    state = merge_filled(stored, filled)
    if dict(state.decisions) != stored:
        save_row_decisions(csv_path, state.decisions)
        log.info("review: %d row decision(s) recorded in %s", len(state.decisions),
                 ROW_DECISIONS_FILE)
    return state


def _check_review_paths(out: Path) -> None:
    """The review files are read and written only inside the output folder.

    Raises:
        LinkedPath: the review folder or one of its files is a symbolic link.
    """
    for rel in (REVIEW_FILE, DECISIONS_FILE, ROW_DECISIONS_FILE):
        inside(out, rel.as_posix())


def _output_data(out: Storage, data_version: str | None, series_rebuilt: bool
                 ) -> dict[str, Any]:
    """The report's data sections over the whole output and the series' checks; taken from
    the last report when no commit has changed the output since and the series was not
    rebuilt (a run with nothing to do stays quick)."""
    try:
        last = json.loads(out.read_bytes(REPORT_JSON).decode("utf-8"))
        if data_version is not None and last.get("data_version") == data_version:
            data: dict[str, Any] = {k: list(last[k]) for k in DATA_KEYS}
            checks = last.get("series_checks")
            data["series_checks"] = (dict(checks) if isinstance(checks, dict)
                                     and not series_rebuilt else series_checks(out))
            return data
    except (OSError, ValueError, KeyError, TypeError):
        pass  # no usable report from the last run: compute it
    return {**output_data(out), "series_checks": series_checks(out)}


def _write_review(out: Storage, data_version: str | None, review: ReviewState,
                  row_review: RowDecisions) -> dict[str, Any]:
    if out.local is None:
        log.info("review: %s; not written to %s", REVIEW_SKIPPED, out.url)
        return {"file": None, "skipped": REVIEW_SKIPPED}
    _check_review_paths(out.local)
    reviewed = write_indicator_review(out.local, data_version, review,
                                      (i.name for i in default_catalog().indicators),
                                      row_review)
    return {"file": REVIEW_FILE.as_posix(), "to_check": reviewed.to_check,
            "decided": reviewed.decided, "rows_to_check": reviewed.rows_to_check,
            "rows_decided": reviewed.rows_decided,
            "outside_catalog": reviewed.outside.section()}


def end_of_run_pool() -> None:
    """Arrow allocates through the system allocator from here on (the main process, after
    the workers): the end-of-run steps read the output part by part, and Arrow's default
    pool (mimalloc) keeps the high-water mark of every part read, where the system one gives
    it back when a part is released (``release_memory``). Measured on the series at 20,000
    files: 325 MiB peak with the default pool, 287 with the system one."""
    pa.set_memory_pool(pa.system_memory_pool())


def write_outputs(out: Storage, facts: Mapping[str, Any], records: Sequence[FileRecord],
                  manifest: Manifest, review: ReviewState,
                  row_review: RowDecisions | None = None) -> dict[str, Any]:
    """Write the series, the review workbook (local outputs), the run report and the history;
    the report."""
    end_of_run_pool()
    data_version = manifest.meta.get("data_version")
    series = write_series(out)
    review_section = _write_review(out, data_version, review, row_review or RowDecisions())
    report = build_report(facts, records, manifest,
                          _output_data(out, data_version, series.rebuilt), review_section)
    report["series"] = series.section()
    report["history"] = record_history(out, history_entry(report))
    write_report(out, report)
    return report
