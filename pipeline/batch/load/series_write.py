"""Write ``OUT/series/series.parquet``, the series table (``pipeline.batch.load.series``), at
the end of a run: rebuilt whole from the committed ``documents`` and ``indicators`` parts when they
changed, else left as it is.

One file in one folder, not hive partitions: ``pd.read_parquet(OUT / "series")``, polars and
DuckDB read it with no options (there is no partition key to infer). It is written to a
hidden temporary file beside it and renamed into place (an object store gets one PUT), so a
reader sees the old file or the new one, never a half.

Memory: the documents' few columns in an Arrow table (one row per file, no Python object),
then one year at a time: the indicators are partitioned by year and a series row is of one
year, so the year's readings (only the columns the series needs) are held in Arrow with their
sort key (the indicator key of each distinct name computed once, not kept past the year).
They become Python objects ``BUCKET_ROWS`` at a time, in runs of the series' sort order cut
where the key changes, so each pass's rows follow the last one's: the file holds the same rows
in the same order whatever the number of passes, and each pass is written as a row group.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline import __version__
from pipeline.batch.load.series import (
    DOC_COLUMNS,
    READING_COLUMNS,
    TARGET_TYPES,
    DocInfo,
    Reading,
    name_key,
    series_rows,
)
from pipeline.batch.load.storage import TMP_SUFFIX, Storage, inside, open_storage, read_parquet
from pipeline.batch.load.write import (
    NULL_PARTITION,
    Out,
    file_schema,
    partition_of_part,
    read_stored_part,
    release_memory,
)
from pipeline.load import SERIES_FILE, part_rels
from schemas import SCHEMA_VERSION, SERIES, SERIES_VERSION

log = logging.getLogger(__name__)

SERIES_DIR = "series"
STAMP_KEY = b"series_stamp"
BUCKET_ROWS = 5_000  # readings made Python objects at once, about (one key is never split)


@dataclass(frozen=True, slots=True)
class SeriesResult:
    """What ``write_series`` did: the rows of the file and whether it was rebuilt."""

    rows: int
    rebuilt: bool

    def section(self) -> dict[str, Any]:
        """The run report's ``series`` section."""
        return {"file": SERIES_FILE, "rows": self.rows, "rebuilt": self.rebuilt}


def series_schema(stamp: str = "") -> pa.Schema:
    """The series schema with the versions (and the stamp of its sources) as metadata."""
    meta = dict(SERIES.metadata or {})
    meta.update({b"series_version": SERIES_VERSION.encode(),
                 b"schema_version": SCHEMA_VERSION.encode(),
                 b"pipeline_version": __version__.encode(), STAMP_KEY: stamp.encode()})
    return SERIES.with_metadata(meta)


def source_stamp(doc_parts: list[str], ind_parts: list[str]) -> str:
    """A digest of the parts the series is built from (parts are never modified, only
    replaced under new names) and of the series' and pipeline's versions."""
    h = hashlib.sha256(f"{SERIES_VERSION}\x1f{__version__}".encode())
    for rel in [*doc_parts, "\x1e", *ind_parts]:
        h.update(rel.encode() + b"\x1f")
    return h.hexdigest()[:32]


def _stored_stamp(out: Storage) -> str | None:
    if not out.exists(SERIES_FILE):
        return None
    try:
        if out.local is not None:
            meta = pq.read_schema(inside(out.local, SERIES_FILE)).metadata
        else:
            meta = read_parquet(out, SERIES_FILE).schema.metadata
    except (OSError, pa.ArrowInvalid):
        return None
    return (meta or {}).get(STAMP_KEY, b"").decode() or None


