"""The analysts' decisions on indicator names, read back from the review workbook.

At the start of a run (under the output lock) the decision column of
``<out>/review/indicators.xlsx`` is read; every decision naming a catalog indicator (or ``-``
for "none") is added to ``<out>/review/decisions.csv``, the durable record of the decisions
in the overrides file's format (``raw_name,canonical,note``, UTF-8), where a later decision on
the same name replaces the earlier one. The decisions are then merged into the run's overrides
(the overrides file wins when both name the same raw name) and so into ``NamesSpec``: its
digest changes and the stored rows of the decided names are matched again without reading any
file. A decision naming no catalog indicator is logged as a warning and skipped; it stays in
the workbook for the analyst to correct.

In ``decisions.csv`` a value a spreadsheet would take for a formula (beginning with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) is written with a leading ``'``, as
spreadsheets themselves do, and so is one beginning with ``'``; reading strips exactly that
prefix, so every value reads back as it was written.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import logging
import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.batch.review.book import Filled, ReviewBookError, read_review_book
from pipeline.grammar.lemma import override_key
from pipeline.normalise.catalog import Catalog
from pipeline.normalise.names import NamesSpec
from pipeline.normalise.review import DECISIONS_FILE, NO_MATCH_WORDS, REVIEW_FILE

log = logging.getLogger(__name__)

FIELDS = ["raw_name", "canonical", "note"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what makes a spreadsheet cell a formula
TEXT_MARK = "'"


def cell_text(value: str) -> str:
    """``value`` as a CSV cell that no spreadsheet runs: ``'`` before a formula's start (or
    before a ``'``, so that ``cell_value`` knows what to strip)."""
    return TEXT_MARK + value if value.startswith((*FORMULA_START, TEXT_MARK)) else value


def cell_value(text: str) -> str:
    """The value ``cell_text`` wrote as ``text``."""
    if text.startswith(TEXT_MARK) and text[1:].startswith((*FORMULA_START, TEXT_MARK)):
        return text[1:]
    return text


@dataclass(frozen=True, slots=True)
class Decision:
    """One decided name: ``canonical`` is a catalog name, or empty for "no catalog indicator"."""

    raw_name: str
    canonical: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class ReviewState:
    """What the analysts wrote: the decisions in force (by override key) and every filled
    workbook row (by override key), kept when the workbook is written again."""

    decisions: Mapping[str, Decision] = field(default_factory=dict)
    filled: Mapping[str, Filled] = field(default_factory=dict)
    rejected: frozenset[str] = frozenset()  # keys whose decision names no catalog indicator

    @property
    def digest(self) -> str:
        text = "\n".join(f"{k}\t{d.canonical}" for k, d in sorted(self.decisions.items()))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def resolve(decision: str, catalog: Catalog) -> str | None:
    """The catalog name a typed decision means ("" for none), or None when it names none;
    case, quotes and spacing are forgiven."""
    text = decision.strip()
    if text.lower() in NO_MATCH_WORDS:
        return ""
    if catalog.indicator(text) is not None:
        return text
    key = override_key(text)
    return next((i.name for i in catalog.indicators if override_key(i.name) == key), None)


def load_decisions(path: Path) -> dict[str, Decision]:
    """``review/decisions.csv`` by override key (empty when there is none yet)."""
    if not path.is_file():
        return {}
    out: dict[str, Decision] = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            raw, canonical, note = (cell_value((row.get(k) or "").strip()) for k in FIELDS)
            if raw:
                out[override_key(raw)] = Decision(raw, canonical, note)
    return out


def _csv_text(decisions: Mapping[str, Decision] | list[dict[str, str]],
              for_spreadsheets: bool = False) -> str:
    """The overrides CSV of ``decisions``; ``for_spreadsheets``: each value ``cell_text``."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    rows = decisions if isinstance(decisions, list) else [
        {"raw_name": d.raw_name, "canonical": d.canonical, "note": d.note}
        for _, d in sorted(decisions.items())]
    if for_spreadsheets:
        rows = [{k: cell_text(v or "") for k, v in r.items() if k in FIELDS} for r in rows]
    writer.writerows(rows)
    return buf.getvalue()


def _save(path: Path, decisions: Mapping[str, Decision]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        tmp.write_text(_csv_text(decisions, for_spreadsheets=True), encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _read_book(path: Path) -> list[Filled]:
    """The filled rows of the workbook; a damaged one is moved aside (never overwritten)."""
    if not path.is_file():
        return []
    try:
        return read_review_book(path)
    except ReviewBookError as exc:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        aside = path.with_name(f"{path.stem}.unreadable-{stamp}{path.suffix}")
        os.replace(path, aside)
        log.warning("%s; moved to %s, a new review file is written", exc, aside.name)
        return []


def collect_decisions(out: Path, catalog: Catalog) -> ReviewState:
    """Read the workbook's decisions, record the valid ones in ``review/decisions.csv``."""
    stored = load_decisions(out / DECISIONS_FILE)
    decisions = dict(stored)
    filled: dict[str, Filled] = {}
    rejected: set[str] = set()
    for row in _read_book(out / REVIEW_FILE):
        key = override_key(row.raw_name)
        filled[key] = row
        if not row.decision:
            continue
        canonical = resolve(row.decision, catalog)
        if canonical is None:
            rejected.add(key)
            log.warning("review: the decision %r for %r names no catalog indicator (see "
                        "catalog_indicators.csv; '-' means none): skipped",
                        row.decision, row.raw_name)
            continue
        decisions[key] = Decision(row.raw_name, canonical, row.note)
    if decisions != stored:
        _save(out / DECISIONS_FILE, decisions)
        log.info("review: %d decision(s) recorded in %s", len(decisions), DECISIONS_FILE)
    return ReviewState(decisions, filled, frozenset(rejected))


def with_decisions(spec: NamesSpec, state: ReviewState) -> NamesSpec:
    """``spec`` with the decisions added as override rows; a raw name the overrides file
    names already keeps the file's row. Without decisions ``spec`` itself (same digest)."""
    if not state.decisions:
        return spec
    rows = list(csv.DictReader(io.StringIO(spec.overrides_csv, newline="")))
    taken = {override_key(r.get("raw_name") or ""): (r.get("canonical") or "").strip()
             for r in rows}
    for key, d in sorted(state.decisions.items()):
        if key in taken:
            if taken[key] != d.canonical:
                log.warning("review: the overrides file decides %r otherwise than the review "
                            "(%r): the overrides file wins", d.raw_name, d.canonical)
            continue
        rows.append({"raw_name": d.raw_name, "canonical": d.canonical, "note": d.note})
    return NamesSpec(_csv_text(rows), f"{spec.overrides_source} + {DECISIONS_FILE}")
