"""Hostile files in real worker processes: one that hangs, one that ignores its alarm, one that
eats memory, one that kills its process; and a run killed with SIGKILL halfway."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.dataset as ds
import pytest

import pipeline
from pipeline.__main__ import main
from pipeline.batch.load.manifest import ManifestError, load_manifest
from pipeline.batch.run.discover import discover
from pipeline.batch.run.runner import RunConfig, RunError, output_lock, run
from pipeline.batch.run.workers import Limits, run_local
from pipeline.process import FileResult, process_file, validate
from pipeline.sources import SourceFile
from tests.pipeline.batch_corpus import copy_seeds, snapshot, write_corpus

REPO = Path(__file__).resolve().parents[2]


# Module-level stand-ins for process_file (picklable by reference into forked workers).
def hostile(src: SourceFile) -> FileResult:
    name = Path(src.rel_path).stem
    if name == "hang":
        time.sleep(600)
    elif name == "stuck":  # the alarm cannot be delivered: only the watchdog stops it
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(600)
    elif name == "hog":
        ballast = b"x" * (1200 << 20)  # touches every page: RSS really grows
        time.sleep(30)
        del ballast
    elif name == "crash":
        os._exit(3)
    return process_file(src)


def bad_rows(src: SourceFile) -> FileResult:
    """A bug in interpretation: a value of the wrong type in one file's rows, caught by the
    chain's validate step."""
    res = process_file(src)
    if Path(src.rel_path).stem == "note_00001":
        res.indicators.append({"doc_id": src.doc_id, "year": "2021", "unit": "parsecs"})
    return validate(res)


def slow(src: SourceFile) -> FileResult:
    time.sleep(0.05)
    return process_file(src)


@pytest.fixture
def hostile_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    write_corpus(folder, 6)
    for name in ("hang", "hog", "crash"):
        (folder / f"{name}.txt").write_text(f"{name}\n", encoding="utf-8")
    return folder


def test_hang_hog_and_crash_fail_alone(hostile_folder: Path, tmp_path: Path):
    out = tmp_path / "out"
    cfg = RunConfig(hostile_folder, out, workers=2, timeout_s=4, memory_mb=700, commit_every=2)
    summary = run(cfg, task=hostile)
    docs = {d["source_path"]: d for d in pipeline.load(out)["documents"].to_dict("records")}
    assert len(docs) == 9
    assert "time limit of 4 s" in docs["hang.txt"]["error"]
    assert "memory limit of 700 MiB" in docs["hog.txt"]["error"]
    assert "worker reading this file died" in docs["crash.txt"]["error"]
    assert {docs[n]["status"] for n in ("hang.txt", "hog.txt", "crash.txt")} == {"failed"}
    assert all(d["status"] == "ok" for p, d in docs.items() if p.startswith("batch"))
    failures = {f["path"] for f in summary.report["failures"]}
    assert failures == {"hang.txt", "hog.txt", "crash.txt"}


def test_a_file_that_ignores_its_alarm_is_stopped_by_the_watchdog(tmp_path: Path):
    folder = tmp_path / "in"
    write_corpus(folder, 2)
    (folder / "stuck.txt").write_text("stuck\n", encoding="utf-8")
    files, _ = discover(folder)
    results: list[FileResult] = []
    t0 = time.monotonic()
    run_local(files, 2, Limits(timeout_s=4, memory_mb=1024, grace_s=1), results.append, hostile)
    assert time.monotonic() - t0 < 30
    by_path = {r.source.rel_path: r.document for r in results}
    assert len(by_path) == 3
    assert "did not stop when asked" in by_path["stuck.txt"]["error"]
    assert by_path["batch000/report_00000.docx"]["status"] == "ok"


@pytest.mark.parametrize("workers", [0, 2])
def test_values_that_do_not_fit_the_schema_are_dropped_not_their_file(tmp_path: Path,
                                                                      workers: int):
    folder = tmp_path / "in"
    write_corpus(folder, 4)
    summary = run(RunConfig(folder, tmp_path / "out", workers=workers), task=bad_rows)
    assert [(f["path"], f["status"]) for f in summary.report["failures"]] == [
        ("batch000/note_00001.txt", "partial")]
    reason = summary.report["failures"][0]["reason"]
    assert "2 value(s) did not fit the output schema and were dropped" in reason
    assert "indicators.year" in reason
    assert summary.by_status["ok"] == 3
    good = process_file(next(s for s in discover(folder)[0]
                             if s.rel_path == "batch000/note_00001.txt"))
    kept = pipeline.load(tmp_path / "out")["indicators"]
    doc_id = good.document.doc_id
    assert len(kept[kept["doc_id"] == doc_id]) == len(good.indicators) + 1  # none lost


