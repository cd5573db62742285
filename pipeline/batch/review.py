"""The human review loop of indicator names: after a run, the distinct names whose best
catalog match is weak or ambiguous are written to ``<out>/review/indicators.csv``; an analyst
copies decided rows into the overrides file (``--overrides``, by default
``data/reference/overrides.csv``), and the next plain run re-matches the stored names with it.

The workers mark such rows as they match them (``indicators.review_reason`` with the
``match_candidates``), so the review reads those columns of the output part by part — nothing
is matched again and memory does not grow with the output. A run that did not change the
output (its ``data_version``) leaves the review file as it is.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pyarrow.compute as pc

from pipeline import __version__
from pipeline.batch.write import read_part
from pipeline.load import part_files
from pipeline.normalise.review import REVIEW_FILE, write_review_rows

log = logging.getLogger(__name__)

STAMP_FILE = REVIEW_FILE.with_suffix(".stamp.json")
COLUMNS = ["indicator_raw", "indicator_canonical", "match_score", "review_reason",
           "match_candidates"]


def review_rows(out: Path) -> list[dict[str, object]]:
    """One row per distinct name the workers marked for review, most frequent first."""
    by_name: dict[str, dict[str, Any]] = {}
    for path in part_files(out, "indicators"):
        table = read_part(path, "indicators", COLUMNS)
        table = table.filter(pc.is_valid(table["review_reason"]))
        for r in table.to_pylist():
            name = r["indicator_raw"]
            if not name or not name.strip():
                continue
            seen = by_name.get(name)
            if seen is not None:
                seen["count"] += 1
                continue
            row: dict[str, Any] = {"raw_name": name, "canonical": "", "note": "",
                                   "reason": r["review_reason"], "count": 1,
                                   "score": r["match_score"],
                                   "matched": r["indicator_canonical"] or ""}
            for i, cand in enumerate((r["match_candidates"] or [])[:3], 1):
                row[f"candidate_{i}"], row[f"score_{i}"] = cand["name"], cand["score"]
            by_name[name] = row
    rows: list[dict[str, object]] = list(by_name.values())
    rows.sort(key=lambda r: (-int(str(r["count"])), float(str(r["score"]))))
    return rows


def write_indicator_review(out: Path, data_version: str | None = None) -> Path:
    """Write the review file, unless it was written for this ``data_version`` already."""
    path, stamp_path = out / REVIEW_FILE, out / STAMP_FILE
    stamp = {"data_version": data_version, "pipeline_version": __version__}
    if data_version is not None and path.is_file() and stamp_path.is_file():
        try:
            if json.loads(stamp_path.read_text(encoding="utf-8")) == stamp:
                log.info("indicator names for review: %s (unchanged)", path)
                return path
        except (OSError, ValueError):
            pass  # unreadable stamp: write the review again
    path = write_review_rows(review_rows(out), out)
    stamp_path.write_text(json.dumps(stamp), encoding="utf-8")
    log.info("indicator names for review: %s", path)
    return path
