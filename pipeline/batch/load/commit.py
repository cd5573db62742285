"""Commit processed files to the output in batches, so a killed run loses at most one batch.

A batch commit:

1. writes the batch's rows as new parts (one per table and partition);
2. rewrites every part holding rows of files the batch supersedes (changed, deleted or
   reprocessed files) without those rows, as one new part per table and partition;
3. replaces the manifest atomically: it names the new parts and no longer the old ones —
   this is the commit point;
4. deletes the superseded parts.

Between steps 1 and 4 (a few file operations) a reader listing the folders could see a row
twice; if the run dies there, the next run first deletes every part the manifest does not
name (``recover``), which restores the last committed state. After a completed run the
folders hold exactly the parts the manifest names, so no doc_id has duplicate rows.
``pipeline.load`` and ``pipeline.connect`` read the parts the manifest names, so they see a
consistent snapshot even while a run is committing.

Files with the same content share one doc_id: their indicator, activity and finance rows are
stored once and dropped only when the last file with that content goes.

The rows the review drops (``pipeline.batch.review.row_decisions``) are left out of a file's rows
before they are written, and removed from the stored rows of unchanged files by
``Committer.drop_rows`` (a commit like any other).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

from pipeline.batch.load.manifest import (
    CHILD_TABLES,
    DropSets,
    Entry,
    Manifest,
    Stamp,
    save_manifest,
)
from pipeline.batch.load.write import (
    Out,
    RowsEdit,
    drop_from_parts,
    ensure_schema_parts,
    list_parts,
    remove_part,
    rewrite_parts,
    schema_parts,
    write_rows,
    write_survivors,
)
from pipeline.batch.review.row_decisions import NAME_COLUMN, drop_mask, keep_rows
from pipeline.process import FileResult
from pipeline.sources import SourceFile
from schemas import TABLES
from schemas.rows import AnyRow

log = logging.getLogger(__name__)

DEFAULT_COMMIT_FILES = 200
DEFAULT_COMMIT_SECONDS = 60.0
# A commit rewrites the whole manifest, so its cost grows with the output (about 2 s at
# 100,000 files): the next commit waits until the run has spent COMMIT_BUDGET times as long
# processing, keeping commits under a tenth of the run, unless MAX_BACKLOG batches pile up.
# Commits quicker than THROTTLE_FROM_S are never held back.
COMMIT_BUDGET = 10.0
MAX_BACKLOG = 10
THROTTLE_FROM_S = 0.25


def recover(out: Out, manifest: Manifest) -> int:
    """Delete temporary files and parts the manifest does not name (left by a killed run)."""
    parts, temps = list_parts(out)
    keep = manifest.referenced_parts() | set(schema_parts())
    stale = [p for p in parts if p not in keep]
    for tmp in temps:
        remove_part(out, tmp)
    for rel in stale:
        remove_part(out, rel)
    if stale or temps:
        log.warning("removed %d part(s) and %d temporary file(s) left by an interrupted run",
                    len(stale), len(temps))
    ensure_schema_parts(out)
    return len(stale)


def install(out: Out, manifest: Manifest, entries: dict[str, Entry],
            superseded: Iterable[str], meta: Mapping[str, str] | None = None) -> Manifest:
    """The commit step: the new parts are written; the manifest of ``entries`` (with
    ``manifest``'s metadata updated by ``meta``) replaces the old one, then the
    ``superseded`` parts it no longer names are deleted. A crash before the manifest is
    replaced leaves the old state (the new parts are orphans ``recover`` deletes), one after
    it the new state (the superseded parts are the orphans)."""
    new = Manifest(entries, {**manifest.meta, **(meta or {})})
    save_manifest(out, new)
    for rel in superseded:
        remove_part(out, rel)
    return new


def _entry(res: FileResult, run_seq: int, stamp: Stamp,
           parts: Mapping[str, tuple[str, ...]], dropped_rows: frozenset[str]) -> Entry:
    doc = res.document
    return Entry(
        rel_path=res.source.rel_path, doc_id=res.source.doc_id, size=res.source.size,
        mtime=res.source.mtime, format=doc.get("format"), status=doc.get("status") or "failed",
        error=doc.get("error"), pipeline_version=stamp.pipeline_version,
        run_seq=run_seq, processed_us=time.time_ns() // 1000, seconds=res.seconds,
        rows={"documents": 1, **res.row_counts()}, parts=parts,
        interpret_digest=stamp.interpret_digest, names_digest=stamp.names_digest,
        missing_tool=res.missing_tool or "", dropped_rows=dropped_rows,
    )


def _remap(entry: Entry, remap: Mapping[str, str | None]) -> Entry:
    if not entry.all_parts() & remap.keys():
        return entry
    parts = {}
    for t, ps in entry.parts.items():
        moved = [remap.get(p, p) for p in ps]
        parts[t] = tuple(dict.fromkeys(p for p in moved if p is not None))
    return dataclasses.replace(entry, parts=parts)


class Committer:
    """Collects results and commits them in batches of whole doc_id groups."""

    def __init__(self, out: Out, manifest: Manifest, run_seq: int, stamp: Stamp,
                 groups: Mapping[str, int], every_files: int = DEFAULT_COMMIT_FILES,
                 every_seconds: float = DEFAULT_COMMIT_SECONDS,
                 drops: DropSets | None = None) -> None:
        self.out = out
        self.drops: DropSets = drops or {}  # rows the review drops (row_decisions)
        self.manifest = manifest
        self.run_seq = run_seq
        self.stamp = stamp
        self.every_files = max(1, every_files)
        self.every_seconds = every_seconds
        self._expected = dict(groups)
        self._waiting: dict[str, list[FileResult]] = defaultdict(list)
        self._ready: list[FileResult] = []
        self._removed: list[str] = []
        self._touched: list[SourceFile] = []
        self._last = time.monotonic()
        self._not_before = 0.0
        self.batches = 0
        self.rows_written: Counter[str] = Counter()

    def stage(self, removed: Iterable[str] = (), touched: Iterable[SourceFile] = ()) -> None:
        """Queue deleted files and files whose mtime changed but not their content."""
        self._removed.extend(removed)
        self._touched.extend(touched)

    def add(self, res: FileResult) -> None:
        """Take one result (without the rows the review drops); commit when a batch is full
        or the last commit is old enough."""
        doc_id = res.source.doc_id
        if doc_id in self.drops:
            res = dataclasses.replace(
                res, indicators=keep_rows("indicators", res.indicators, self.drops),
                finance=keep_rows("finance", res.finance, self.drops))
        group = self._waiting[doc_id]
        group.append(res)
        if len(group) >= self._expected.get(doc_id, 1):
            self._ready.extend(self._waiting.pop(doc_id))
        now = time.monotonic()
        due = len(self._ready) >= self.every_files or (
            bool(self._ready) and now - self._last >= self.every_seconds)
        if due and (now >= self._not_before
                    or len(self._ready) >= MAX_BACKLOG * self.every_files):
            self.commit()

    @property
    def pending(self) -> int:
        return len(self._ready) + sum(len(g) for g in self._waiting.values())

    def commit(self) -> None:
        """Commit the complete groups received so far (and staged removals)."""
        results, self._ready = self._ready, []
        removed, self._removed = self._removed, []
        touched, self._touched = self._touched, []
        self._last = time.monotonic()
        if not (results or removed or touched):
            return
        t0 = time.monotonic()
        self._commit(results, removed, touched)
        self._last = time.monotonic()
        took = self._last - t0
        self._not_before = self._last + COMMIT_BUDGET * took if took > THROTTLE_FROM_S else 0.0
        self.batches += 1

    def abandon_incomplete(self) -> int:
        """Forget results of groups still missing members (they are redone next run)."""
        n = sum(len(g) for g in self._waiting.values())
        self._waiting.clear()
        return n

    def committed_files(self) -> int:
        """Files of this run the committed manifest holds (a batch whose commit failed is
        not among them)."""
        return sum(1 for e in self.manifest.entries.values() if e.run_seq == self.run_seq)

    def set_meta(self, **meta: str | None) -> None:
        """Change manifest metadata (written with the next commit)."""
        for key, value in meta.items():
            if value is None:
                self.manifest.meta.pop(key, None)
            else:
                self.manifest.meta[key] = value

    def save(self) -> None:
        save_manifest(self.out, self.manifest)

    def renormalise(self, rel_paths: Sequence[str], rows_of: RowsEdit) -> int:
        """Match the stored indicator rows of ``rel_paths`` again (``rows_of`` gives a part's
        rows matched anew) and commit them under the current names digest, without reading
        any file: new parts, the manifest, then the old parts go. Returns the rows read."""
        old = self.manifest.entries
        hit = sorted({p for rel in rel_paths for p in old[rel].parts.get("indicators", ())})
        remap, n_rows = rewrite_parts(self.out, "indicators", hit, rows_of)
        entries = {p: _remap(e, remap) for p, e in old.items()}
        for rel in rel_paths:
            entries[rel] = dataclasses.replace(entries[rel],
                                               names_digest=self.stamp.names_digest)
        self._install(entries, remap)
        self.batches += 1
        log.info("re-normalised %d indicator row(s) of %d file(s) in %d part(s)", n_rows,
                 len(rel_paths), len(hit))
        return n_rows

    def drop_rows(self, rel_paths: Sequence[str]) -> int:
        """Remove the rows the review drops from the stored rows of ``rel_paths`` (and of
        the files sharing their content) and commit, without reading any file: new parts,
        the manifest (each entry's ``dropped_rows``), then the old parts go. Returns the
        rows removed."""
        old = self.manifest.entries
        drops = {old[rel].doc_id: self.drops.get(old[rel].doc_id, frozenset())
                 for rel in rel_paths}
        remap: dict[str, str | None] = {}
        dropped: dict[tuple[str, str], int] = {}
        for t in NAME_COLUMN:
            hit = sorted({p for rel in rel_paths for p in old[rel].parts.get(t, ())})
            moved, counts = drop_from_parts(self.out, t, hit,
                                            functools.partial(drop_mask, name=t, drops=drops))
            remap.update(moved)
            dropped.update({(doc_id, t): n for doc_id, n in counts.items()})
        entries = {p: _remap(e, remap) for p, e in old.items()}
        for p, e in entries.items():
            if e.doc_id in drops:
                rows = {t: n - dropped.get((e.doc_id, t), 0) for t, n in e.rows.items()}
                entries[p] = dataclasses.replace(e, rows=rows, dropped_rows=drops[e.doc_id])
        self._install(entries, remap)
        self.batches += 1
        n_rows = sum(dropped.values())
        log.info("review: removed %d row(s) of %d file(s) the analysts dropped", n_rows,
                 len(rel_paths))
        return n_rows

    def _write_new(self, results: list[FileResult], untouched_ids: set[str]
                   ) -> dict[str, dict[str, set[str]]]:
        """Write the batch's rows; return {table: {source_path or doc_id: its parts}}."""
        writers: dict[str, FileResult] = {}
        for r in results:  # rows of content already in the output are not written twice
            if r.source.doc_id not in untouched_ids:
                writers.setdefault(r.source.doc_id, r)
        new_rows: dict[str, list[AnyRow]] = {"documents": [r.document for r in results]}
        for t in CHILD_TABLES:
            new_rows[t] = [row for r in writers.values() for row in getattr(r, t)]
        placed: dict[str, dict[str, set[str]]] = {t: defaultdict(set) for t in TABLES}
        for t, rows in new_rows.items():
            key = key_column(t)
            for rel, part_rows in write_rows(self.out, t, rows).items():
                for row in part_rows:
                    placed[t][row[key]].add(rel)
                self.rows_written[t] += len(part_rows)
        return placed

    def _rewrite(self, superseded: Mapping[str, Entry], dropped_ids: set[str]
                 ) -> dict[str, str | None]:
        """Rewrite the parts holding superseded rows without them: {old part: new part}."""
        remap: dict[str, str | None] = {}
        for t in TABLES:
            drop = set(superseded) if t == "documents" else dropped_ids
            hit = sorted({p for e in superseded.values() for p in e.parts.get(t, ())
                          if t == "documents" or e.doc_id in dropped_ids})
            if drop and hit:
                remap.update(write_survivors(self.out, t, hit, key_column(t), drop))
        return remap

    def _commit(self, results: list[FileResult], removed: list[str],
                touched: list[SourceFile]) -> None:
        old = self.manifest.entries
        superseded = {p: old[p] for p in [*removed, *(r.source.rel_path for r in results)]
                      if p in old}
        untouched_ids = {e.doc_id for p, e in old.items() if p not in superseded}
        dropped_ids = {e.doc_id for e in superseded.values()} - untouched_ids

        placed = self._write_new(results, untouched_ids)  # 1. new parts
        remap = self._rewrite(superseded, dropped_ids)  # 2. survivors of old parts

        # 3. the new manifest: the commit point
        entries = {p: _remap(e, remap) for p, e in old.items() if p not in superseded}
        holders = {e.doc_id: e for e in entries.values()}
        for r in results:
            holder = holders.get(r.source.doc_id)
            parts = {t: tuple(sorted(placed[t].get(_id(t, r), ()))) for t in TABLES}
            dropped_rows = self.drops.get(r.source.doc_id, frozenset())
            if holder is not None:
                parts.update({t: holder.parts.get(t, ()) for t in CHILD_TABLES})
                dropped_rows = holder.dropped_rows
            entries[r.source.rel_path] = _entry(r, self.run_seq, self.stamp, parts,
                                                dropped_rows)
        for src in touched:
            if src.rel_path in entries:
                entries[src.rel_path] = dataclasses.replace(
                    entries[src.rel_path], size=src.size, mtime=src.mtime)
        self._install(entries, remap)
        log.debug("committed %d file(s), dropped %d, rewrote %d part(s)",
                  len(results), len(removed), len(remap))

    def _install(self, entries: dict[str, Entry], remap: Mapping[str, str | None]) -> None:
        """Commit ``entries`` (the new parts are written): the manifest with the next
        ``data_version`` replaces the old one, then the parts it no longer names go."""
        # data_version: changes whenever the rows change
        self.manifest = install(self.out, self.manifest, entries, remap,
                                {"data_version": f"{self.run_seq}.{self.batches + 1}"})


def key_column(table: str) -> str:
    """The column that ties a table's rows to what owns them: the file (documents) or its
    content (the other tables)."""
    return "source_path" if table == "documents" else "doc_id"


def _id(table: str, res: FileResult) -> str:
    return res.source.rel_path if table == "documents" else res.source.doc_id
