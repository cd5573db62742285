"""The manifest: what the output folder holds, file by file, and what a run has to do.

``<out>/_manifest.parquet`` has one row per input file seen (its path relative to the input
folder, content hash = ``doc_id``, size, mtime, the pipeline version that processed it, its
status and the rows and part files it owns in every table). Its key-value metadata records the
manifest format, the schema version of the parts, the layout version of the folders
(``pipeline.batch.load.layout``) and the run counter. It is replaced
atomically and is the commit point of every batch: a part that the manifest does not name is
garbage left by a killed run and is deleted by the next one
(``pipeline.batch.load.commit.recover``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import pyarrow as pa

from pipeline.batch.load.storage import open_storage, parquet_bytes, read_parquet
from pipeline.batch.load.write import LAYOUT_VERSION, Out
from pipeline.sources import SourceFile
from schemas import SCHEMA_VERSION, TABLES

log = logging.getLogger(__name__)

MANIFEST_NAME = "_manifest.parquet"
MANIFEST_VERSION = "1"
CHILD_TABLES = tuple(t for t in TABLES if t != "documents")


def _f(name: str, type_: pa.DataType, description: str) -> pa.Field:
    return pa.field(name, type_, metadata={"description": description})


MANIFEST_SCHEMA = pa.schema(
    [
        _f("rel_path", pa.string(), "path of the input file relative to the input folder"),
        _f("doc_id", pa.string(), "sha256 of the file bytes, first 16 hex digits"),
        _f("size", pa.int64(), "file size in bytes when it was processed"),
        _f("mtime", pa.float64(), "file modification time (POSIX seconds) when last seen"),
        _f("format", pa.string(), "format found by content sniffing, null if unknown"),
        _f("status", pa.string(), "ok, partial or failed (as in documents.status)"),
        _f("error", pa.string(), "reason when status is not ok"),
        _f("pipeline_version", pa.string(), "pipeline version that processed the file "
           "(damaged: a part holding its rows was set aside, the file is read again)"),
        _f("run_seq", pa.int64(), "number of the run that processed the file"),
        _f("processed_at", pa.timestamp("us", tz="UTC"), "when the file was committed"),
        _f("seconds", pa.float64(), "processing time of the file"),
        _f("interpret_digest", pa.string(),
           "digest of the interpretation vocabularies, catalog and gazetteer it was read with"),
        _f("names_digest", pa.string(), "digest of the overrides its names were matched with"),
        _f("missing_tool", pa.string(), "the program whose absence failed the file "
           "(extractors.tools.Tool: soffice, pdftoppm, tesseract, tesseract-langs), else empty;"
           " the file is read again once it is installed"),
        _f("dropped_rows", pa.list_(pa.string()),
           "row keys of the rows removed from its stored rows by the review's «удалить» "
           "decisions (review/row_decisions.csv)"),
        *(_f(f"rows_{t}", pa.int64(), f"rows of the file in {t}") for t in TABLES),
        *(_f(f"parts_{t}", pa.list_(pa.string()),
             f"part files (relative to the output folder) holding its {t} rows")
          for t in TABLES),
    ]
)


class ManifestError(Exception):
    """The manifest exists but cannot be read (the output folder needs ``--full``)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, reason)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Entry:
    rel_path: str
    doc_id: str
    size: int
    mtime: float
    format: str | None
    status: str
    error: str | None
    pipeline_version: str
    run_seq: int
    processed_us: int  # when committed, microseconds since the epoch (UTC)
    seconds: float
    rows: Mapping[str, int] = field(default_factory=dict)
    parts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    interpret_digest: str = ""
    names_digest: str = ""
    missing_tool: str = ""  # failed for want of this program; retried once it is installed
    dropped_rows: frozenset[str] = frozenset()  # row keys the review's decisions dropped

    def all_parts(self) -> set[str]:
        return {p for ps in self.parts.values() for p in ps}