def doc_table(out: Out, doc_parts: list[str]) -> pa.Table:
    """Every document's series fields (``DOC_COLUMNS``, the first row of a doc_id) and its
    ``place`` (``DocInfo.place``), in one Arrow table: a few compact columns per document,
    no Python object."""
    tables = [read_stored_part(out, rel, "documents", DOC_COLUMNS) for rel in doc_parts]
    schema = pa.schema([file_schema("documents").field(c) for c in DOC_COLUMNS])
    table = pa.concat_tables(tables) if tables else schema.empty_table()
    table = table.append_column("ord", pa.array(range(table.num_rows), pa.int64()))
    first = table.group_by("doc_id", use_threads=False).aggregate([("ord", "min")])["ord_min"]
    table = table.take(first.take(pc.sort_indices(first))).drop_columns(["ord"])
    oktmo = table["oktmo"]
    oktmo = pc.if_else(pc.equal(oktmo, ""), pa.scalar(None, pa.string()), oktmo)
    return table.append_column("place", pc.coalesce(oktmo, table["municipality"]))


def doc_infos(docs: pa.Table, doc_ids: pa.Array | None = None) -> dict[str, DocInfo]:
    """The ``DocInfo`` of the documents ``doc_ids`` (every one for None), by doc_id."""
    if doc_ids is not None:
        docs = docs.filter(pc.is_in(docs["doc_id"], value_set=doc_ids))
    return {row["doc_id"]: DocInfo.of(row) for row in docs.select(DOC_COLUMNS).to_pylist()}


def latest_years(docs: pa.Table) -> dict[str | None, int]:
    """``latest_report_years`` of ``docs`` computed in Arrow (a dict per municipality)."""
    reports = pc.and_(pc.invert(pc.fill_null(pc.is_in(docs["doc_type"], value_set=pa.array(
        sorted(TARGET_TYPES), pa.string())), False)), pc.is_valid(docs["report_year"]))
    agg = docs.filter(reports).group_by("place", use_threads=False).aggregate(
        [("report_year", "max")])
    return dict(zip(agg["place"].to_pylist(), agg["report_year_max"].to_pylist(), strict=True))


def year_parts(ind_parts: list[str]) -> dict[str, list[str]]:
    """The indicator parts by their year partition; the null and schema partitions are
    left out (a series row has a year)."""
    by_year: dict[str, list[str]] = defaultdict(list)
    for rel in ind_parts:
        partition = partition_of_part(rel)
        if partition != NULL_PARTITION:
            by_year[partition].append(rel)
    return dict(sorted(by_year.items()))


def _readings(table: pa.Table) -> Iterator[Reading]:
    """The readings of a table of ``READING_COLUMNS``, column by column (no row dicts)."""
    columns = [table.column(c).to_pylist() for c in READING_COLUMNS]
    for values in zip(*columns, strict=True):
        yield Reading(**dict(zip(READING_COLUMNS, values, strict=True)))


def _keyed_year(out: Out, rels: list[str], docs: pa.Table
                ) -> tuple[pa.Table, dict[str, str]]:
    """The year's readings of known documents (``READING_COLUMNS``, in the parts' order) with
    their sort key (``place``, ``ikey``, ``unit_key``: ``series._sort_key``), and the name
    keys of its names (computed once each, not cached beyond the year)."""
    table = pa.concat_tables([read_stored_part(out, rel, "indicators", READING_COLUMNS)
                              for rel in rels])
    pos = pc.index_in(table["doc_id"], value_set=docs["doc_id"])
    keep = pc.and_(pc.is_valid(table["year"]), pc.is_valid(pos))
    table, pos = table.filter(keep), pos.filter(keep)
    names: dict[str, str] = {}
    ikeys: list[str] = []
    for raw, canonical in zip(table["indicator_raw"].to_pylist(),
                              table["indicator_canonical"].to_pylist(), strict=True):
        if canonical:
            ikeys.append(canonical)
            continue
        raw = raw or ""
        if raw not in names:
            names[raw] = name_key.__wrapped__(raw)
        ikeys.append(names[raw])
    table = table.append_column("place", pc.fill_null(docs["place"].take(pos), ""))
    table = table.append_column("ikey", pa.array(ikeys, pa.string()))
    return table.append_column("unit_key", pc.fill_null(table["unit"], "")), names


