"""Read an output folder: ``load(out)`` gives pandas DataFrames, ``connect(out)`` DuckDB views,
``series(out)`` the series table (one indicator's story across documents).

Both read the parts the manifest names, so they see the last committed state even while a
run is writing; a folder without a manifest is read by listing its parts. To read a table's
folder with the ``year_part`` key, pass ``hive_partitioning()`` (pandas, pyarrow).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from pipeline.batch.load.manifest import load_manifest
from pipeline.batch.load.storage import Storage, open_storage, read_parquet
from pipeline.batch.load.write import PARTITION_KEY, SCHEMA_PART, list_parts, read_stored_part
from schemas import TABLES

if TYPE_CHECKING:
    import duckdb
    import pandas as pd
    import pyarrow.dataset as ds

log = logging.getLogger(__name__)

RETRIES = 3


def part_rels(out: Path | str | Storage, name: str) -> list[str]:
    """The Parquet parts of table ``name`` in the last committed state of ``out`` (a folder,
    a URL or a storage), relative to it."""
    if name not in TABLES:
        raise ValueError(f"table must be one of {', '.join(TABLES)}, got {name!r}")
    storage = open_storage(out)
    manifest = load_manifest(storage)
    listed = list_parts(storage)[0]
    if manifest.exists:
        rels = {p for e in manifest.entries.values() for p in e.parts.get(name, ())}
    else:
        rels = {p for p in listed if p.startswith(f"{name}/")}
    schema_part = [p for p in listed if p.startswith(f"{name}/") and p.endswith(SCHEMA_PART)]
    return sorted(rels | set(schema_part))


def part_files(out: Path | str, name: str) -> list[Path]:
    """The Parquet parts of table ``name`` in the last committed state of the folder
    ``out``."""
    return [Path(out) / p for p in part_rels(Path(out), name)]


def hive_partitioning() -> ds.Partitioning:
    """The output's partitioning with its key typed: ``year_part`` an int32 (0 for the rows
    without a year).

    ``pd.read_parquet(OUT / "indicators", partitioning=hive_partitioning())`` gives it as
    an integer column; a bare ``pd.read_parquet(folder)`` reads the same rows with the key
    as a category of integers.
    """
    import pyarrow.dataset as ds

    return ds.partitioning(pa.schema([(PARTITION_KEY, pa.int32())]), flavor="hive")


def read_table(out: Path | str | Storage, name: str, columns: list[str] | None = None) -> pa.Table:
    """Table ``name`` of ``out`` as one pyarrow Table of the contract schema.

    Raises:
        FileNotFoundError: ``out`` holds no such table (no run has written it).
    """
    storage = open_storage(out)
    for attempt in range(RETRIES):
        files = part_rels(storage, name)
        if not files:
            raise FileNotFoundError(f"{storage.url}/{name}: no Parquet parts (run the pipeline)")
        try:
            tables = [read_stored_part(storage, f, name, columns) for f in files]
            return pa.concat_tables(tables)
        except FileNotFoundError:
            if attempt == RETRIES - 1:
                raise
            log.info("a run replaced parts of %s while reading; reading again", name)
    raise AssertionError("unreachable")


def _nullable_ints() -> dict[pa.DataType, Any]:
    import pandas as pd

    return {pa.int32(): pd.Int32Dtype(), pa.int64(): pd.Int64Dtype()}


def load(out: Path | str | Storage, tables: Iterable[str] | None = None) -> dict[str, pd.DataFrame]:
    """The output tables as pandas DataFrames (integer columns as nullable ``Int32``).

    Args:
        out: the output folder of a run.
        tables: names to load (default: all four).
    """
    mapping = _nullable_ints()
    return {name: read_table(out, name).to_pandas(types_mapper=mapping.get)
            for name in tables or TABLES}


SERIES_FILE = "series/series.parquet"  # written by pipeline.batch.load.series_write


def read_series(out: Path | str | Storage, columns: list[str] | None = None) -> pa.Table:
    """The series table of ``out`` (``OUT/series/series.parquet``) as a pyarrow Table.

    Raises:
        FileNotFoundError: no run has written the series there.
    """
    storage = open_storage(out)
    if not storage.exists(SERIES_FILE):
        raise FileNotFoundError(f"{storage.url}/{SERIES_FILE}: no series (run the pipeline)")
    return read_parquet(storage, SERIES_FILE, columns)


def series(out: Path | str | Storage, columns: list[str] | None = None) -> pd.DataFrame:
    """The series table of ``out`` as a pandas DataFrame (integer columns as nullable
    ``Int32``): one row per municipality, indicator, unit and year with the target, plan,
    fact, their sources and the check flags."""
    return read_series(out, columns).to_pandas(types_mapper=_nullable_ints().get)


def connect(out: Path | str, database: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with one view per table over the committed parts of ``out``, and
    a view ``series`` when the series is written.

    The views are a snapshot: after a later run, call ``connect`` again.
    """
    import duckdb

    con = duckdb.connect(database)
    for name in TABLES:
        files = part_files(out, name)
        if not files:
            continue
        listing = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
        con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet([{listing}], "
                    "hive_partitioning = false, union_by_name = true)")
    path = Path(out) / SERIES_FILE
    if path.is_file():
        quoted = "'" + str(path).replace("'", "''") + "'"
        con.execute(f"CREATE OR REPLACE VIEW series AS SELECT * FROM read_parquet({quoted})")
    return con
