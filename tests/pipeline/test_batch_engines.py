"""The Dask engine writes the same datasets as the local process pool, row for row."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from pipeline.batch.run.runner import RunConfig, run
from pipeline.process import FileResult, process_file
from pipeline.sources import SourceFile
from tests.pipeline.batch_corpus import copy_seeds, snapshot, write_corpus

distributed = pytest.importorskip("distributed")


def spin(src: SourceFile) -> FileResult:
    """A file whose reader loops forever in Python code."""
    if Path(src.rel_path).stem == "spin":
        while True:
            time.sleep(0)
    return process_file(src)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("engines") / "in"
    copy_seeds(folder)
    write_corpus(folder, 16)
    (folder / "empty.docx").write_bytes(b"")
    return folder


def test_local_cluster_output_equals_local_engine(corpus: Path, tmp_path: Path):
    local, dask = tmp_path / "local", tmp_path / "dask"
    run(RunConfig(corpus, local, workers=2, commit_every=5))
    summary = run(RunConfig(corpus, dask, workers=2, engine="dask", commit_every=5))
    assert summary.processed == 22
    assert summary.report["engine"] == "dask"
    assert snapshot(dask) == snapshot(local)


def test_existing_scheduler_and_soft_time_limit(corpus: Path, tmp_path: Path):
    folder = tmp_path / "in"
    write_corpus(folder, 3)
    (folder / "spin.txt").write_text("spin\n", encoding="utf-8")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        # 8 s: a worker's first file loads the names (gazetteer, catalog) inside its limit,
        # which on two loaded cores took over 3 s
        cfg = RunConfig(folder, tmp_path / "out", engine="dask", timeout_s=8,
                        scheduler=cluster.scheduler_address)
        summary = run(cfg, task=spin)
    assert [f["path"] for f in summary.report["failures"]] == ["spin.txt"]
    assert "time limit of 8 s" in summary.report["failures"][0]["reason"]
    assert summary.by_status["ok"] == 3


def test_unreachable_scheduler_is_an_engine_error(corpus: Path, tmp_path: Path):
    import dask

    from pipeline.__main__ import main

    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
            code = main(["extract", str(corpus), "--out", str(tmp_path / "out"), "--engine",
                     "dask", "--scheduler", "tcp://127.0.0.1:9", "--progress", "none"])
    assert code == 2
