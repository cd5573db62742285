"""Bring an output written with an older folder layout up to the current one.

Layout 1 named the partition of rows without a year ``year_part=none``, which makes every
engine read the partition key as a string; layout 2 named it
``year_part=__HIVE_DEFAULT_PARTITION__``, read as null, which a bare ``pandas.read_parquet``
cannot turn into a frame; layout 3 (``LAYOUT_VERSION``) names it ``year_part=0``. The
manifest records the layout it was written with; a run (or ``compact``) on an older one first
rewrites the parts of the legacy partition into the new one, as one commit step
(``pipeline.batch.load.commit.install``): new parts, the manifest naming them, then the old parts
go. A crash in between leaves either state readable, and the next run finishes the move.
"""

from __future__ import annotations

import dataclasses
import logging

from pipeline.batch.load.commit import install
from pipeline.batch.load.manifest import Manifest
from pipeline.batch.load.write import (
    LAYOUT_VERSION,
    LEGACY_NULL_PARTITIONS,
    NULL_PARTITION,
    Out,
    part_name,
    partition_dir,
    partition_of_part,
    put_table,
    read_stored_part,
)

log = logging.getLogger(__name__)


def _relocated(out: Out, manifest: Manifest) -> dict[str, str]:
    """Copy every part of a legacy null partition into the null partition: {old: new}."""
    moves: dict[str, str] = {}
    for entry in manifest.entries.values():
        for table, rels in entry.parts.items():
            for rel in rels:
                if rel in moves or partition_of_part(rel) not in LEGACY_NULL_PARTITIONS:
                    continue
                target = f"{partition_dir(table, NULL_PARTITION)}/{part_name()}"
                put_table(out, target, read_stored_part(out, rel, table))
                moves[rel] = target
    return moves


def migrate_layout(out: Out, manifest: Manifest) -> Manifest:
    """``manifest`` at the current layout (the parts moved and the manifest replaced when it
    was written with an older one); an empty manifest is returned as it is."""
    if not manifest.exists or manifest.meta.get("layout_version") == LAYOUT_VERSION:
        return manifest
    moves = _relocated(out, manifest)
    entries = {
        rel: dataclasses.replace(e, parts={t: tuple(moves.get(p, p) for p in ps)
                                           for t, ps in e.parts.items()})
        for rel, e in manifest.entries.items()}
    log.warning("the output has folder layout %s: moved %d part(s) of the rows without a year "
                "to year_part=%s (layout %s)", manifest.meta.get("layout_version", "1"),
                len(moves), NULL_PARTITION, LAYOUT_VERSION)
    return install(out, manifest, entries, moves)
