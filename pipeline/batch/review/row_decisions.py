"""The analysts' decisions on uncertain rows (issue 23): keep or drop an indicator or finance row
whose ``confidence`` is under ``REVIEW_THRESHOLD``.

The review workbook's sheet «Проверка строк» (``pipeline.batch.review.row_sheet``) lists such rows;
at the start of a run (under the output lock) its decision column is read and every
«оставить» (keep) or «удалить» (drop) is added to ``<out>/review/row_decisions.csv``, the
durable record (``doc_id,table,locator,year,name,decision,note,file``, UTF-8, cells written
formula-safe with ``decisions.cell_text``), where a later decision on the same row replaces
the earlier one.

A row is known by its **row key**: the digest of ``doc_id`` (the file's content), the table,
``locator``, ``year`` and the name — ``indicator_raw`` for an indicator, ``source`` for a
finance figure. The same file content read again gives the same keys, so a decision holds
across plain and ``--full`` runs; a changed file has a new ``doc_id`` and its rows are new
rows, to be reviewed afresh (the old decisions stay in the CSV and apply to nothing). Rows
that share all five (two figures of one sentence for one year and source) share the decision.

A «удалить» row is removed from the stored rows: the manifest records, per file, the keys of
the rows dropped from its stored rows (``dropped_rows``); a run whose decisions drop more
rows of an unchanged file filters its stored parts without reading the file (plan reason
``row_decisions``), one that withdrew a drop reads the file again (plan reason ``restore``),
and a file read for any reason has the drops applied before its rows are written. A
«оставить» row changes no data: it stays, marked «решено» in the sheet.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import os
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from pipeline.batch.review.decisions import cell_text, cell_value
from pipeline.normalise.review import REVIEW_DIR

log = logging.getLogger(__name__)

ROW_DECISIONS_FILE = REVIEW_DIR / "row_decisions.csv"
FIELDS = ["doc_id", "table", "locator", "year", "name", "decision", "note", "file"]
# the tables whose rows carry a confidence, and the column that names a row in each
NAME_COLUMN: dict[str, str] = {"indicators": "indicator_raw", "finance": "source"}
KEY_COLUMNS: dict[str, list[str]] = {t: ["doc_id", "locator", "year", c]
                                     for t, c in NAME_COLUMN.items()}
DropSets = Mapping[str, frozenset[str]]  # doc_id -> row keys dropped from its rows


class Verdict(StrEnum):
    """What an analyst decided about a row (the words of the workbook's drop-down)."""

    KEEP = "оставить"
    DROP = "удалить"


VERDICT_WORDS: dict[str, Verdict] = {"оставить": Verdict.KEEP, "keep": Verdict.KEEP,
                                     "удалить": Verdict.DROP, "drop": Verdict.DROP}


def verdict_of(text: str) -> Verdict | None:
    """The verdict a typed decision means (case and spacing forgiven), else None."""
    return VERDICT_WORDS.get(" ".join(text.split()).lower())


def _plain(text: str | None) -> str:
    return " ".join(ILLEGAL_CHARACTERS_RE.sub("", text or "").split())


def row_key(doc_id: str, table: str, locator: str | None, year: int | None,
            name: str | None) -> str:
    """The stable key of a row: 16 hex digits of the SHA-256 of its five parts, the texts
    with their spacing collapsed and without the characters a workbook cannot hold (so a
    key read back from the workbook is the key of the stored row)."""
    text = "\x1f".join([doc_id, table, _plain(locator), "" if year is None else str(year),
                        _plain(name)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class RowDecision:
    """A decided row: what identifies it, the verdict, the analyst's note, its file."""

    doc_id: str
    table: str
    locator: str
    year: int | None
    name: str
    verdict: Verdict
    note: str = ""
    file: str = ""

    @property
    def key(self) -> str:
        return row_key(self.doc_id, self.table, self.locator, self.year, self.name)


@dataclass(frozen=True, slots=True)
class RowDecisions:
    """The row decisions in force (by row key), the filled workbook rows (row key -> (typed
    decision, note)) kept when the workbook is written again."""

    decisions: Mapping[str, RowDecision] = field(default_factory=dict)
    filled: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        text = "\n".join(f"{k}\t{d.verdict}" for k, d in sorted(self.decisions.items()))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def drops(self) -> dict[str, frozenset[str]]:
        """The keys of the rows to drop, by doc_id."""
        out: dict[str, set[str]] = {}
        for key, d in self.decisions.items():
            if d.verdict == Verdict.DROP:
                out.setdefault(d.doc_id, set()).add(key)
        return {doc_id: frozenset(keys) for doc_id, keys in out.items()}


def parse_year(text: str) -> int | None:
    """A year cell as written back by Excel («2021», «2021.0») or empty."""
    text = text.strip()
    if not text:
        return None
    try:
        return int(float(text))
    except ValueError:
        return None


def load_row_decisions(path: Path) -> dict[str, RowDecision]:
    """``review/row_decisions.csv`` by row key (empty when there is none yet); a row with an
    unknown decision or table is skipped with a warning naming the file and line."""
    if not path.is_file():
        return {}
    out: dict[str, RowDecision] = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), 2):
            v = {k: cell_value((row.get(k) or "").strip()) for k in FIELDS}
            verdict = verdict_of(v["decision"])
            if verdict is None or v["table"] not in NAME_COLUMN or not v["doc_id"]:
                log.warning("%s, line %d: not a row decision (table %r, decision %r): skipped",
                            path, line, v["table"], v["decision"])
                continue
            d = RowDecision(v["doc_id"], v["table"], v["locator"], parse_year(v["year"]),
                            v["name"], verdict, v["note"], v["file"])
            out[d.key] = d
    return out


def _csv_text(decisions: Mapping[str, RowDecision]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(FIELDS)
    for d in sorted(decisions.values(), key=lambda d: (d.file, d.doc_id, d.table, d.locator,
                                                       d.year or 0, d.name)):
        writer.writerow([cell_text(str(v)) for v in (
            d.doc_id, d.table, d.locator, "" if d.year is None else d.year, d.name,
            d.verdict.value, d.note, d.file)])
    return buf.getvalue()


def save_row_decisions(path: Path, decisions: Mapping[str, RowDecision]) -> None:
    """Replace ``path`` atomically (a temporary name, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        tmp.write_text(_csv_text(decisions), encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def merge_filled(stored: Mapping[str, RowDecision], filled_rows: Iterable[Mapping[str, str]]
                 ) -> RowDecisions:
    """``stored`` with the decisions of the workbook rows ``filled_rows`` (texts by column
    key) added; a decision that is neither «оставить» nor «удалить» is a warning, skipped."""
    decisions = dict(stored)
    filled: dict[str, tuple[str, str]] = {}
    for r in filled_rows:
        table, doc_id = r.get("table", ""), r.get("doc_id", "")
        typed, note = r.get("decision", ""), r.get("note", "")
        if table not in NAME_COLUMN or not doc_id or not (typed or note):
            continue
        d = RowDecision(doc_id, table, r.get("locator", ""), parse_year(r.get("year", "")),
                        r.get("name", ""), Verdict.KEEP, note, r.get("file", ""))
        filled[d.key] = (typed, note)
        if not typed:
            continue
        verdict = verdict_of(typed)
        if verdict is None:
            log.warning("review: the decision %r for the row %s of %s is neither «оставить» "
                        "nor «удалить»: skipped", typed, d.locator, d.file or d.doc_id)
            continue
        decisions[d.key] = RowDecision(d.doc_id, d.table, d.locator, d.year, d.name, verdict,
                                       note, d.file)
    return RowDecisions(decisions, filled)


def drop_mask(table: pa.Table, name: str, drops: DropSets) -> pa.Array | None:
    """True for the rows of ``table`` (a part of ``name`` with at least ``KEY_COLUMNS``) whose
    key is dropped; None when none is. Only the rows of the documents concerned are keyed."""
    if name not in NAME_COLUMN or not drops or not table.num_rows:
        return None
    ids = pa.array(sorted(drops), pa.string())
    concerned = pc.fill_null(pc.is_in(table["doc_id"], value_set=ids), False)
    idx = pc.indices_nonzero(concerned).to_pylist()
    if not idx:
        return None
    cols = [table[c].take(pa.array(idx)).to_pylist() for c in KEY_COLUMNS[name]]
    hits = [i for i, (doc_id, locator, year, label) in zip(idx, zip(*cols, strict=True),
                                                           strict=True)
            if row_key(doc_id, name, locator, year, label) in drops[doc_id]]
    if not hits:
        return None
    mask = [False] * table.num_rows
    for i in hits:
        mask[i] = True
    return pa.array(mask, pa.bool_())


def keep_rows(name: str, rows: Sequence[Any], drops: DropSets) -> list[Any]:
    """``rows`` (typed rows or dicts of table ``name``) without the dropped ones."""
    if name not in NAME_COLUMN or not drops:
        return list(rows)
    column = NAME_COLUMN[name]
    return [r for r in rows if r["doc_id"] not in drops
            or row_key(r["doc_id"], name, r["locator"], r["year"], r[column])
            not in drops[r["doc_id"]]]
