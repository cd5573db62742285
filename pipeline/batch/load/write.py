"""Write the output tables as hive-partitioned Parquet datasets, one immutable part at a time.

Each table is a folder ``<out>/<table>/`` of parts under ``year_part=<yyyy>`` sub-folders, or
``year_part=0`` for rows without a year: every folder name is an integer, so every engine
(a bare ``pandas.read_parquet`` included) reads the key as an integer with no options and no
null to unify. The key lives in the folder names only, not in the files; the contract
columns (``year``, ``report_year`` …) stay inside the files with their int32 type and null
where the row has no year. Outputs of layout 1 (``year_part=none``) and 2
(``year_part=__HIVE_DEFAULT_PARTITION__``) are moved by ``pipeline.batch.load.layout`` on the next
run. A part is
written to a hidden temporary name and renamed into place with ``os.replace``, so a reader
never sees a half-written file; parts are never modified, only replaced (see
``pipeline.batch.load.commit``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline import __version__
from pipeline.batch.load.storage import (
    TMP_SUFFIX,
    LocalStorage,
    Storage,
    open_storage,
    parquet_bytes,
    read_parquet,
)
from schemas import SCHEMA_VERSION, TABLES
from schemas.rows import AnyRow
from schemas.validate import validate_rows

PARTITION_KEY = "year_part"
# Rows without a year: a partition named by an integer no year takes (years are 1000-9999).
# A null partition (the hive default) makes a bare pandas.read_parquet fail ("Cannot yet
# unify dictionaries with nulls", pandas-dev/pandas#55400); 0 reads alike everywhere.
NULL_PARTITION = "0"
LEGACY_NULL_PARTITIONS = frozenset({"none", "__HIVE_DEFAULT_PARTITION__"})  # layouts 1 and 2
LAYOUT_VERSION = "3"  # of the folders; recorded in the manifest
SCHEMA_PART = "part-0-schema.parquet"
# The empty schema part of each table, in the partition of the rows without a year: every
# table has at least that folder, with an integer name to infer the key's type from.
SCHEMA_PARTITION = NULL_PARTITION
# the column whose year names a row's partition folder (documented in docs/DATA.md)
PARTITION_SOURCE = {"documents": "report_year", "indicators": "year",
                    "activities": "end_date, else start_date", "finance": "year"}

Row = Mapping[str, Any] | AnyRow  # a typed row, or a dict read back from a part
Out = Path | Storage  # an output: a local folder or any storage (``pipeline.batch.load.storage``)
log = logging.getLogger(__name__)


def file_schema(name: str) -> pa.Schema:
    """The table's contract schema with the versions recorded in the Parquet metadata."""
    schema = TABLES[name]
    meta = dict(schema.metadata or {})
    meta.update({b"schema_version": SCHEMA_VERSION.encode(),
                 b"pipeline_version": __version__.encode()})
    return schema.with_metadata(meta)


def rows_to_table(name: str, rows: Iterable[Row], validate: bool = True) -> pa.Table:
    """Build a pyarrow Table of ``name``'s schema from row dicts.

    Args:
        name: the table.
        rows: row dicts keyed by column name.
        validate: check every value first (the workers already checked a run's rows).

    Raises:
        ValueError: a value does not fit the schema (lists every violation).
    """
    schema = file_schema(name)
    rows = list(rows)
    problems = validate_rows(name, rows) if validate else []
    if problems:
        raise ValueError(f"{len(problems)} schema violation(s) in {name}: {problems[:5]}")
    columns = {f.name: [r.get(f.name) for r in rows] for f in schema}  # dicts or typed rows
    return pa.table(columns, schema=schema)


def _year_of(value: Any) -> int | None:
    if isinstance(value, dt.date):
        return value.year
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def partition_of(name: str, row: Row) -> str:
    """The ``year_part`` folder a row belongs to: the year it is about, else the null
    partition."""
    if name == "documents":
        year = _year_of(row.get("report_year"))
    elif name == "activities":
        year = _year_of(row.get("end_date")) or _year_of(row.get("start_date"))
    else:
        year = _year_of(row.get("year"))
    return str(year) if year is not None and 1000 <= year <= 9999 else NULL_PARTITION


