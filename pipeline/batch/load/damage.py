"""Find the Parquet parts of an output that cannot be relied on, and set them aside.

A part the manifest names can be damaged outside the pipeline (a disk or copy error, a
truncated upload, a hand edit): its footer unreadable (not Parquet, cut short), the object
gone, or, where the manifest tells exactly how many rows it holds (every owner of its rows —
a file for ``documents``, a content for the other tables — keeps its rows of that table in
this one part), another row count. Only footers are read, never the data.

A run (and ``compact``) moves each damaged part into ``OUT/_damaged/<time>/<its path>`` (never
deleting it), commits a manifest that no longer names it and marks the files whose rows lived
in it (``pipeline_version`` = ``DAMAGED_MARK``), so the plan reads them again (reason
``damaged``) and the rest of the output is used as it is. ``natproj-extract verify OUT``
only lists them (``pipeline.verify_cli``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pyarrow as pa

from pipeline.batch.load.commit import install
from pipeline.batch.load.manifest import DAMAGED_MARK, Entry, Manifest
from pipeline.batch.load.storage import LinkedPath, Storage, location, open_storage, parquet_rows
from pipeline.batch.load.write import Out

log = logging.getLogger(__name__)

DAMAGED_DIR = "_damaged"
REMOTE_CHECKS = 16  # footers read at once on an object store


@dataclass(frozen=True, slots=True)
class DamagedPart:
    """A part the output cannot rely on: why, and the files whose rows lived in it."""

    rel: str
    table: str
    reason: str
    files: tuple[str, ...]


def _owner(table: str, entry: Entry) -> str:
    return entry.rel_path if table == "documents" else entry.doc_id


def expected_rows(manifest: Manifest) -> dict[str, int]:
    """{part: rows} for the parts whose row count the manifest fixes: every owner of rows in
    it holds that table's rows in this part alone (entries already marked damaged, whose
    counts are stale, leave their parts unchecked)."""
    owners: dict[str, dict[str, int]] = defaultdict(dict)
    unsure: set[str] = set()
    for entry in manifest.entries.values():
        for table, rels in entry.parts.items():
            if entry.pipeline_version == DAMAGED_MARK or len(rels) != 1:
                unsure.update(rels)
                continue
            owners[rels[0]][_owner(table, entry)] = entry.rows.get(table, 0)
    return {rel: sum(counts.values()) for rel, counts in owners.items() if rel not in unsure}


def find_damaged(out: Out, manifest: Manifest) -> list[DamagedPart]:
    """The parts ``manifest`` names that are missing, have an unreadable footer or hold
    another row count than it records; footers only are read."""
    storage = open_storage(out)
    holders: dict[tuple[str, str], list[str]] = defaultdict(list)
    for entry in manifest.entries.values():
        for table, rels in entry.parts.items():
            for rel in rels:
                holders[(table, rel)].append(entry.rel_path)
    expected = expected_rows(manifest)
    keys = sorted(holders)

    def check(key: tuple[str, str]) -> str | None:
        return _problem(storage, key[1], expected.get(key[1]))

    if storage.local is not None:
        reasons = [check(key) for key in keys]
    else:  # a round trip or two per footer: overlapped
        with ThreadPoolExecutor(max_workers=REMOTE_CHECKS) as pool:
            reasons = list(pool.map(check, keys))
    return [DamagedPart(rel, table, reason, tuple(sorted(holders[(table, rel)])))
            for (table, rel), reason in zip(keys, reasons, strict=True) if reason is not None]


def _problem(storage: Storage, rel: str, expected: int | None) -> str | None:
    try:
        rows = parquet_rows(storage, rel)
    except FileNotFoundError:
        return "missing"
    except LinkedPath:
        raise  # not damage: a link the run refuses (exit 2)
    except (OSError, pa.ArrowException) as exc:
        return f"unreadable Parquet footer ({exc})"
    if expected is not None and rows != expected:
        return f"holds {rows} row(s) where the manifest records {expected}"
    return None


def marked(manifest: Manifest, damaged: list[DamagedPart]) -> dict[str, Entry]:
    """The manifest's entries without the damaged parts, the files that had rows in them
    marked to be read again."""
    gone = {d.rel for d in damaged}
    hit = {f for d in damaged for f in d.files}
    entries = {}
    for rel, entry in manifest.entries.items():
        if rel in hit:
            parts = {t: tuple(p for p in ps if p not in gone) for t, ps in entry.parts.items()}
            entry = dataclasses.replace(entry, parts=parts, pipeline_version=DAMAGED_MARK)
        entries[rel] = entry
    return entries


def describe(out: Out, part: DamagedPart) -> str:
    files = ", ".join(part.files[:5]) + (f" and {len(part.files) - 5} more"
                                         if len(part.files) > 5 else "")
    return f"{location(out, part.rel)}: {part.reason} (rows of {files})"


def set_aside_damaged(out: Out, manifest: Manifest) -> tuple[Manifest, list[DamagedPart]]:
    """Move the damaged parts of ``manifest`` into ``OUT/_damaged/<time>/`` and commit the
    manifest without them, their files marked to be read again; the caller holds the output
    lock. Returns the new manifest and the damaged parts (none: ``manifest`` as it is)."""
    damaged = find_damaged(out, manifest)
    if not damaged:
        return manifest, []
    storage = open_storage(out)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    for part in damaged:  # moved first: a crash before the manifest leaves them "missing"
        log.warning("damaged part %s; moved to %s/%s/, its files are read again",
                    describe(out, part), DAMAGED_DIR, stamp)
        if part.reason != "missing":
            storage.move(part.rel, f"{DAMAGED_DIR}/{stamp}/{part.rel}")
    return install(out, manifest, marked(manifest, damaged), ()), damaged
