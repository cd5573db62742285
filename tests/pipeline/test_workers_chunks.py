"""Quick files travel to the workers in chunks; a worker that dies mid-chunk costs only the
culprit its result."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.batch.run import workers
from pipeline.batch.run.discover import discover
from pipeline.batch.run.workers import ChunkSizer, Limits, guarded_chunk, run_local
from pipeline.process import FileResult, failed_result, process_file
from pipeline.sources import SourceFile
from tests.pipeline.batch_corpus import write_corpus


def _res(seconds: float) -> FileResult:
    src = SourceFile(Path("/x/a.txt"), "a.txt", "d" * 16, 1, 0)
    res = failed_result(src, "stand-in")
    res.seconds = seconds
    return res


@pytest.mark.parametrize(("workers_", "timed", "per_file_s", "remaining", "expected"), [
    (2, 0, 0.0, 1000, 1),  # nothing timed yet: one file per task
    (2, 3, 0.005, 1000, 1),  # fewer than two files per worker timed
    (2, 4, 0.005, 1000, 10),  # 0.05 s of 5 ms files
    (2, 4, 0.0001, 1000, workers.MAX_CHUNK),  # capped
    (2, 4, 0.2, 1000, 1),  # slow files go one by one
    (2, 4, 0.005, 40, 40 // (2 * 2 * workers.QUEUED_PER_WORKER)),  # the tail is shared out
    (2, 4, 0.005, 5, 1),
    (1, 2, 0.0, 1000, workers.MAX_CHUNK),  # files that took no measurable time
])
def test_chunk_size(workers_, timed, per_file_s, remaining, expected):
    sizer = ChunkSizer(workers_)
    for _ in range(timed):
        sizer.observe(_res(per_file_s))
    assert sizer.size(remaining) == expected


def crashing(src: SourceFile) -> FileResult:
    if Path(src.rel_path).stem == "zz_crash":
        os._exit(3)
    return process_file(src)


def test_a_worker_dying_mid_chunk_fails_only_its_file(tmp_path, monkeypatch, caplog):
    folder = tmp_path / "in"
    write_corpus(folder, 150)  # the culprit comes after 100 quick files
    (folder / "batch000" / "zz_crash.txt").write_text("crash\n", encoding="utf-8")
    files, _ = discover(folder)
    sizes: list[int] = []
    size = ChunkSizer.size
    monkeypatch.setattr(ChunkSizer, "size", lambda self, n: sizes.append(size(self, n)) or
                        sizes[-1])
    results: list[FileResult] = []
    run_local(files, 2, Limits(timeout_s=30, memory_mb=1500), results.append, crashing)
    by_path = {r.source.rel_path: r for r in results}
    assert len(results) == len(by_path) == len(files)  # each file exactly once
    assert max(sizes) > 1  # files did travel in chunks
    assert by_path["batch000/zz_crash.txt"].document["status"] == "failed"
    assert "worker reading this file died" in by_path["batch000/zz_crash.txt"].document["error"]
    assert all(r.document["status"] == "ok" for p, r in by_path.items()
               if p != "batch000/zz_crash.txt")
    retried = [r.getMessage() for r in caplog.records if "retrying the" in r.getMessage()]
    assert len(retried) == 1
    assert int(retried[0].split("retrying the ")[1].split()[0]) < len(files) // 2


def test_guarded_chunk_keeps_order_and_times_each_file(tmp_path):
    write_corpus(tmp_path, 3)
    files, _ = discover(tmp_path)
    out = guarded_chunk(tuple(files), 30.0)
    assert [r.source.rel_path for r in out] == [f.rel_path for f in files]
    assert all(r.seconds > 0 for r in out)
