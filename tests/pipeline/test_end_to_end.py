"""Run the whole pipeline on generated and corpus documents; read the Parquet back."""

from __future__ import annotations

import csv
import logging
import shutil
from pathlib import Path

import duckdb
import pyarrow.dataset as ds
import pytest

from pipeline.__main__ import main
from pipeline.batch.review.book import read_review_rows
from pipeline.batch.run.runner import RunConfig, run
from pipeline.normalise.review import REASON_TEXT, ReviewReason, candidate_floor

SHARED = Path(__file__).resolve().parents[3] / "shared"
BAD = SHARED / "corpus" / "dev" / "bad"
# weakly matched (its best catalog candidate scores under the threshold, well over the floor):
# the review workbook asks about it
WEAK = "Число педагогов, прошедших оценку квалификации"

EXECUTION_ROWS = [
    ["Наименование национального проекта", "Наименование (федерального) регионального проекта",
     "Наименование мероприятия", "Показатели на 2021 год", "", "Процент исполнения",
     "Примечание"],
    ["", "", "", "Плановый", "Фактический", "", ""],
    ["Образование", "Успех каждого ребенка",
     "Показатель:\n\n1. Доля детей, охваченных дополнительным образованием:\nМероприятия:\n"
     "- открытые уроки", "не менее 27%", "12%", "44,4%", "не исполнено (по причине)"],
    ["", "", f"Показатель:\n\n2. {WEAK}",
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
                 "--timeout", "120"]) == 1  # finished, some file of the run failed
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
    out = tmp_path / "out"
    run(RunConfig(report_folder, out, workers=1))
    rows = read_review_rows(out / "review" / "indicators.xlsx")
    names = {"Доля детей, охваченных дополнительным образованием", WEAK}
    assert rows
    assert {r["raw_name"] for r in rows} <= names
    assert WEAK in {r["raw_name"] for r in rows if r["candidate_1"]}  # a real candidate
    assert all(r["reason"] for r in rows)
    floor = candidate_floor()
    for r in rows:  # a candidate far below the threshold is noise: not shown, the row is
        shown = [float(r[f"score_{i}"]) for i in (1, 2, 3) if r[f"candidate_{i}"]]
        assert all(s >= floor for s in shown)
        assert bool(shown) == (float(r["score"]) >= floor)
    assert all(r["file"] == "report.docx" and r["locator"].startswith("таблица 1, строка ")
               for r in rows)


def _indicators(out: Path) -> dict[str, dict]:
    return {r["indicator_raw"]: r for r in ds.dataset(out / "indicators").to_table().to_pylist()}


def _review_names(out: Path) -> set[str]:
    """The names the review workbook asks about (decided ones left out)."""
    return {r["raw_name"] for r in read_review_rows(out / "review" / "indicators.xlsx")
            if r["reason"] != REASON_TEXT[ReviewReason.DECIDED]}


def _decide(out: Path, decisions: dict[str, str]) -> None:
    """Type decisions into the review workbook, as an analyst does in Excel."""
    from openpyxl import load_workbook

    path = out / "review" / "indicators.xlsx"
    wb = load_workbook(path)
    ws = wb.active
    col = {c.value: c.column for c in ws[1]}
    for row in ws.iter_rows(min_row=2):
        name = row[col["Название в документе"] - 1].value
        if name in decisions:
            ws.cell(row[0].row, col["Решение (каноническое название)"], decisions[name])
    wb.save(path)


def test_a_decision_in_the_review_workbook_is_applied_and_kept(
        report_folder: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture):
    from pipeline.normalise.catalog import default_catalog

    out = tmp_path / "out"
    cfg = RunConfig(report_folder, out, workers=1)
    run(cfg)
    before = _indicators(out)
    name = WEAK
    assert _review_names(out) == {name}
    _decide(out, {name: "Нет такого показателя"})
    with caplog.at_level(logging.WARNING):
        summary = run(cfg)  # a plain run: no --full
    assert "names no catalog indicator" in caplog.text  # a warning and skipped, not a stop
    assert summary.report["plan"].get("renormalise") is None
    assert not (out / "review" / "decisions.csv").exists()
    assert read_review_rows(out / "review" / "indicators.xlsx")[0]["canonical"] == (
        "Нет такого показателя")  # left for the analyst to correct
    target = next(i.name for i in default_catalog().indicators
                  if i.name != before[name]["indicator_canonical"])
    _decide(out, {name: f"  {target.upper()} "})  # case and spacing are forgiven
    summary = run(cfg)
    assert summary.processed == 0  # nothing was read again
    assert summary.report["plan"]["renormalise"] == 1
    after = _indicators(out)
    assert (after[name]["indicator_canonical"], after[name]["match_score"]) == (target, 100.0)
    assert {n for n in before if before[n] != after[n]} == {name}
    with (out / "review" / "decisions.csv").open(encoding="utf-8", newline="") as fh:
        assert list(csv.DictReader(fh)) == [{"raw_name": name, "canonical": target,
                                            "note": ""}]
    rows = read_review_rows(out / "review" / "indicators.xlsx")
    assert [(r["raw_name"], r["canonical"], r["reason"]) for r in rows] == [
        (name, target, REASON_TEXT[ReviewReason.DECIDED])]  # the decided row stays visible
    assert rows[0]["file"] == "report.docx"
    assert summary.report["review"] == {
        "file": "review/indicators.xlsx", "to_check": 0, "decided": 1, "rows_to_check": 0,
        "rows_decided": 0, "outside_catalog": {"names": 0, "rows": 0, "sample": []}}
    again = run(cfg)
    assert again.report["plan"].get("renormalise") is None  # applied once
    assert _indicators(out)[name]["indicator_canonical"] == target
    (out / "review" / "indicators.xlsx").unlink()  # the workbook lost: decisions.csv holds
    run(cfg)
    assert _indicators(out)[name]["indicator_canonical"] == target
    assert name not in _review_names(out)


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_an_override_reaches_the_stored_rows_without_reading_the_files(
        report_folder: Path, tmp_path: Path, engine: str):
    from pipeline.normalise.catalog import default_catalog

    out, overrides = tmp_path / "out", tmp_path / "my-overrides.csv"
    overrides.write_text("raw_name,canonical,note\n", encoding="utf-8")
    cfg = RunConfig(report_folder, out, workers=1, engine=engine, overrides=overrides)
    run(cfg)
    before = _indicators(out)
    name = WEAK
    assert name in _review_names(out)
    target = next(i.name for i in default_catalog().indicators
                  if i.name != before[name]["indicator_canonical"])
    overrides.write_text(f'raw_name,canonical,note\n"{name}","{target}",решено\n',
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
    from pipeline.batch.run import runner as run_mod

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
