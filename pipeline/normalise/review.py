"""Review loop: names an analyst should look at, written next to the run's outputs.

``<out>/review/indicators.csv`` starts with the columns of the overrides file
(``raw_name,canonical,note``): fill ``canonical`` and copy the row into the overrides file.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Sequence
from pathlib import Path

from pipeline.normalise.match import Match

log = logging.getLogger(__name__)

REVIEW_FILE = Path("review") / "indicators.csv"
HEADER = ["raw_name", "canonical", "note", "reason", "count", "score", "matched",
          "candidate_1", "score_1", "candidate_2", "score_2", "candidate_3", "score_3"]


def review_reason(match: Match, threshold: float, margin: float) -> str | None:
    """Why a match needs a look (``below_threshold``, ``ambiguous``), or None."""
    if match.method == "override":
        return None
    if match.score < threshold:
        return "below_threshold"
    cands = match.candidates
    if len(cands) > 1 and cands[0][1] - cands[1][1] < margin:
        return "ambiguous"
    return None


def write_review_rows(rows: Sequence[dict[str, object]], out_dir: Path) -> Path:
    """Write ``<out_dir>/review/indicators.csv`` (header only when nothing needs review)."""
    path = Path(out_dir) / REVIEW_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".csv.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=HEADER, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(path)
    log.info("review: %d name(s) to check in %s", len(rows), path)
    return path
