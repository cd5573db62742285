"""Run the whole pipeline on generated and corpus documents; read the Parquet back."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pyarrow.dataset as ds
import pytest

from pipeline.__main__ import main
from pipeline.batch.run import RunConfig, run

SHARED = Path(__file__).resolve().parents[3] / "shared"
BAD = SHARED / "corpus" / "dev" / "bad"

EXECUTION_ROWS = [
    ["Наименование национального проекта", "Наименование (федерального) регионального проекта",
     "Наименование мероприятия", "Показатели на 2021 год", "", "Процент исполнения",
     "Примечание"],
    ["", "", "", "Плановый", "Фактический", "", ""],
    ["Образование", "Успех каждого ребенка",
     "Показатель:\n\n1. Доля детей, охваченных дополнительным образованием:\nМероприятия:\n"
     "- открытые уроки", "не менее 27%", "12%", "44,4%", "не исполнено (по причине)"],
    ["", "", "Показатель:\n\n2. Число участников открытых онлайн-уроков",
     "760 человек", "760", "100 %", "Выполнено"],
]


@pytest.fixture
def report_folder(tmp_path: Path, make_docx) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    path = make_docx(
        name="report.docx",
        paragraphs=("Отчет об исполнении плана мероприятий реализации национального проекта "
                    "«Образование» на 2021 год", "в Сысертском городском округе"),
        tables=((EXECUTION_ROWS, [(0, 3, 0, 4), (0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 1, 2),
                                  (0, 5, 1, 5), (0, 6, 1, 6), (2, 0, 3, 0), (2, 1, 3, 1)]),),
    )
    shutil.move(path, folder / "report.docx")
    (folder / "report.docx.truth.json").write_text("{}", encoding="utf-8")
    return folder


def test_execution_report_rows_and_readback(report_folder: Path, tmp_path: Path):
    out = tmp_path / "out"
    summary = run(RunConfig(report_folder, out, workers=1))
    assert summary.files == 1
    assert summary.skipped == 1
    docs = ds.dataset(out / "documents", format="parquet").to_table().to_pylist()
    assert len(docs) == 1
    doc = docs[0]
    assert doc["status"] == "ok"
    assert doc["format"] == "docx"
    assert doc["doc_type"] == "execution_report"
    assert doc["report_year"] == 2021
    rows = duckdb.sql(
        f"select indicator_raw, year, planned_value, comparator, actual_value, unit, "
        f"completion_pct, status, flags, locator "
        f"from read_parquet('{out}/indicators/**/*.parquet', hive_partitioning=true) "
        f"order by locator").fetchall()
    assert len(rows) == 2
    first, second = rows
    assert first[0] == "Доля детей, охваченных дополнительным образованием"
    assert first[1:8] == (2021, 27.0, ">=", 12.0, "percent", 44.4, "not_done")
    assert first[9] == "table 1 row 3"
    assert second[2:8] == (760.0, None, 760.0, "persons", 100.0, "done")


def test_bad_inputs_are_reported_and_the_run_goes_on(tmp_path: Path, make_docx):
    if not BAD.exists():
        pytest.skip("shared corpus not beside the repository")
    folder = tmp_path / "mixed"
    shutil.copytree(BAD, folder)
    good = make_docx(name="good.docx", paragraphs=("Пояснительная записка",))
    shutil.copy(good, folder / "good.docx")
    out = tmp_path / "out"
    assert main(["extract", str(folder), "--out", str(out), "--workers", "2",
                 "--timeout", "120"]) == 0
    docs = {r["source_path"]: r for r in
            ds.dataset(out / "documents", format="parquet").to_table().to_pylist()}
    assert docs["good.docx"]["status"] == "ok"
    for path in BAD.glob("*.truth.json"):
        import json

        truth = json.loads(path.read_text(encoding="utf-8"))
        row = docs[truth["file"]]
        if truth["expect"] == "ok":
            assert row["status"] == "ok", row
        else:
            assert row["status"] in ("failed", "partial"), row
            assert len(row["error"] or "") > 10, row
    leftovers = [p for p in out.rglob("*") if p.suffix == ".tmp" or ".staging" in p.name]
    assert not leftovers


def test_missing_input_exits_2(tmp_path: Path):
    assert main(["extract", str(tmp_path / "nope"), "--out", str(tmp_path / "o")]) == 2


def test_run_writes_the_indicator_review_file(report_folder: Path, tmp_path: Path):
    import csv

    out = tmp_path / "out"
    run(RunConfig(report_folder, out, workers=1))
    path = out / "review" / "indicators.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    names = {"Доля детей, охваченных дополнительным образованием",
             "Число участников открытых онлайн-уроков"}
    assert rows
    assert {r["raw_name"] for r in rows} <= names
    assert all(r["reason"] and r["candidate_1"] for r in rows)


def _indicators(out: Path) -> dict[str, dict]:
    return {r["indicator_raw"]: r for r in ds.dataset(out / "indicators").to_table().to_pylist()}


def _review_names(out: Path) -> set[str]:
    import csv

    with (out / "review" / "indicators.csv").open(encoding="utf-8") as fh:
        return {r["raw_name"] for r in csv.DictReader(fh)}


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_an_override_reaches_the_stored_rows_without_reading_the_files(
        report_folder: Path, tmp_path: Path, engine: str):
    from pipeline.normalise.catalog import default_catalog

    out, overrides = tmp_path / "out", tmp_path / "my-overrides.csv"
    overrides.write_text("raw_name,canonical,note\n", encoding="utf-8")
    cfg = RunConfig(report_folder, out, workers=1, engine=engine, overrides=overrides)
    run(cfg)
    before = _indicators(out)
    name = "Число участников открытых онлайн-уроков"
    assert name in _review_names(out)
    target = next(i.name for i in default_catalog().indicators
                  if i.name != before[name]["indicator_canonical"])
    overrides.write_text(f'raw_name,canonical,note\n{name},"{target}",решено\n',
                         encoding="utf-8")
    summary = run(cfg)  # a plain run: no --full
    assert summary.processed == 0  # nothing was read again
    assert summary.report["plan"]["renormalise"] == 1
    after = _indicators(out)
    assert (after[name]["indicator_canonical"], after[name]["match_score"]) == (target, 100.0)
    assert after[name]["review_reason"] is None
    assert after[name]["federal_project"] == before[name]["federal_project"]  # stated in it
    changed = {n for n in before if before[n] != after[n]}
    assert changed == {name}  # only the overridden name's rows changed
    assert name not in _review_names(out)
    assert run(cfg).report["plan"].get("renormalise") is None  # done once


def test_a_named_overrides_file_must_exist(report_folder: Path, tmp_path: Path):
    code = main(["extract", str(report_folder), "--out", str(tmp_path / "o"),
                 "--overrides", str(tmp_path / "missing.csv")])
    assert code == 2
    assert not (tmp_path / "o" / "indicators").exists()


def test_a_vocabulary_change_reads_the_files_again(report_folder: Path, tmp_path: Path,
                                                   monkeypatch):
    from pipeline.batch import run as run_mod

    out = tmp_path / "out"
    run(RunConfig(report_folder, out, workers=0))
    assert run(RunConfig(report_folder, out, workers=0)).processed == 0
    real = run_mod.vocab_digest()
    monkeypatch.setattr(run_mod, "vocab_digest", lambda: real[::-1])  # a CSV was edited
    summary = run(RunConfig(report_folder, out, workers=0))
    assert summary.processed == 1
    assert summary.report["plan"]["vocabulary"] == 1
    assert run(RunConfig(report_folder, out, workers=0)).processed == 0


def test_the_warm_up_report_reads_as_a_report():
    """The report a run reads before its workers start touches each kind of table."""
    from pipeline.interpret import interpret
    from pipeline.process import FileProcessor, warm_up_document

    reading = interpret(warm_up_document())
    assert [len(reading.indicators), len(reading.activities), len(reading.finance)] == [1, 1, 1]
    assert reading.indicators[0].planned_value == 75.0
    FileProcessor().warm_up()
