"""The human review loop of indicator names: after a run, the distinct names whose best
catalog match is weak or ambiguous are written to ``<out>/review/indicators.csv``; an analyst
copies decided rows into ``data/reference/overrides.csv``, which wins on the next run.

Matching every name again takes a second or two, so a run that changed neither the output
(its ``data_version``) nor the overrides file leaves the review file as it is.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from pipeline import __version__
from pipeline.load import load
from pipeline.normalise import Normaliser, write_review
from pipeline.normalise.match import DEFAULT_OVERRIDES
from pipeline.normalise.review import REVIEW_FILE

log = logging.getLogger(__name__)

STAMP_FILE = REVIEW_FILE.with_suffix(".stamp.json")


def _stamp(data_version: str | None, overrides: Path) -> dict[str, str | None]:
    digest = (hashlib.sha256(overrides.read_bytes()).hexdigest()
              if overrides.is_file() else None)
    return {"data_version": data_version, "overrides_sha256": digest,
            "pipeline_version": __version__}


def write_indicator_review(out: Path, data_version: str | None = None,
                           overrides: Path = DEFAULT_OVERRIDES) -> Path:
    """Match every distinct indicator name of the output again and write the review file,
    unless the file was written for this ``data_version`` and overrides file already."""
    path, stamp_path = out / REVIEW_FILE, out / STAMP_FILE
    stamp = _stamp(data_version, overrides)
    if data_version is not None and path.is_file() and stamp_path.is_file():
        try:
            if json.loads(stamp_path.read_text(encoding="utf-8")) == stamp:
                log.info("indicator names for review: %s (unchanged)", path)
                return path
        except (OSError, ValueError):
            pass  # unreadable stamp: write the review again
    table = load(out, ["indicators"])["indicators"]
    names = sorted({str(n) for n in table["indicator_raw"].dropna()}) if len(table) else []
    matches = Normaliser(overrides=overrides).match_indicators(names)
    path = write_review(matches, names, out)
    stamp_path.write_text(json.dumps(stamp), encoding="utf-8")
    log.info("indicator names for review: %s", path)
    return path
