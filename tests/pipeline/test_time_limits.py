"""Time limits that cannot be swallowed, and a worker's stuck or oversized file is not retried
at full cost: real worker processes, real alarms, a real watchdog kill."""

from __future__ import annotations

import contextlib
import signal
import time
from pathlib import Path

from pipeline.batch.run.discover import discover
from pipeline.batch.run.workers import FileTimeout, Limits, run_local
from pipeline.process import FileResult, process_file
from pipeline.sources import SourceFile
from tests.pipeline.batch_corpus import write_corpus


def swallower(src: SourceFile) -> FileResult:
    """A reader that swallows the first alarm (as a broad except or a looping close would)."""
    if Path(src.rel_path).stem == "swallow":
        with contextlib.suppress(FileTimeout):
            time.sleep(600)
        time.sleep(600)  # the cleanup that loops
    return process_file(src)


def stuck_counting(src: SourceFile) -> FileResult:
    """Blocks its alarm (stuck in C code); records each start in a file next to it."""
    if Path(src.rel_path).stem == "stuck":
        with (src.path.parent.parent / "starts.log").open("a") as fh:
            fh.write("start\n")
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(600)
    return process_file(src)


def _results(folder: Path, limits: Limits, task) -> tuple[dict[str, FileResult], float]:
    files, _ = discover(folder)
    got: dict[str, FileResult] = {}
    t0 = time.monotonic()
    run_local(files, 2, limits, lambda r: got.__setitem__(r.source.rel_path, r), task)
    return got, time.monotonic() - t0


def test_a_swallowed_alarm_rings_again(tmp_path: Path):
    folder = tmp_path / "in"
    write_corpus(folder, 3)
    (folder / "swallow.txt").write_text("x\n", encoding="utf-8")
    got, took = _results(folder, Limits(timeout_s=5, grace_s=30), swallower)
    err = got["swallow.txt"].document["error"]
    assert err.startswith("processing took longer than the time limit of 5 s; the file was "
                          "abandoned")
    assert took < 20  # the repeated alarm 2 s later, long before the watchdog's 35 s
    assert sum(r.document["status"] == "ok" for r in got.values()) == 3


def test_a_file_the_watchdog_stopped_is_not_retried(tmp_path: Path):
    folder = tmp_path / "in"
    write_corpus(folder, 6)
    (folder / "stuck.txt").write_text("x\n", encoding="utf-8")
    got, took = _results(folder, Limits(timeout_s=5, grace_s=3), stuck_counting)
    assert "did not stop when asked" in got["stuck.txt"].document["error"]
    assert (tmp_path / "starts.log").read_text().count("start") == 1
    assert took < 14  # one watchdog kill (~8 s), not a second one in a retry (~16 s)
    assert len(got) == 7
    assert sum(r.document["status"] == "ok" for r in got.values()) == 6