def _ranges(table: pa.Table, bucket_rows: int) -> Iterator[pa.Array]:
    """The row indices of ``table`` in passes of about ``bucket_rows`` rows, each a run of
    the series' sort order cut only where the sort key changes (rows of one key, and of
    keys sorting alike, are in one pass), in the table's order within a pass."""
    order = pc.sort_indices(table, sort_keys=[("place", "ascending"), ("ikey", "ascending"),
                                              ("unit_key", "ascending")])
    if table.num_rows <= bucket_rows:
        yield pa.array(range(table.num_rows), pa.int64())
        return
    keys = table.select(["place", "ikey", "unit_key"]).take(order)
    changed = np.zeros(table.num_rows, dtype=bool)
    for column in keys.columns:
        values = column.combine_chunks()
        changed[1:] |= pc.not_equal(values[1:], values[:-1]).to_numpy(zero_copy_only=False)
    starts = np.flatnonzero(changed)
    start = 0
    while start < table.num_rows:
        cut = np.searchsorted(starts, start + bucket_rows)
        end = int(starts[cut]) if cut < len(starts) else table.num_rows
        rows = order.slice(start, end - start)
        yield rows.take(pc.sort_indices(rows))
        start = end


def series_tables(out: Out, docs: pa.Table, ind_parts: list[str],
                  bucket_rows: int = BUCKET_ROWS) -> Iterator[pa.Table]:
    """The series rows one year at a time, a year of many rows in passes of about
    ``bucket_rows`` readings (``_ranges``), as tables of the series schema in the series'
    order (the passes follow it: the same rows and order as one pass)."""
    latest = latest_years(docs)
    schema = series_schema()
    for rels in year_parts(ind_parts).values():
        table, names = _keyed_year(out, rels, docs)

        def key_of(raw: str | None, canonical: str | None, names: dict[str, str] = names
                   ) -> str:
            return canonical or names[raw or ""]

        for rows in _ranges(table, bucket_rows):
            part = table.take(rows)
            infos = doc_infos(docs, pc.unique(part["doc_id"]))
            built = series_rows(_readings(part.select(READING_COLUMNS)), infos, latest,
                                key_of)
            if built:
                yield pa.Table.from_pylist(built, schema=schema)
            del part, infos, built
            release_memory()
        del table, names
        release_memory()


def write_series(out: Out, force: bool = False) -> SeriesResult:
    """Bring ``OUT/series/series.parquet`` up to date with the committed documents and
    indicators; rebuilt only when their parts changed (or ``force``)."""
    storage = open_storage(out)
    doc_parts, ind_parts = part_rels(storage, "documents"), part_rels(storage, "indicators")
    stamp = source_stamp(doc_parts, ind_parts)
    if not force and _stored_stamp(storage) == stamp:
        rows = _stored_rows(storage)
        log.info("series: unchanged (%d row(s))", rows)
        return SeriesResult(rows, rebuilt=False)
    docs = doc_table(storage, doc_parts)
    if storage.local is not None:
        target = inside(storage.local, SERIES_FILE)
        target.parent.mkdir(parents=True, exist_ok=True)
        rows = _write_file(storage, docs, ind_parts, stamp, target.parent, target)
    else:
        with tempfile.TemporaryDirectory(prefix="natproj-series-") as tmp:
            path = Path(tmp) / "series.parquet"
            rows = _write_file(storage, docs, ind_parts, stamp, Path(tmp), path)
            storage.put(SERIES_FILE, path.read_bytes())
    log.info("series: %d row(s) written to %s", rows, SERIES_FILE)
    return SeriesResult(rows, rebuilt=True)


def _write_file(storage: Storage, docs: pa.Table, ind_parts: list[str],
                stamp: str, folder: Path, target: Path) -> int:
    """Write the series to a hidden temporary file in ``folder``, renamed to ``target``."""
    tmp = folder / f".series.{uuid.uuid4().hex}{TMP_SUFFIX}"
    rows = 0
    try:
        with pq.ParquetWriter(tmp, series_schema(stamp), compression="zstd") as writer:
            for table in series_tables(storage, docs, ind_parts):
                writer.write_table(table)
                rows += table.num_rows
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return rows


def _stored_rows(out: Storage) -> int:
    if out.local is not None:
        return pq.read_metadata(inside(out.local, SERIES_FILE)).num_rows
    return read_parquet(out, SERIES_FILE, columns=["year"]).num_rows
