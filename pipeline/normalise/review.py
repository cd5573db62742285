"""Review loop: names an analyst should look at, written next to the run's outputs.

``<out>/review/indicators.xlsx`` (``pipeline.batch.review.book``) lists each name whose
catalog match is weak or ambiguous once, with where it was first met and the catalog's best
candidates (a name with no candidate over ``candidate_floor`` is left out: it is outside the
catalog, counted in the run report); the analyst fills the decision column, and the next run
applies the decisions like rows of the overrides file (``pipeline.batch.review.decisions``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from pipeline.normalise.match import DEFAULT_THRESHOLD, Match

REVIEW_DIR = Path("review")
REVIEW_FILE = REVIEW_DIR / "indicators.xlsx"
DECISIONS_FILE = REVIEW_DIR / "decisions.csv"
# a candidate this far below the match threshold is noise (an unrelated name sharing a word or
# two scores ~35-50); every labelled true match scores 60 or more (docs/NORMALISATION.md, the
# lowest 63), so 25 below the threshold keeps them with room. The row itself is still listed.
CANDIDATE_FLOOR_GAP = 25.0
CANDIDATES_SHOWN = 3
# what an analyst writes in the decision column for "no catalog indicator is this name"
NO_MATCH_WORDS = frozenset({"-", "—", "–", "нет", "нет соответствия"})


class ReviewReason(StrEnum):
    """Why a name is in the review (``indicators.review_reason``), and decided rows."""

    BELOW_THRESHOLD = "below_threshold"
    AMBIGUOUS = "ambiguous"
    DECIDED = "decided"  # only in the workbook: a name the analysts decided


REASON_TEXT: dict[str, str] = {
    ReviewReason.BELOW_THRESHOLD: "слабое совпадение (ниже порога)",
    ReviewReason.AMBIGUOUS: "неоднозначно (кандидаты близки)",
    ReviewReason.DECIDED: "решено",
}


@dataclass(frozen=True, slots=True)
class Column:
    """A column of the review workbook: its key, its Russian header and width in Excel."""

    key: str
    title: str
    width: float


COLUMNS: tuple[Column, ...] = (
    Column("raw_name", "Название в документе", 60),
    Column("canonical", "Решение (каноническое название)", 50),
    Column("note", "Примечание", 24),
    Column("reason", "Причина", 26),
    Column("count", "Сколько строк", 9),
    Column("file", "Файл", 36),
    Column("locator", "Место в документе", 30),  # shown in Russian (pipeline.texts_ru)
    Column("page", "Страница", 9),
    Column("score", "Совпадение", 11),
    Column("matched", "Сопоставлено сейчас", 40),
    *(c for i in range(1, CANDIDATES_SHOWN + 1) for c in (
        Column(f"candidate_{i}", f"Кандидат {i}", 50), Column(f"score_{i}", f"Оценка {i}", 9))),
)
HEADER = [c.key for c in COLUMNS]


def candidate_floor(threshold: float = DEFAULT_THRESHOLD) -> float:
    """The lowest candidate score worth showing an analyst, for a match ``threshold``."""
    return threshold - CANDIDATE_FLOOR_GAP


def review_reason(match: Match, threshold: float, margin: float) -> str | None:
    """Why a match needs a look (``below_threshold``, ``ambiguous``), or None."""
    if match.method == "override":
        return None
    if match.score < threshold:
        return ReviewReason.BELOW_THRESHOLD.value
    cands = match.candidates
    if len(cands) > 1 and cands[0][1] - cands[1][1] < margin:
        return ReviewReason.AMBIGUOUS.value
    return None
