"""Observability: the run report (JSON and HTML), progress reporting and the CLI summary."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest

from pipeline.__main__ import main
from pipeline.batch.progress import BarProgress, CountingProgress, LogProgress, make_progress
from pipeline.batch.report import svg_bars
from pipeline.batch.run import RunConfig, run
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
    assert page.count("<svg") == 3
    assert "broken.docx" in page
    assert "by federal project" in page
    assert "by format" in page

    again = run(RunConfig(folder, out, workers=2))  # nothing to do: still a full report
    assert again.report["processed"]["files"] == 0
    assert again.report["output"] == report["output"]


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
    with caplog.at_level(logging.INFO, logger="pipeline.batch.progress"):
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
