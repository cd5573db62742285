"""The series table: one indicator's story across a passport and execution reports of one
municipality, built by a run from documents written here (an XLSX passport, DOCX reports)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

import pipeline
from pipeline.batch.load.series import DocInfo, Reading, name_key, series_rows
from pipeline.batch.load.series_write import doc_table, series_tables
from pipeline.batch.load.storage import open_storage
from pipeline.batch.load.write import partition_dir, rows_to_table, save_atomic
from pipeline.batch.run.runner import RunConfig, run
from pipeline.load import part_rels, read_series
from tests.pipeline.series_docs import LESSONS, PLACE, SHARE, passport, report, series_corpus


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return series_corpus(tmp_path / "in")


def _rows(out: Path) -> dict[tuple[str, int], dict[str, Any]]:
    return {(r["indicator_key"], r["year"]): r for r in read_series(out).to_pylist()}


def test_a_passport_and_reports_make_one_story(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = run(RunConfig(input=folder, out=out, workers=0))
    assert summary.by_status["ok"] == 4
    assert summary.report["series"]["rows"] == 12
    docs = pipeline.load(out, ["documents"])["documents"]
    assert set(docs["municipality"]) == {PLACE}
    assert docs["oktmo"].notna().all()
    ids = dict(zip(docs["source_path"], docs["doc_id"], strict=True))
    rows = _rows(out)
    lessons = name_key(LESSONS)
    assert lessons == "число участник открытый онлайн урок"
    assert {k[0] for k in rows} == {SHARE, lessons}
    assert {k[1] for k in rows} == set(range(2019, 2025))

    first = rows[(SHARE, 2019)]  # a target, no report of 2019 while 2021 is reported
    assert (first["target_value"], first["actual_value"]) == (65.0, None)
    assert list(first["flags"]) == ["missing_fact"]
    assert first["target_doc_id"] == ids["passport.xlsx"]

    row = rows[(SHARE, 2020)]
    assert (row["municipality"], row["region"]) == (PLACE, "Свердловская область")
    assert row["oktmo"] == docs["oktmo"].iloc[0]
    assert (row["national_project"], row["federal_project"]) == ("Образование",
                                                                 "Успех каждого ребенка")
    assert (row["target_value"], row["planned_value"], row["actual_value"]) == (70, 70, 71)
    assert (row["completion_pct"], row["completion_source"]) == (101.43, "derived")
    assert (row["status"], row["status_source"]) == ("done", "derived")
    assert row["fact_doc_id"] == ids["report_2020.docx"]
    assert row["fact_locator"] == "table 1 row 2"
    assert row["target_locator"].startswith("table 1 (sheet")
    assert list(row["flags"]) == []
    assert row["n_documents"] == 2
    assert list(row["doc_ids"]) == [ids["passport.xlsx"], ids["report_2020.docx"]]
    assert row["confidence"] == pytest.approx(0.95, abs=0.05)

    row = rows[(SHARE, 2021)]  # plan 74 against the target 75; facts 76 and 77
    assert (row["target_value"], row["planned_value"], row["actual_value"]) == (75, 74, 77)
    assert row["fact_doc_id"] == ids["report_2021_corrected.docx"]
    assert list(row["flags"]) == ["plan_differs_from_target", "facts_disagree"]
    assert row["n_documents"] == 3

    row = rows[(lessons, 2021)]
    assert (row["target_value"], row["planned_value"], row["actual_value"]) == (400, 400, 390)
    assert (row["indicator"], row["unit"]) == (LESSONS, "persons")
    assert (row["status"], row["status_source"]) == ("not_done", "derived")
    assert list(row["flags"]) == []

    row = rows[(SHARE, 2022)]  # the future: a target only, nothing missing yet
    assert (row["target_value"], row["actual_value"], list(row["flags"])) == (78, None, [])

    # an incremental run: a later passport changes the 2023 target, a report of 2022 comes
    passport(folder / "passport_2022.xlsx", "15.03.2022", [65, 70, 75, 78, 81, 82])
    report(folder / "report_2022.docx", 2022, "20.01.2023", ("78", "79", "101,3", "выполнено"),
            ("500", "520"))
    summary = run(RunConfig(input=folder, out=out, workers=0))
    assert summary.processed == 2
    assert summary.report["series"]["rebuilt"] is True
    rows = _rows(out)
    row = rows[(SHARE, 2022)]
    assert (row["target_value"], row["planned_value"], row["actual_value"]) == (78, 78, 79)
    assert (row["completion_pct"], row["completion_source"]) == (101.3, "stated")
    assert (row["status"], row["status_source"]) == ("done", "stated")
    row = rows[(SHARE, 2023)]
    assert (row["target_value"], list(row["flags"])) == (81, ["target_changed"])
    assert row["target_doc_id"] != ids["passport.xlsx"]
    assert list(rows[(SHARE, 2021)]["flags"]) == ["plan_differs_from_target", "facts_disagree"]

    # nothing changed: the series is left as it is
    assert run(RunConfig(input=folder, out=out, workers=0)).report["series"] == {
        "file": "series/series.parquet", "rows": 12, "rebuilt": False}


def test_the_series_reads_with_no_options(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(RunConfig(input=folder, out=out, workers=0))
    frame = pd.read_parquet(out / "series")
    assert len(frame) == 12
    assert pipeline.series(out).shape == frame.shape
    assert str(frame["year"].dtype) == "int32"
    duckdb = pytest.importorskip("duckdb")
    got = duckdb.sql(f"select count(*), max(actual_value) from read_parquet("
                     f"'{out}/series/*.parquet') where unit = 'percent'").fetchone()
    assert got == (6, 77.0)
    con = pipeline.connect(out)
    assert con.sql("select count(*) from series").fetchone() == (12,)
    pl = pytest.importorskip("polars")
    assert pl.read_parquet(out / "series" / "*.parquet").height == 12
    assert pl.scan_parquet(out / "series").collect().height == 12


def _doc(doc_id: str, doc_type: str, year: int | None, place: str = "A") -> DocInfo:
    return DocInfo(doc_id, doc_type, municipality=place, report_year=year)


def test_rows_of_the_builder() -> None:
    docs = {"p": _doc("p", "project_passport", None), "o": _doc("o", "order", None, "B"),
            "r": _doc("r", "execution_report", 2022)}
    readings = [
        Reading("p", "Доля «x»*, %", 2020, planned_value=10.0, comparator="<=", unit="percent",
                confidence=0.9),
        Reading("r", "Доля «X», %", 2020, planned_value=10.0, actual_value=8.0,
                comparator="<=", unit="percent", confidence=0.7),
        Reading("o", "Доля x", 2020, planned_value=5.0, unit="percent"),
    ]
    rows = series_rows(readings, docs, {"A": 2022})
    assert [(r["municipality"], r["indicator_key"]) for r in rows] == [("A", "доля x"),
                                                                      ("B", "доля x")]
    a = rows[0]
    assert (a["completion_pct"], a["status"], a["confidence"]) == (125.0, "done", 0.7)
    assert (a["target_comparator"], a["flags"]) == ("<=", [])
    b = rows[1]  # an order's target, no report of B: nothing is missing
    assert (b["target_value"], b["actual_value"], b["flags"]) == (5.0, None, [])


def test_a_year_of_many_rows_is_built_in_passes_with_the_same_rows(tmp_path: Path) -> None:
    out = tmp_path / "out"
    docs = [{"doc_id": f"d{i}", "doc_type": "execution_report" if i % 2 else "order",
             "municipality": f"Город {i % 5}", "report_year": 2021, "status": "ok"}
            for i in range(20)]
    save_atomic(rows_to_table("documents", docs), out / partition_dir("documents", "2021")
                / "part-a.parquet")
    rows = [{"doc_id": f"d{i}", "indicator_raw": f"Показатель {k}", "year": 2021,
             "planned_value": float(k + i % 2), "actual_value": float(i) if i % 2 else None,
             "unit": "units", "confidence": 0.9} for i in range(20) for k in range(3)]
    for n, half in enumerate((rows[:30], rows[30:])):
        save_atomic(rows_to_table("indicators", half), out / partition_dir("indicators", "2021")
                    / f"part-{n}.parquet")
    storage = open_storage(out)
    doc_parts, ind_parts = part_rels(storage, "documents"), part_rels(storage, "indicators")
    docs = doc_table(storage, doc_parts)
    assert docs.num_rows == 20

    def built(bucket_rows: int) -> list[pa.Table]:
        return list(series_tables(storage, docs, ind_parts, bucket_rows))

    one_pass = [r for t in built(1000) for r in t.to_pylist()]
    assert len(one_pass) == 15  # five towns, three indicators
    assert [(r["municipality"], r["indicator_key"]) for r in one_pass] == sorted(
        (r["municipality"], r["indicator_key"]) for r in one_pass)
    passes = built(7)
    assert len(passes) > 1
    assert max(t.num_rows for t in passes) < 15
    assert [r for t in passes for r in t.to_pylist()] == one_pass  # the same rows, in order
    assert all(r["flags"] == ["plan_differs_from_target", "facts_disagree"] for r in one_pass)
