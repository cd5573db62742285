"""Observability: the run report (JSON and HTML), progress reporting and the CLI summary."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest

from pipeline.__main__ import main
from pipeline.batch.review.report import HISTORY_KEEP, load_history, record_history
from pipeline.batch.review.report_html import num, render_html, svg_bars
from pipeline.batch.run.progress import BarProgress, CountingProgress, LogProgress, make_progress
from pipeline.batch.run.runner import RunConfig, run
from tests.pipeline.batch_corpus import copy_seeds, write_corpus


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    copy_seeds(folder)
    write_corpus(folder, 8)
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    return folder


def test_run_report_json_and_html(folder: Path, tmp_path: Path):
    out = tmp_path / "out"
    progress = CountingProgress()
    run(RunConfig(folder, out, workers=2), progress=progress)
    assert progress.total == 14
    assert len(progress.done) == 14
    assert progress.closed
    report = json.loads((out / "run_report.json").read_text(encoding="utf-8"))
    assert report["processed"]["files"] == 14
    assert report["files_seen"] == 14
    assert report["processed"]["by_format"]["docx"]["failed"] == 1
    assert report["processed"]["by_format"]["txt"] == {"ok": 11}
    assert report["processed"]["rows"]["documents"] == 14
    assert report["output"]["rows"]["indicators"] == report["processed"]["rows"]["indicators"]
    assert [f["path"] for f in report["failures"]] == ["broken.docx"]
    assert report["failures"][0]["reason"]
    assert len(report["slowest"]) == 10
    assert report["slowest"][0]["seconds"] >= report["slowest"][-1]["seconds"]
    projects = {c["federal_project"] for c in report["completion_by_federal_project"]}
    assert "Учитель будущего" in projects
    page = (out / "run_report.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 2  # problems by format, done by federal project
    assert "broken.docx" in page
    assert "по федеральным проектам" in page
    assert "по формату" in page
    assert 'lang="ru"' in page
    assert "<th></th>" not in page  # no empty header cells
    assert page.index("Проблемы") < page.index("Данные выгрузки") < page.index("Этот запуск")
    assert 'href="review/indicators.xlsx"' in page
    assert "txt: ошибка" not in page  # a format without failures is no bar at 0
    assert '<span class="st st-failed">ошибка</span>' in page
    places = {c["municipality"] for c in report["completion_by_municipality"]}
    assert "Сысертский городской округ" in places
    by_type = {r["doc_type"] for r in report["documents_by_type_year"]}
    assert {"execution_report", "explanatory_note"} <= by_type
    assert all(m["execution_pct"] < 100 for m in report["missed_indicators"])
    assert [h["processed"] for h in report["history"]] == [14]

    (folder / "new.txt").write_text("just text", encoding="utf-8")
    again = run(RunConfig(folder, out, workers=2))  # incremental: broken.docx not re-read
    assert again.report["processed"]["files"] == 1
    assert [(p["path"], p["reason_ru"]) for p in again.report["output"]["problems"]
            if p["status"] == "failed"] == [
        ("broken.docx", "повреждён ZIP-контейнер (файл обрезан или испорчен)")]  # Russian
    assert "broken.docx" in (out / "run_report.html").read_text(encoding="utf-8")
    assert [h["processed"] for h in again.report["history"]] == [14, 1]
    lines = (out / "_runs.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["processed"] for line in lines] == [14, 1]

    third = run(RunConfig(folder, out, workers=2))  # nothing to do: still a full report
    assert third.report["processed"]["files"] == 0
    assert third.report["output"] == again.report["output"]
    assert third.report["completion_by_municipality"] == (
        again.report["completion_by_municipality"])


def test_history_keeps_the_last_runs(tmp_path: Path):
    (tmp_path / "_runs.jsonl").write_text("not json\n", encoding="utf-8")
    for i in range(HISTORY_KEEP + 3):
        runs = record_history(tmp_path, {"run_id": f"r{i}"})
    assert [r["run_id"] for r in runs] == [f"r{i}" for i in range(3, HISTORY_KEEP + 3)]
    assert load_history(tmp_path) == runs


def test_html_escapes_hostile_names_and_colours_statuses():
    evil = "<script>alert(1)</script>&.docx"
    report = {"run_id": "r", "output": {
        "files": 2, "by_status": {"failed": 1, "ok": 1}, "rows": {"documents": 2},
        "by_format": {"docx": {"failed": 1}, "txt": {"ok": 1}},
        "problems": [{"path": evil, "format": "docx", "status": "failed",
                      "reason": "<b>bad</b>", "run_seq": 1}]},
        "processed": {"files": 0, "by_status": {}, "by_format": {}, "rows": {}},
        "slowest": [], "failures": [], "review": {
            "to_check": 3, "decided": 1, "outside_catalog": {
                "names": 7, "rows": 12, "sample": [{"name": "<u>вне</u>", "rows": 5}]}},
        "missed_indicators": [{"indicator": "<i>x</i>", "municipality": "М", "file": evil,
                               "year": 2021, "planned": 2230.0, "actual": 12.5,
                               "comparator": ">=", "unit": "persons",
                               "execution_pct": 0.6}]}
    page = render_html(report)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&amp;.docx" in page
    assert "&lt;b&gt;bad&lt;/b&gt;" in page
    assert "&lt;i&gt;x&lt;/i&gt;" in page
    assert '<span class="st st-failed">ошибка</span>' in page
    assert ".st-failed{background:#c0392b}" in page  # failed is red, not green
    assert "≥ 2 230" in page  # plan with its comparator, the Russian way
    assert ">2021<" in page  # a year is no number with a thousands space
    assert "txt: " not in page
    assert "Названия вне каталога: 7" in page
    assert "<td>&lt;u&gt;вне&lt;/u&gt;</td><td class=\"n\">5</td>" in page


def test_numbers_the_russian_way():
    assert (num(12345), num(97.5), num(100.0), num(None)) == ("12 345", "97,5", "100", "")


def test_cli_prints_a_summary(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["extract", str(folder), "--out", str(tmp_path / "out"), "--progress", "log",
                 "--workers", "2"]) == 1  # broken.docx failed in this run
    text = capsys.readouterr().out
    assert "14 processed" in text
    assert "broken.docx" in text
    assert "rows written" in text
    assert main(["extract", str(folder), "--out", str(tmp_path / "out"), "--json", "-q"]) == 0
    # nothing processed this time: the failure of the last run does not count
    assert json.loads(capsys.readouterr().out)["plan"]["unchanged"] == 14


def test_log_progress_lines(caplog: pytest.LogCaptureFixture):
    progress = LogProgress(interval=0)
    with caplog.at_level(logging.INFO, logger="pipeline.batch.run.progress"):
        progress.start(4)
        for i, status in enumerate(["ok", "ok", "failed", "ok"]):
            progress.advance(f"f{i}", status)
        progress.close()
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0] == "processing 4 file(s)"
    assert any("4/4 files (100%)" in line and "failed 1, ok 3" in line for line in lines)
    assert all("files/s" in line and "ETA" in line for line in lines[1:])


def test_progress_modes():
    tty, pipe = io.StringIO(), io.StringIO()
    tty.isatty = lambda: True  # type: ignore[method-assign]
    assert isinstance(make_progress("auto", tty), BarProgress)
    assert isinstance(make_progress("auto", pipe), LogProgress)
    bar = make_progress("bar", pipe)
    bar.start(2)
    bar.advance("a", "ok")
    bar.advance("b", "failed")
    bar.close()
    assert "2/2" in pipe.getvalue()
    assert "failed=1" in pipe.getvalue()
    with pytest.raises(ValueError, match="progress must be one of"):
        make_progress("fancy")


def test_svg_bars_escape_and_scale():
    svg = svg_bars("a <b>", [("x & y", 50.0), ("z", 100.0)], unit="%", max_value=100)
    assert svg.startswith("<svg")
    assert "a &lt;b&gt;" in svg
    assert "x &amp; y" in svg
    assert 'width="160.0"' in svg
    assert 'width="320.0"' in svg
