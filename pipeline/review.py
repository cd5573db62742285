"""The human review loop of indicator names: after a run, the distinct names whose best
catalog match is weak or ambiguous are written to ``<out>/review/indicators.csv``; an analyst
copies decided rows into ``data/reference/overrides.csv``, which wins on the next run."""

from __future__ import annotations

import logging
from pathlib import Path

from pipeline.load import load
from pipeline.normalise import Normaliser, write_review

log = logging.getLogger(__name__)


def write_indicator_review(out: Path) -> Path:
    """Match every distinct indicator name of the output again and write the review file."""
    table = load(out, ["indicators"])["indicators"]
    names = sorted({str(n) for n in table["indicator_raw"].dropna()}) if len(table) else []
    matches = Normaliser().match_indicators(names)
    path = write_review(matches, names, out)
    log.info("indicator names for review: %s", path)
    return path