@dataclass(slots=True)
class Manifest:
    entries: dict[str, Entry] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def exists(self) -> bool:
        return bool(self.meta)

    @property
    def run_seq(self) -> int:
        return int(self.meta.get("run_seq", "0"))

    @property
    def rebuild_before(self) -> int | None:
        value = self.meta.get("rebuild_before")
        return int(value) if value else None

    def referenced_parts(self) -> set[str]:
        return {p for e in self.entries.values() for p in e.all_parts()}

    def doc_rows(self) -> dict[str, int]:
        """Rows per table in the output: documents per file, other tables per distinct doc_id."""
        totals = {t: 0 for t in TABLES}
        seen: set[str] = set()
        for e in self.entries.values():
            totals["documents"] += e.rows.get("documents", 0)
            if e.doc_id not in seen:
                seen.add(e.doc_id)
                for t in CHILD_TABLES:
                    totals[t] += e.rows.get(t, 0)
        return totals


def manifest_path(out: Path) -> Path:
    """The manifest of a local output."""
    return out / MANIFEST_NAME


def _entry_from_row(row: Mapping[str, Any]) -> Entry:
    return Entry(
        rel_path=row["rel_path"], doc_id=row["doc_id"], size=row["size"] or 0,
        mtime=row["mtime"] or 0.0, format=row["format"], status=row["status"] or "failed",
        error=row["error"], pipeline_version=row["pipeline_version"] or "",
        run_seq=row["run_seq"] or 0, processed_us=row["processed_at"] or 0,
        seconds=row["seconds"] or 0.0,
        rows={t: row.get(f"rows_{t}") or 0 for t in TABLES},
        parts={t: tuple(row.get(f"parts_{t}") or ()) for t in TABLES},
        interpret_digest=row.get("interpret_digest") or "",
        names_digest=row.get("names_digest") or "",
        missing_tool=row.get("missing_tool") or "",
        dropped_rows=frozenset(row.get("dropped_rows") or ()),
    )


def part_path_problem(table: str, rel: Any) -> str | None:
    """Why ``rel`` is not a part path of ``table`` as this pipeline writes them
    (``<table>/year_part=<value>/<name>.parquet``, relative, normalised), else None. A
    manifest holding anything else was edited by hand: its paths are never opened or deleted."""
    if not isinstance(rel, str):
        return f"part path {rel!r} is not a string"
    pieces = rel.split("/")
    if (len(pieces) != 3 or pieces[0] != table or not pieces[1].startswith("year_part=")
            or not pieces[2].endswith(".parquet") or pieces[2].startswith(".")
            or "\\" in rel or "\0" in rel):
        return (f"part path {rel!r} of table {table} is not a relative path "
                f"{table}/year_part=<value>/<name>.parquet inside the output folder")
    return None


def _check_entry(path: str, entry: Entry) -> None:
    for table, rels in entry.parts.items():
        for rel in rels:
            problem = part_path_problem(table, rel)
            if problem is not None:
                raise ManifestError(path, f"{problem} (entry {entry.rel_path!r}); the "
                                    "manifest was edited by hand: rerun with --full")


def load_manifest(out: Out) -> Manifest:
    """Read ``<out>/_manifest.parquet``; an empty Manifest when there is none.

    Raises:
        ManifestError: the file exists but is unreadable, of an unknown manifest version, or
            names a part outside the output folder (``part_path_problem``).
    """
    storage = open_storage(out)
    path = f"{storage.url}/{MANIFEST_NAME}"
    if not storage.exists(MANIFEST_NAME):
        return Manifest()
    try:
        table = read_parquet(storage, MANIFEST_NAME)  # not read_table: see write.read_part
    except (OSError, pa.ArrowException) as exc:
        raise ManifestError(str(path), f"unreadable manifest ({exc}); rerun with --full") from None
    meta = {k.decode(): v.decode() for k, v in (table.schema.metadata or {}).items()}
    if meta.get("manifest_version") != MANIFEST_VERSION:
        raise ManifestError(str(path), f"manifest version {meta.get('manifest_version')!r} "
                            f"is not {MANIFEST_VERSION!r}; rerun with --full")
    # timestamps as integers: building 100,000 datetime objects would take seconds
    table = table.set_column(table.schema.get_field_index("processed_at"), "processed_at",
                             table.column("processed_at").cast(pa.int64()))
    columns = {name: table.column(name).to_pylist() for name in table.column_names}
    rows = (dict(zip(columns, values, strict=True)) for values in zip(*columns.values(),
                                                                      strict=True))
    entries = {row["rel_path"]: _entry_from_row(row) for row in rows}
    for entry in entries.values():
        _check_entry(path, entry)
    return Manifest(entries, meta)


