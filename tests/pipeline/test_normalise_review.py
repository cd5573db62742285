"""Review file: low scores and near ties are listed with candidates; overrides are not."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pipeline.normalise.match import DEFAULT_MARGIN, Match
from pipeline.normalise.review import HEADER, review_reason, write_review

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


def test_write_review(tmp_path: Path):
    names = ["good", "tie", "low", "low", "over"]
    path = write_review([GOOD, TIE, LOW, LOW, OVER], names, tmp_path)
    assert path == tmp_path / "review" / "indicators.csv"
    rows = read(path)
    assert [r["raw_name"] for r in rows] == ["low", "tie"]
    low, tie = rows
    assert (low["reason"], low["count"], low["candidate_1"], low["score_1"]) == (
        "below_threshold", "2", "C", "55.5")
    assert (tie["reason"], tie["matched"], tie["candidate_2"]) == ("ambiguous", "A", "B")
    assert list(rows[0])[:3] == ["raw_name", "canonical", "note"]


def test_empty_review_has_a_header(tmp_path: Path):
    path = write_review([GOOD], ["good"], tmp_path)
    assert path.read_text(encoding="utf-8").strip() == ",".join(HEADER)


def test_lengths_must_agree(tmp_path: Path):
    with pytest.raises(ValueError, match="2 matches for 1 names"):
        write_review([GOOD, LOW], ["good"], tmp_path)
