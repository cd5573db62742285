"""Review file: low scores and near ties are listed with candidates; overrides are not."""

from __future__ import annotations

import csv
from pathlib import Path

from pipeline.batch.review import write_indicator_review
from pipeline.batch.write import write_rows
from pipeline.normalise.match import DEFAULT_MARGIN, DEFAULT_THRESHOLD, Match
from pipeline.normalise.names import candidates_of
from pipeline.normalise.review import HEADER, review_reason

GOOD = Match("A", 95.0, "Учитель будущего", "fuzzy", (("A", 95.0), ("B", 60.0)))
TIE = Match("A", 90.0, "Учитель будущего", "fuzzy", (("A", 90.0), ("B", 89.0), ("C", 50.0)))
LOW = Match(None, 55.5, None, "none", (("C", 55.5), ("A", 40.0)))
OVER = Match("A", 100.0, None, "override", (("A", 100.0),))


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_reasons():
    assert review_reason(GOOD, 78, DEFAULT_MARGIN) is None
    assert review_reason(TIE, 78, DEFAULT_MARGIN) == "ambiguous"
    assert review_reason(LOW, 78, DEFAULT_MARGIN) == "below_threshold"
    assert review_reason(OVER, 78, DEFAULT_MARGIN) is None


def _rows(matches: list[Match], names: list[str]) -> list[dict[str, object]]:
    """Indicator rows as a worker leaves them: the review columns set from each match."""
    out: list[dict[str, object]] = []
    for m, name in zip(matches, names, strict=True):
        reason = review_reason(m, DEFAULT_THRESHOLD, DEFAULT_MARGIN)
        out.append({"doc_id": "d", "indicator_raw": name, "indicator_canonical": m.canonical,
                    "match_score": m.score, "year": 2021, "review_reason": reason,
                    "match_candidates": candidates_of(m) if reason else None})
    return out


def test_review_is_read_from_the_rows_the_workers_marked(tmp_path: Path):
    names = ["good", "tie", "low", "low", "over"]
    write_rows(tmp_path, "indicators", _rows([GOOD, TIE, LOW, LOW, OVER], names)[:3])
    write_rows(tmp_path, "indicators", _rows([LOW, OVER], names[3:]))  # a second part
    path = write_indicator_review(tmp_path)
    assert path == tmp_path / "review" / "indicators.csv"
    rows = read(path)
    assert [r["raw_name"] for r in rows] == ["low", "tie"]
    low, tie = rows
    assert (low["reason"], low["count"], low["candidate_1"], low["score_1"]) == (
        "below_threshold", "2", "C", "55.5")
    assert (tie["reason"], tie["matched"], tie["candidate_2"]) == ("ambiguous", "A", "B")
    assert list(rows[0])[:3] == ["raw_name", "canonical", "note"]


def test_empty_review_has_a_header(tmp_path: Path):
    write_rows(tmp_path, "indicators", _rows([GOOD], ["good"]))
    path = write_indicator_review(tmp_path)
    assert path.read_text(encoding="utf-8").strip() == ",".join(HEADER)