def save_manifest(out: Out, manifest: Manifest) -> None:
    """Replace the manifest atomically (temporary file, fsync, ``os.replace``; on an object
    store one PUT): the commit point."""
    entries = sorted(manifest.entries.values(), key=lambda e: e.rel_path)
    cols: dict[str, list[Any]] = {
        "rel_path": [e.rel_path for e in entries], "doc_id": [e.doc_id for e in entries],
        "size": [e.size for e in entries], "mtime": [e.mtime for e in entries],
        "format": [e.format for e in entries], "status": [e.status for e in entries],
        "error": [e.error for e in entries],
        "pipeline_version": [e.pipeline_version for e in entries],
        "run_seq": [e.run_seq for e in entries],
        "processed_at": pa.array([e.processed_us for e in entries], pa.int64()).cast(
            pa.timestamp("us", tz="UTC")),
        "seconds": [e.seconds for e in entries],
        "interpret_digest": [e.interpret_digest for e in entries],
        "names_digest": [e.names_digest for e in entries],
        "missing_tool": [e.missing_tool for e in entries],
        "dropped_rows": [sorted(e.dropped_rows) for e in entries],
    }
    for t in TABLES:
        cols[f"rows_{t}"] = [e.rows.get(t, 0) for e in entries]
        cols[f"parts_{t}"] = [list(e.parts.get(t, ())) for e in entries]
    meta = {**manifest.meta, "manifest_version": MANIFEST_VERSION,
            "schema_version": SCHEMA_VERSION, "layout_version": LAYOUT_VERSION,
            "updated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    manifest.meta = meta
    table = pa.table(cols, schema=MANIFEST_SCHEMA.with_metadata(meta))
    open_storage(out).put(MANIFEST_NAME, parquet_bytes(table), durable=True)


@dataclass(frozen=True, slots=True)
class Stamp:
    """What shapes a file's rows: the pipeline version, the digest of what interpretation
    reads (vocabularies, catalog, gazetteer) and the digest of the overrides. A file whose
    entry differs in the first two is processed again; one that differs only in the names
    digest has its stored rows re-normalised
    (``pipeline.batch.load.commit.Committer.renormalise``)."""

    pipeline_version: str
    interpret_digest: str = ""
    names_digest: str = ""


@dataclass(frozen=True, slots=True)
class Plan:
    """What a run does: files to process (with why), files to drop, entries to refresh."""

    to_process: tuple[SourceFile, ...]
    reasons: Mapping[str, str]
    unchanged: tuple[str, ...]
    touched: tuple[SourceFile, ...]
    deleted: tuple[str, ...]
    renormalise: tuple[str, ...] = ()  # unchanged files whose names are matched again
    row_decisions: tuple[str, ...] = ()  # unchanged files with more rows to drop (no reading)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {"unchanged": len(self.unchanged), "deleted": len(self.deleted),
                               "touched": len(self.touched)}
        if self.renormalise:
            out["renormalise"] = len(self.renormalise)
        if self.row_decisions:
            out["row_decisions"] = len(self.row_decisions)
        for reason in self.reasons.values():
            out[reason] = out.get(reason, 0) + 1
        return out

    def listing(self) -> list[tuple[str, str]]:
        """(reason, path) of every file the run would touch: processed, re-normalised, rows
        dropped by the review, or deleted (its rows removed), in that order."""
        return ([(self.reasons[s.rel_path], s.rel_path) for s in self.to_process]
                + [(Reason.RENORMALISE.value, rel) for rel in self.renormalise]
                + [(Reason.ROW_DECISIONS.value, rel) for rel in self.row_decisions]
                + [(Reason.DELETED.value, rel) for rel in self.deleted])

    def groups(self) -> dict[str, int]:
        """How many files of this run share each doc_id (committed together)."""
        sizes: dict[str, int] = {}
        for src in self.to_process:
            sizes[src.doc_id] = sizes.get(src.doc_id, 0) + 1
        return sizes


