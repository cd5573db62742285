"""The output layout: hive-partitioned datasets read alike by pyarrow (the scorer's way),
pandas, polars and DuckDB, with the schema version in the Parquet metadata."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

import pipeline
from pipeline.batch.run import RunConfig, run
from pipeline.batch.write import PARTITION_KEY
from schemas import SCHEMA_VERSION, TABLES
from tests.pipeline.batch_corpus import copy_seeds, write_corpus

YEAR_COLUMNS = {"documents": "report_year", "indicators": "year", "finance": "year"}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("layout")
    folder = root / "in"
    copy_seeds(folder)
    write_corpus(folder, 10)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")  # a failed row, year null
    target = root / "out"
    run(RunConfig(folder, target, workers=2, commit_every=4))
    return target


def scorer_read(out: Path, name: str) -> pa.Table:
    return ds.dataset(str(out / name), format="parquet", partitioning="hive").to_table()


def test_scorer_style_read_keeps_contract_types_and_values(out: Path):
    for name, schema in TABLES.items():
        table = scorer_read(out, name)
        for field in schema:
            assert table.schema.field(field.name).type == field.type, (name, field.name)
        assert PARTITION_KEY in table.column_names
    docs = scorer_read(out, "documents").to_pylist()
    assert len(docs) == 16
    assert {d["report_year"] for d in docs} >= {2019, 2020, 2021, None}
    for name, col in YEAR_COLUMNS.items():
        for row in scorer_read(out, name).to_pylist():  # folder and column agree
            expected = "none" if row[col] is None else str(row[col])
            assert row[PARTITION_KEY] == expected


def test_layout_is_hive_partitioned_with_versions_in_metadata(out: Path):
    folders = {p.name for p in (out / "indicators").iterdir()}
    assert {"year_part=2019", "year_part=2020"} <= folders
    for part in out.rglob("part-*.parquet"):
        meta = pq.read_schema(part).metadata
        assert meta[b"schema_version"] == SCHEMA_VERSION.encode()
        assert meta[b"pipeline_version"] == pipeline.__version__.encode()
    manifest = pq.read_schema(out / "_manifest.parquet").metadata
    assert manifest[b"schema_version"] == SCHEMA_VERSION.encode()


def _counts(out: Path) -> dict[str, int]:
    return {name: scorer_read(out, name).num_rows for name in TABLES}


def test_pandas_polars_duckdb_and_pyarrow_read_the_same_rows(out: Path):
    expected = _counts(out)
    for name, rows in expected.items():
        frame = pd.read_parquet(out / name)
        assert len(frame) == rows
        assert pl.read_parquet(out / name / "**" / "*.parquet", hive_partitioning=True
                               ).height == rows
        assert pl.scan_parquet(out / name).collect().height == rows
        got = duckdb.sql(f"select count(*) from read_parquet('{out / name}/**/*.parquet', "
                         "hive_partitioning = true)").fetchall()
        assert got == [(rows,)]
    frame = pd.read_parquet(out / "documents")
    assert str(frame["report_year"].dtype) in {"Int32", "float64", "int32"}
    assert pl.scan_parquet(out / "indicators").collect_schema()["year"] == pl.Int32
    typ = duckdb.sql(f"select typeof(year) from read_parquet('{out}/indicators/**/*.parquet', "
                     "hive_partitioning = true) limit 1").fetchall()
    assert typ == [("INTEGER",)]


def test_load_and_connect(out: Path):
    frames = pipeline.load(out)
    assert set(frames) == set(TABLES)
    assert {name: len(f) for name, f in frames.items()} == _counts(out)
    assert list(frames["indicators"].columns) == TABLES["indicators"].names
    assert str(frames["documents"]["report_year"].dtype) == "Int32"
    con = pipeline.connect(out)
    n = con.sql("select count(*) from indicators i join documents d using (doc_id)").fetchall()
    assert n == [(len(frames["indicators"]),)]
    assert con.sql("select count(*) from documents where status = 'failed'").fetchall() == [(1,)]
