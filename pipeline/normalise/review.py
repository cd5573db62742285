"""Review loop: names an analyst should look at, written next to the run's outputs.

``<out>/review/indicators.csv`` starts with the columns of ``data/reference/overrides.csv``
(``raw_name,canonical,note``): fill ``canonical`` and copy the row into the overrides file.
"""

from __future__ import annotations

import csv
import logging
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from pipeline.normalise.match import DEFAULT_MARGIN, DEFAULT_THRESHOLD, Match

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


def review_rows(matches: Sequence[Match], names: Sequence[str], threshold: float,
                margin: float) -> list[dict[str, object]]:
    """One row per distinct name needing review, most frequent first."""
    if len(matches) != len(names):
        raise ValueError(f"{len(matches)} matches for {len(names)} names")
    counts = Counter(names)
    rows = []
    for name, match in dict(zip(names, matches, strict=True)).items():
        reason = review_reason(match, threshold, margin)
        if reason is None or not name.strip():
            continue
        row: dict[str, object] = {"raw_name": name, "canonical": "", "note": "",
                                  "reason": reason, "count": counts[name],
                                  "score": round(match.score, 2), "matched": match.canonical or ""}
        for i, (cand, score) in enumerate(match.candidates[:3], 1):
            row[f"candidate_{i}"], row[f"score_{i}"] = cand, score
        rows.append(row)
    rows.sort(key=lambda r: (-int(str(r["count"])), float(str(r["score"]))))
    return rows


def write_review(matches: Sequence[Match], names: Sequence[str], out_dir: Path,
                 threshold: float = DEFAULT_THRESHOLD, margin: float = DEFAULT_MARGIN) -> Path:
    """Write ``<out_dir>/review/indicators.csv`` (header only when nothing needs review)."""
    rows = review_rows(matches, names, threshold, margin)
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