class Reason(StrEnum):
    """Why a run processes a file (``Plan.reasons``), or leaves it (the other plan counts)."""

    NEW = "new"
    CHANGED = "changed"
    FULL = "full"
    OUTDATED = "outdated"  # processed by another pipeline version
    VOCABULARY = "vocabulary"  # read with other interpretation vocabularies
    TOOL_AVAILABLE = "tool_available"  # failed for want of a program that is installed now
    RETRY = "retry"
    SAME_CONTENT = "same_content"  # shares its content with a file processed for a reason
    RENORMALISE = "renormalise"  # unchanged, its stored names matched again (no reading)
    ROW_DECISIONS = "row_decisions"  # unchanged, rows the review drops removed (no reading)
    RESTORE = "restore"  # a row the review had dropped is kept now: read again to restore it
    DAMAGED = "damaged"  # a part holding its rows was damaged and set aside (batch.damage)
    DELETED = "deleted"


# The pipeline_version of an entry whose rows lost a damaged part (pipeline.batch.load.damage):
# the file is read again.
DAMAGED_MARK = "damaged"
ToolCheck = Callable[[str], bool]
DropSets = Mapping[str, frozenset[str]]  # doc_id -> keys of the rows the review drops


def _reason(entry: Entry | None, src: SourceFile, manifest: Manifest, stamp: Stamp,
            full: bool, retry_failed: bool, tool_available: ToolCheck | None,
            drops: DropSets) -> Reason | None:
    if entry is None:
        return Reason.NEW
    if entry.doc_id != src.doc_id:
        return Reason.CHANGED
    if entry.pipeline_version == DAMAGED_MARK:
        return Reason.DAMAGED
    if full:
        return Reason.FULL
    rebuild = manifest.rebuild_before
    if rebuild is not None and entry.run_seq < rebuild:
        return Reason.FULL
    if entry.pipeline_version != stamp.pipeline_version:
        return Reason.OUTDATED
    if entry.interpret_digest != stamp.interpret_digest:
        return Reason.VOCABULARY
    if entry.status == "failed" and entry.missing_tool and tool_available is not None and \
            tool_available(entry.missing_tool):
        return Reason.TOOL_AVAILABLE
    if retry_failed and entry.status == "failed":
        return Reason.RETRY
    if not entry.dropped_rows <= drops.get(entry.doc_id, frozenset()):
        return Reason.RESTORE
    return None


def plan(manifest: Manifest, files: Iterable[SourceFile], stamp: Stamp, *,
         full: bool = False, retry_failed: bool = False,
         tool_available: ToolCheck | None = None, drops: DropSets | None = None) -> Plan:
    """Compare the files found with the manifest: new, changed, outdated (another pipeline
    version), damaged (a part holding its rows was set aside), vocabulary (other
    interpretation vocabularies), tool_available (failed for want
    of a program that ``tool_available`` says is installed now), restore (the review keeps a
    row it had dropped: ``drops`` no longer holds a key the entry's ``dropped_rows`` does),
    unchanged, deleted; unchanged files matched with other overrides are to be
    re-normalised, and those whose ``drops`` hold more keys get those rows dropped.

    Files with the same content (one doc_id) share their indicator, activity and finance rows,
    so when one of them is processed every other one present is processed with it.
    """
    files = list(files)
    drops = drops or {}
    reasons: dict[str, str] = {}
    touched: list[SourceFile] = []
    for src in files:
        entry = manifest.entries.get(src.rel_path)
        reason = _reason(entry, src, manifest, stamp, full, retry_failed, tool_available,
                         drops)
        if reason is not None:
            reasons[src.rel_path] = reason.value
        elif entry is not None and (entry.size, entry.mtime) != (src.size, src.mtime):
            touched.append(src)
    redo_ids = {src.doc_id for src in files if src.rel_path in reasons}
    for src in files:
        if src.rel_path not in reasons and src.doc_id in redo_ids:
            reasons[src.rel_path] = Reason.SAME_CONTENT.value
    current = {src.rel_path for src in files}
    kept = [s.rel_path for s in files if s.rel_path not in reasons]
    return Plan(
        to_process=tuple(src for src in files if src.rel_path in reasons),
        reasons=reasons,
        unchanged=tuple(s.rel_path for s in files if s.rel_path not in reasons),
        touched=tuple(s for s in touched if s.rel_path not in reasons),
        deleted=tuple(sorted(p for p in manifest.entries if p not in current)),
        renormalise=tuple(rel for rel in kept
                          if manifest.entries[rel].names_digest != stamp.names_digest),
        row_decisions=tuple(rel for rel in kept if manifest.entries[rel].dropped_rows
                            != drops.get(manifest.entries[rel].doc_id, frozenset())),
    )