def test_cli_exit_codes(tmp_path: Path, hostile_folder: Path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "out"
    (hostile_folder / "crash.txt").unlink()  # the CLI runs the real process_file
    assert main(["extract", str(hostile_folder), "--out", str(out), "--workers", "2",
                 "--progress", "none"]) == 0
    assert "report:" in capsys.readouterr().out
    assert main(["extract", str(tmp_path / "missing"), "--out", str(out)]) == 2
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    assert main(["extract", str(hostile_folder), "--out", str(blocker / "out")]) == 2
    assert main(["extract", str(hostile_folder), "--out", str(out), "--workers", "-1"]) == 2
    with output_lock(out):
        assert main(["extract", str(hostile_folder), "--out", str(out)]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["extract", str(hostile_folder), "--engine", "spark"])
    assert exc.value.code == 2


def _start(folder: Path, out: Path, *, full: bool = False) -> subprocess.Popen[bytes]:
    code = (
        "import logging, sys; from pathlib import Path\n"
        "from pipeline.batch.run.runner import RunConfig, run\n"
        "from tests.pipeline.test_batch_resilience import slow\n"
        f"run(RunConfig(Path({str(folder)!r}), Path({str(out)!r}), workers=1, "
        f"commit_every=2, full={full}), task=slow)\n"
    )
    return subprocess.Popen([sys.executable, "-c", code], cwd=REPO, start_new_session=True)


def _kill_when_committed(proc: subprocess.Popen[bytes], out: Path, entries: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if len(load_manifest(out).entries) >= entries:
                break
        except ManifestError:  # being replaced right now
            pass
        time.sleep(0.02)
    assert proc.poll() is None, "the run finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)  # the run and its workers, like kill -9
    proc.wait()


def test_a_killed_run_leaves_readable_output_and_the_next_run_finishes(tmp_path: Path):
    folder = tmp_path / "in"
    copy_seeds(folder)
    write_corpus(folder, 40)
    out = tmp_path / "out"
    _kill_when_committed(_start(folder, out), out, 10)

    for name in ("documents", "indicators", "activities", "finance"):  # still readable
        ds.dataset(out / name, format="parquet", partitioning="hive").to_table()
    committed = pipeline.load(out)["documents"]
    assert 10 <= len(committed) < 45
    assert committed["source_path"].is_unique
    assert len(committed) == len(load_manifest(out).entries)

    summary = run(RunConfig(folder, out, workers=2))
    assert summary.processed == 45 - len(committed)  # only what was not committed
    expected = tmp_path / "expected"
    run(RunConfig(folder, expected, workers=0))
    assert snapshot(out) == snapshot(expected)


def test_a_killed_full_run_is_finished_by_a_plain_run(tmp_path: Path):
    folder = tmp_path / "in"
    write_corpus(folder, 40)
    out = tmp_path / "out"
    run(RunConfig(folder, out, workers=0))
    expected = snapshot(out)
    before = load_manifest(out).run_seq
    proc = _start(folder, out, full=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            m = load_manifest(out)
            if sum(e.run_seq > before for e in m.entries.values()) >= 8:
                break
        except ManifestError:  # being replaced right now
            pass
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    redone = sum(e.run_seq > before for e in load_manifest(out).entries.values())
    summary = run(RunConfig(folder, out, workers=2))
    assert summary.report["plan"].get("full") == 40 - redone
    assert snapshot(out) == expected


def test_the_lock_dies_with_the_run_not_with_its_workers(tmp_path: Path):
    code = (
        "import os, sys, time\nfrom pathlib import Path\n"
        "from pipeline.batch.run.runner import output_lock\n"
        "with output_lock(Path(sys.argv[1])):\n"
        "    if os.fork() == 0:\n"
        "        os.write(1, b'worker\\n')\n        time.sleep(20)\n        os._exit(0)\n"
        "    os.write(1, b'locked\\n')\n    time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], cwd=REPO,
                            stdout=subprocess.PIPE, start_new_session=True)
    assert proc.stdout is not None
    # Wait for the worker too: its fork handler has run (and dropped the lock) once it prints;
    # killing the run before the child is even scheduled would test the scheduler instead.
    assert sorted(proc.stdout.readline() for _ in range(2)) == [b"locked\n", b"worker\n"]
    with pytest.raises(RunError, match="another run"), output_lock(tmp_path):
        pass
    proc.kill()  # the run only: its forked child lives on
    proc.wait()
    with output_lock(tmp_path):
        pass
    os.killpg(proc.pid, signal.SIGKILL)
