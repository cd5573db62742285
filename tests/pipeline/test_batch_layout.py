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
from pipeline.batch.load.manifest import load_manifest
from pipeline.batch.load.write import LAYOUT_VERSION, NULL_PARTITION, PARTITION_KEY, SCHEMA_PART
from pipeline.batch.run.runner import RunConfig, run
from schemas import SCHEMA_VERSION, TABLES
from tests.pipeline.batch_corpus import copy_seeds, snapshot, write_corpus

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
        assert table.schema.field(PARTITION_KEY).type == pa.int32()
    docs = scorer_read(out, "documents").to_pylist()
    assert len(docs) == 16
    assert {d["report_year"] for d in docs} >= {2019, 2020, 2021, None}
    for name, col in YEAR_COLUMNS.items():
        for row in scorer_read(out, name).to_pylist():  # folder and column agree
            assert row[PARTITION_KEY] == (row[col] if row[col] is not None else 0)


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
    hive = pipeline.hive_partitioning()
    for name, rows in expected.items():
        frame = pd.read_parquet(out / name, partitioning=hive)
        assert len(frame) == rows
        assert len(pd.read_parquet(out / name)) == rows  # the first line a data person types
        assert pl.read_parquet(out / name / "**" / "*.parquet", hive_partitioning=True
                               ).height == rows
        assert pl.scan_parquet(out / name).collect().height == rows
        got = duckdb.sql(f"select count(*) from read_parquet('{out / name}/**/*.parquet', "
                         "hive_partitioning = true)").fetchall()
        assert got == [(rows,)]
    frame = pd.read_parquet(out / "documents", partitioning=hive)
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


def test_files_do_not_carry_the_partition_key(out: Path):
    for part in out.rglob("*.parquet"):
        if part.name != "_manifest.parquet":
            assert PARTITION_KEY not in pq.read_schema(part).names, part


def test_every_engine_reads_the_key_as_an_integer_0_without_a_year_with_no_options(out: Path):
    folder = out / "documents"
    assert (folder / f"{PARTITION_KEY}={NULL_PARTITION}").is_dir()
    assert NULL_PARTITION == "0"
    assert not list(folder.glob(f"{PARTITION_KEY}=none")) + list(
        folder.glob(f"{PARTITION_KEY}=__HIVE_DEFAULT_PARTITION__"))
    report_years = [d["report_year"] for d in scorer_read(out, "documents").to_pylist()]
    assert None in report_years
    keys = {y if y is not None else 0 for y in report_years}

    table = scorer_read(out, "documents")  # pyarrow
    assert table.schema.field(PARTITION_KEY).type == pa.int32()
    assert set(table[PARTITION_KEY].to_pylist()) == keys

    frame = pd.read_parquet(folder)  # pandas, no options: the key as a category of integers
    assert {int(v) for v in frame[PARTITION_KEY]} == keys
    assert (frame[PARTITION_KEY].astype(int) == 0).sum() == frame["report_year"].isna().sum()
    typed = pd.read_parquet(folder, partitioning=pipeline.hive_partitioning(),
                            dtype_backend="numpy_nullable")
    assert str(typed[PARTITION_KEY].dtype) == "Int32"
    assert str(typed["report_year"].dtype) == "Int32"

    lazy = pl.scan_parquet(folder)  # polars, hive partitioning found by itself
    assert lazy.collect_schema()[PARTITION_KEY].is_integer()
    assert set(lazy.collect()[PARTITION_KEY].to_list()) == keys
    glob = pl.scan_parquet(folder / "**" / "*.parquet", hive_partitioning=True).collect()
    assert glob[PARTITION_KEY].dtype.is_integer()
    assert glob[PARTITION_KEY].null_count() == 0

    got = duckdb.sql(f"select distinct typeof({PARTITION_KEY}), {PARTITION_KEY} from "
                     f"read_parquet('{folder}/**/*.parquet')").fetchall()  # duckdb, no options
    assert {t for t, _ in got} <= {"INTEGER", "BIGINT"}
    assert {v for _, v in got} == keys


def _as_old_layout(out: Path, version: str) -> None:
    """Turn a current output into one written by an older layout: the parts of the rows
    without a year moved to ``year_part=none`` (layout 1, which kept the schema part there
    too and recorded no layout version) or ``year_part=__HIVE_DEFAULT_PARTITION__`` (layout 2),
    and a manifest naming them."""
    legacy_name = OLD_NULL[version]
    for name in TABLES:
        current = out / name / f"{PARTITION_KEY}={NULL_PARTITION}"
        legacy = out / name / f"{PARTITION_KEY}={legacy_name}"
        for part in current.glob("*.parquet"):
            if part.name != SCHEMA_PART or version == "1":
                legacy.mkdir(exist_ok=True)
                part.rename(legacy / part.name)
        if not any(current.iterdir()):
            current.rmdir()
    table = pq.read_table(out / "_manifest.parquet")
    for col in [c for c in table.column_names if c.startswith("parts_")]:
        fixed = [[p.replace(f"{PARTITION_KEY}={NULL_PARTITION}/",
                            f"{PARTITION_KEY}={legacy_name}/") for p in ps]
                 for ps in table[col].to_pylist()]
        table = table.set_column(table.schema.get_field_index(col), col,
                                 pa.array(fixed, pa.list_(pa.string())))
    meta = {k: v for k, v in table.schema.metadata.items() if k != b"layout_version"}
    if version != "1":
        meta[b"layout_version"] = version.encode()
    pq.write_table(table.replace_schema_metadata(meta), out / "_manifest.parquet")


OLD_NULL = {"1": "none", "2": "__HIVE_DEFAULT_PARTITION__"}


@pytest.mark.parametrize("version", sorted(OLD_NULL))
def test_an_output_of_an_older_layout_is_moved_by_the_next_run(tmp_path: Path, version: str):
    folder = tmp_path / "in"
    write_corpus(folder, 4)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    out = tmp_path / "out"
    run(RunConfig(folder, out, workers=0))
    expected = snapshot(out)
    _as_old_layout(out, version)
    legacy = f"{PARTITION_KEY}={OLD_NULL[version]}"
    assert (out / "documents" / legacy).is_dir()
    assert any(legacy in p for e in load_manifest(out).entries.values() for p in e.all_parts())

    assert run(RunConfig(folder, out, workers=0)).processed == 0  # moved, not reprocessed
    assert not list(out.glob(f"*/{legacy}"))
    assert {p.parent.name for p in out.rglob(SCHEMA_PART)} == {f"{PARTITION_KEY}=0"}
    meta = pq.read_schema(out / "_manifest.parquet").metadata
    assert meta[b"layout_version"] == LAYOUT_VERSION.encode()
    assert snapshot(out) == expected
    assert not any(legacy in p for e in load_manifest(out).entries.values()
                   for p in e.all_parts())
    assert scorer_read(out, "documents").schema.field(PARTITION_KEY).type == pa.int32()
    assert len(pipeline.load(out)["documents"]) == 5
    assert len(pd.read_parquet(out / "documents")) == 5
