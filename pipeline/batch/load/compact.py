"""Merge the small parts of each partition into few large ones.

Every commit writes one new part per table and partition, so after many incremental runs a
partition holds many small files (ten runs over 27 documents: ~120 parts of ~16 KB), which
every reader pays for. ``compact`` reads the small parts of a partition in turn and writes
their rows as new parts of up to ``target_bytes`` / ``target_rows`` each, then commits like
a batch does (``pipeline.batch.load.commit.install``): the new parts are written under new names,
the manifest naming them replaces the old one (the commit point), and only then are the
merged parts deleted. A crash before the manifest is replaced leaves the old parts and
manifest as they were (the new parts are orphans the next run's ``recover`` deletes); one
after it leaves the new state with the merged parts as the orphans. Rows are not changed,
so the manifest's ``data_version`` stays.

``python -m pipeline compact OUT`` runs it under the output lock; ``extract`` runs it at the
end of a run on the partitions holding more than ``--compact-threshold`` small parts.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import defaultdict
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.batch.load.commit import install, key_column, recover
from pipeline.batch.load.damage import DamagedPart, set_aside_damaged
from pipeline.batch.load.layout import migrate_layout
from pipeline.batch.load.lock import RunError, storage_lock
from pipeline.batch.load.manifest import (
    MANIFEST_NAME,
    Entry,
    Manifest,
    ManifestError,
    load_manifest,
)
from pipeline.batch.load.storage import open_storage
from pipeline.batch.load.write import (
    Out,
    part_name,
    part_size,
    partition_dir,
    partition_of_part,
    put_table,
    read_stored_part,
)

log = logging.getLogger(__name__)

DEFAULT_TARGET_MB = 128
DEFAULT_TARGET_ROWS = 1_000_000
DEFAULT_COMPACT_THRESHOLD = 16  # extract compacts a partition holding more small parts


@dataclass(frozen=True, slots=True)
class CompactSettings:
    """How parts are merged: a new part holds up to ``target_bytes`` (estimated from the
    sizes of the parts merged into it) and ``target_rows``; a part of at least half the
    target size is not small and stays; a partition is compacted when it holds at least
    ``min_parts`` small parts."""

    target_bytes: int = DEFAULT_TARGET_MB << 20
    target_rows: int = DEFAULT_TARGET_ROWS
    min_parts: int = 2

    def __post_init__(self) -> None:
        if self.target_bytes < 1 or self.target_rows < 1:
            raise ValueError("the target size and row count must be >= 1")
        if self.min_parts < 2:
            raise ValueError(f"min_parts must be >= 2, got {self.min_parts}")


@dataclass(frozen=True, slots=True)
class CompactResult:
    manifest: Manifest
    partitions: int = 0  # partitions compacted
    parts_merged: int = 0
    parts_written: int = 0
    damaged: tuple[DamagedPart, ...] = ()  # set aside, not merged (pipeline.batch.load.damage)


def small_parts(out: Out, manifest: Manifest, settings: CompactSettings
                ) -> dict[tuple[str, str], list[str]]:
    """{(table, partition): its small parts} for the partitions to compact."""
    by_partition: dict[tuple[str, str], set[str]] = defaultdict(set)
    for entry in manifest.entries.values():
        for table, rels in entry.parts.items():
            for rel in rels:
                by_partition[(table, partition_of_part(rel))].add(rel)
    groups = {}
    for key, found in by_partition.items():
        small = sorted(r for r in found if part_size(out, r) < settings.target_bytes // 2)
        if len(small) >= settings.min_parts:
            groups[key] = small
    return groups


def _merge(out: Out, table: str, partition: str, rels: list[str], settings: CompactSettings
           ) -> tuple[dict[str, set[str]], int]:
    """Write the rows of ``rels`` as new parts: ({key value: new parts holding its rows},
    parts written). At most one target's worth of rows is held in memory."""
    key = key_column(table)
    placed: dict[str, set[str]] = defaultdict(set)
    buffer: list[pa.Table] = []
    written = 0

    def flush() -> None:
        nonlocal written
        merged = pa.concat_tables(buffer)
        rel = f"{partition_dir(table, partition)}/{part_name()}"
        put_table(out, rel, merged)
        for value in pc.unique(merged[key]).to_pylist():
            placed[value].add(rel)
        buffer.clear()
        written += 1

    rows = size = 0
    for rel in rels:
        part = read_stored_part(out, rel, table)
        part_bytes = part_size(out, rel)
        if buffer and (rows + part.num_rows > settings.target_rows
                       or size + part_bytes > settings.target_bytes):
            flush()
            rows = size = 0
        buffer.append(part)
        rows += part.num_rows
        size += part_bytes
    if buffer:
        flush()
    return placed, written


def _repoint(entry: Entry, table: str, merged: set[str], placed: dict[str, set[str]]
             ) -> Entry:
    """``entry`` naming the new parts that hold its rows instead of the merged ones."""
    parts = entry.parts.get(table, ())
    if merged.isdisjoint(parts):
        return entry
    owner = entry.rel_path if table == "documents" else entry.doc_id
    kept = [p for p in parts if p not in merged]
    new = sorted(placed.get(owner, ()))
    return dataclasses.replace(entry, parts={**entry.parts,
                                             table: tuple(dict.fromkeys([*kept, *new]))})


def compact(out: Out, manifest: Manifest, settings: CompactSettings | None = None
            ) -> CompactResult:
    """Merge the small parts of every partition holding ``settings.min_parts`` of them and
    commit; the caller holds the output lock. Returns the new manifest and what was done."""
    settings = settings or CompactSettings()
    groups = small_parts(out, manifest, settings)
    if not groups:
        return CompactResult(manifest)
    entries = dict(manifest.entries)
    merged_all: list[str] = []
    written = 0
    for (table, partition), rels in sorted(groups.items()):
        placed, n = _merge(out, table, partition, rels, settings)
        merged = set(rels)
        entries = {p: _repoint(e, table, merged, placed) for p, e in entries.items()}
        merged_all.extend(rels)
        written += n
    new = install(out, manifest, entries, merged_all)  # the commit point
    log.info("compacted %d partition(s): %d part(s) merged into %d", len(groups),
             len(merged_all), written)
    return CompactResult(new, len(groups), len(merged_all), written)


def compact_output(out: Out, settings: CompactSettings | None = None) -> CompactResult:
    """``python -m pipeline compact OUT``: under the output lock, finish what a killed run
    left (``recover``, layout migration), set the damaged parts aside (their files are read
    again by the next run), then compact the rest.

    Raises:
        RunError: ``out`` holds no manifest, an unreadable one, or another run holds it.
    """
    storage = open_storage(out)
    if not storage.exists(MANIFEST_NAME):
        raise RunError(f"{storage.url} holds no {MANIFEST_NAME}: not an output folder")
    with storage_lock(storage, "compact"):
        try:
            manifest = load_manifest(out)
        except ManifestError as exc:
            raise RunError(str(exc)) from None
        recover(out, manifest)
        manifest, damaged = set_aside_damaged(out, manifest)
        result = compact(out, migrate_layout(out, manifest), settings)
        return dataclasses.replace(result, damaged=tuple(damaged))
