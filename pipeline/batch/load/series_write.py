"""Write ``OUT/series/series.parquet``, the series table (``pipeline.batch.load.series``), at
the end of a run: rebuilt whole from the committed ``documents`` and ``indicators`` parts when they
changed, else left as it is.

One file in one folder, not hive partitions: ``pd.read_parquet(OUT / "series")``, polars and
DuckDB read it with no options (there is no partition key to infer). It is written to a
hidden temporary file beside it and renamed into place (an object store gets one PUT), so a
reader sees the old file or the new one, never a half.

Memory: the documents' few columns (one row per file), then one year at a time: the
indicators are partitioned by year and a series row is of one year, so the rows of one
``year_part`` folder (with only the columns the series needs) and their series rows are all
that is held; each year is written as a row group as it is built. A year of more than
``BUCKET_ROWS`` rows is read in several passes, each over the municipalities of one hash
bucket (a series row is of one municipality), so about ``BUCKET_ROWS`` rows are held
whatever the size of the output.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import uuid
import zlib
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline import __version__
from pipeline.batch.load.series import (
    DOC_COLUMNS,
    READING_COLUMNS,
    DocInfo,
    Reading,
    latest_report_years,
    series_rows,
)
from pipeline.batch.load.storage import TMP_SUFFIX, Storage, inside, open_storage, read_parquet
from pipeline.batch.load.write import (
    NULL_PARTITION,
    Out,
    partition_of_part,
    read_stored_part,
)
from pipeline.load import SERIES_FILE, part_rels
from schemas import SCHEMA_VERSION, SERIES, SERIES_VERSION

log = logging.getLogger(__name__)

SERIES_DIR = "series"
STAMP_KEY = b"series_stamp"
BUCKET_ROWS = 50_000  # indicator rows held at once, about (a municipality is never split)


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


def read_docs(out: Out, doc_parts: list[str]) -> dict[str, DocInfo]:
    """Every document's series fields, by doc_id (one part at a time, a few columns)."""
    docs: dict[str, DocInfo] = {}
    for rel in doc_parts:
        for row in read_stored_part(out, rel, "documents", DOC_COLUMNS).to_pylist():
            docs.setdefault(row["doc_id"], DocInfo.of(row))
    return docs


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
        fields = dict(zip(READING_COLUMNS, values, strict=True))
        if fields["year"] is not None:
            yield Reading(**fields)


def buckets(docs: Mapping[str, DocInfo], n_rows: int, bucket_rows: int
            ) -> list[pa.Array | None]:
    """The doc_ids of each pass over a year holding ``n_rows`` rows: one pass (None: every
    document) up to ``bucket_rows``, else the municipalities split by a stable hash so a
    pass holds about ``bucket_rows`` rows (all the rows of a municipality in one pass)."""
    n = max(1, -(-n_rows // bucket_rows))
    if n == 1:
        return [None]
    ids: list[list[str]] = [[] for _ in range(n)]
    for doc_id, d in docs.items():
        ids[zlib.crc32((d.place or "").encode()) % n].append(doc_id)
    return [pa.array(b, pa.string()) for b in ids]


def series_tables(out: Out, docs: Mapping[str, DocInfo], ind_parts: list[str],
                  bucket_rows: int = BUCKET_ROWS) -> Iterator[pa.Table]:
    """The series rows one year at a time (a year of many rows in several passes, by
    municipality), as tables of the series schema."""
    latest = latest_report_years(docs.values())
    schema = series_schema()
    for rels in year_parts(ind_parts).values():
        n_rows = sum(read_stored_part(out, rel, "indicators", ["doc_id"]).num_rows
                     for rel in rels)
        for ids in buckets(docs, n_rows, bucket_rows):
            readings: list[Reading] = []
            for rel in rels:
                table = read_stored_part(out, rel, "indicators", READING_COLUMNS)
                if ids is not None:
                    table = table.filter(pc.is_in(table["doc_id"], value_set=ids))
                readings.extend(_readings(table))
            rows = series_rows(readings, docs, latest)
            del readings
            if rows:
                yield pa.Table.from_pylist(rows, schema=schema)


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
    docs = read_docs(storage, doc_parts)
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


def _write_file(storage: Storage, docs: Mapping[str, DocInfo], ind_parts: list[str],
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