def partition_dir(name: str, partition: str) -> str:
    """A partition folder relative to the output folder, e.g. ``indicators/year_part=2021``."""
    return f"{name}/{PARTITION_KEY}={partition}"


def partition_of_part(rel_part: str) -> str:
    """The partition value encoded in a part's relative path."""
    folder = rel_part.rsplit("/", 2)[-2]
    return folder.split("=", 1)[1]


def save_atomic(table: pa.Table, target: Path) -> None:
    """Write ``table`` to ``target`` through a temporary file in the same folder."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.{uuid.uuid4().hex}{TMP_SUFFIX}"
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def put_table(out: Out, rel: str, table: pa.Table) -> None:
    """Write ``table`` as the part ``rel`` of ``out``, atomically."""
    storage = open_storage(out)
    if isinstance(storage, LocalStorage):  # streamed to a temporary file
        save_atomic(table, storage.path(rel))
    else:
        storage.put(rel, parquet_bytes(table))


def part_name(prefix: str = "part") -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    return f"{prefix}-{stamp}-{uuid.uuid4().hex[:12]}.parquet"


def write_rows(out: Out, name: str, rows: Sequence[Row]) -> dict[str, list[Row]]:
    """Write ``rows`` (validated by the workers, ``pipeline.process.validate``) as one new part
    per partition; return {relative part path: its rows}."""
    by_partition: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_partition[partition_of(name, row)].append(row)
    written: dict[str, list[Row]] = {}
    for partition, part_rows in sorted(by_partition.items()):
        rel = f"{partition_dir(name, partition)}/{part_name()}"
        put_table(out, rel, rows_to_table(name, part_rows, validate=False))
        written[rel] = part_rows
    return written


def write_survivors(out: Out, name: str, parts: Sequence[str], key: str,
                    drop: set[str]) -> dict[str, str | None]:
    """Rewrite ``parts`` without the rows whose ``key`` column is in ``drop``.

    The rows kept from the parts of one partition go to one new part in that partition.
    Returns {old part: new part, or None when no row survived}.
    """
    by_partition: dict[str, list[str]] = defaultdict(list)
    for rel in parts:
        by_partition[partition_of_part(rel)].append(rel)
    mapping: dict[str, str | None] = {}
    drop_arr = pa.array(sorted(drop), pa.string())
    for partition, rels in sorted(by_partition.items()):
        kept = []
        for rel in rels:
            table = read_stored_part(out, rel, name)
            kept.append(table.filter(pc.invert(pc.is_in(table[key], value_set=drop_arr))))
        survivors = pa.concat_tables(kept) if kept else None
        target = None
        if survivors is not None and survivors.num_rows:
            target = f"{partition_dir(name, partition)}/{part_name()}"
            put_table(out, target, survivors)
        mapping.update(dict.fromkeys(rels, target))
    return mapping


RowsEdit = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]


def rewrite_parts(out: Out, name: str, parts: Sequence[str], edit: RowsEdit,
                  ) -> tuple[dict[str, str | None], int]:
    """Each of ``parts`` rewritten as a new part of the same partition with the rows
    ``edit`` makes of its rows. Returns ({old part: new part}, rows read)."""
    mapping: dict[str, str | None] = {}
    n_rows = 0
    for rel in parts:
        rows = edit(read_stored_part(out, rel, name).to_pylist())
        n_rows += len(rows)
        target = f"{partition_dir(name, partition_of_part(rel))}/{part_name()}"
        put_table(out, target, rows_to_table(name, rows))
        mapping[rel] = target
    return mapping, n_rows


RowsMask = Callable[[pa.Table], pa.Array | None]


def drop_from_parts(out: Out, name: str, parts: Sequence[str], drop: RowsMask
                    ) -> tuple[dict[str, str | None], dict[str, int]]:
    """Each of ``parts`` where ``drop`` marks rows (True: drop; None: none) rewritten as a new
    part of the same partition without them (None when no row is left); a part without such
    rows stays as it is. One part in memory at a time. Returns ({old part: new part},
    {doc_id: rows dropped})."""
    mapping: dict[str, str | None] = {}
    dropped: dict[str, int] = defaultdict(int)
    for rel in parts:
        table = read_stored_part(out, rel, name)
        mask = drop(table)
        if mask is None:
            continue
        for doc_id in table["doc_id"].filter(mask).to_pylist():
            dropped[doc_id] += 1
        kept = table.filter(pc.invert(mask))
        target = None
        if kept.num_rows:
            target = f"{partition_dir(name, partition_of_part(rel))}/{part_name()}"
            put_table(out, target, kept)
        mapping[rel] = target
    return mapping, dict(dropped)


def part_size(out: Out, rel: str) -> int:
    """The size in bytes of a part."""
    return open_storage(out).size(rel)


def read_stored_part(out: Out, rel: str, name: str, columns: list[str] | None = None
                     ) -> pa.Table:
    """``read_part`` of the part ``rel`` of ``out``."""
    storage = open_storage(out)
    if isinstance(storage, LocalStorage):
        return read_part(storage.path(rel), name, columns)
    return _cast(read_parquet(storage, rel, columns), name, columns)


def release_memory() -> None:
    """Give the memory Arrow's pool keeps for reuse back to the system (after a part is
    done with: the allocator otherwise holds the high-water mark of every part read)."""
    pa.default_memory_pool().release_unused()


def read_part(path: Path, name: str, columns: list[str] | None = None) -> pa.Table:
    """One part of table ``name`` with the current schema and its metadata.

    ``ParquetFile`` rather than ``pq.read_table``: the latter imports ``pyarrow.dataset``,
    which costs a run with nothing to do more than all its own work.
    """
    return _cast(pq.ParquetFile(path).read(columns=columns), name, columns)


def iter_part(path: Path, name: str, columns: list[str], batch_rows: int
              ) -> Iterator[pa.Table]:
    """``read_part`` ``batch_rows`` rows at a time (a part's rows are never all decoded at
    once)."""
    for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_rows, columns=columns):
        yield _cast(pa.Table.from_batches([batch]), name, columns)


def _cast(table: pa.Table, name: str, columns: list[str] | None) -> pa.Table:
    schema = file_schema(name)
    if columns is not None:
        schema = pa.schema([schema.field(c) for c in columns], metadata=schema.metadata)
    return table.cast(schema)


def schema_parts() -> list[str]:
    """Where the empty schema part of each table lives (a copy elsewhere is stale)."""
    return [f"{partition_dir(name, SCHEMA_PARTITION)}/{SCHEMA_PART}" for name in TABLES]


def ensure_schema_parts(out: Out) -> list[str]:
    """Write one empty part per table so every dataset exists and carries its schema."""
    storage = open_storage(out)
    rels = []
    for name, rel in zip(TABLES, schema_parts(), strict=True):
        if not storage.exists(rel) or _schema_meta(storage, rel) != file_schema(name).metadata:
            put_table(storage, rel, rows_to_table(name, []))
        rels.append(rel)
    return rels


def _schema_meta(storage: Storage, rel: str) -> dict[bytes, bytes] | None:
    """The metadata of an empty schema part; None when it is unreadable (it holds no rows,
    so it is written again)."""
    try:
        return read_parquet(storage, rel).schema.metadata
    except (OSError, pa.ArrowException) as exc:
        log.warning("schema part %s is unreadable (%s): written again", rel, exc)
        return None


def remove_part(out: Out, rel: str) -> None:
    """Delete a part and the partition folder it leaves empty; never a file outside ``out``
    (a path that leads out, e.g. through a linked folder, is left alone with a warning)."""
    storage = open_storage(out)
    if storage.local is None:
        storage.delete(rel)
        return
    out = storage.local
    path = out / rel
    if not path.resolve().is_relative_to(out.resolve()):
        log.warning("not deleting %s: it lies outside the output folder %s", rel, out)
        return
    path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):  # not empty: other parts live in this partition
        path.parent.rmdir()


def list_parts(out: Out) -> tuple[list[str], list[str]]:
    """All part files under the table folders and leftover temporary files (relative
    paths)."""
    storage = open_storage(out)
    parts: list[str] = []
    temps: list[str] = []
    for name in TABLES:
        for rel in storage.list(name):
            if rel.endswith(TMP_SUFFIX):
                temps.append(rel)
            elif rel.endswith(".parquet"):
                parts.append(rel)
    return sorted(parts), temps
