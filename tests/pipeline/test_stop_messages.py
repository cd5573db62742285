"""What a run says when it cannot go on: a commit that fails (the disk full) reports the files
really committed; an overrides file past its size limit and an unreachable Dask scheduler stop
the run at once (exit 2), before anything is created in the output folder."""

from __future__ import annotations

import errno
import logging
import socket
import time
from pathlib import Path
from typing import Any

import pytest

import pipeline.batch.load.commit as commit_mod
from pipeline.__main__ import main
from pipeline.batch.load.manifest import load_manifest
from pipeline.batch.run.config import MAX_OVERRIDES_MB
from tests.pipeline.batch_corpus import write_corpus

QUIET = ["--workers", "0", "--progress", "none", "--compact-threshold", "0"]


def test_a_failed_commit_reports_what_is_committed(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  caplog: pytest.LogCaptureFixture):
    write_corpus(tmp_path / "in", 6)
    real = commit_mod.install
    calls: list[int] = []

    def disk_full_at_the_second_batch(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(commit_mod, "install", disk_full_at_the_second_batch)
    assert main(["extract", str(tmp_path / "in"), "--out", str(tmp_path / "out"),
                 "--commit-every", "2", *QUIET]) == 2
    assert len(load_manifest(tmp_path / "out").entries) == 2
    assert "2 file(s) of this run committed, 4 left for the next run" in caplog.text
    assert "No space left on device" in caplog.text


def test_an_overrides_file_past_the_limit_is_refused(tmp_path: Path,
                                                    caplog: pytest.LogCaptureFixture):
    write_corpus(tmp_path / "in", 1)
    big = tmp_path / "overrides.csv"
    with big.open("wb") as fh:  # sparse: the size is what counts, it is never read
        fh.write(b"raw_name,canonical,note\n")
        fh.truncate((MAX_OVERRIDES_MB << 20) + 1)
    assert main(["extract", str(tmp_path / "in"), "--out", str(tmp_path / "out"),
                 "--overrides", str(big), *QUIET]) == 2
    assert f"over the limit of {MAX_OVERRIDES_MB} MiB" in caplog.text
    assert not (tmp_path / "out").exists()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port  # nothing listens once the socket is closed


def test_an_unreachable_scheduler_stops_the_run_before_the_output_exists(
        tmp_path: Path, caplog: pytest.LogCaptureFixture):
    write_corpus(tmp_path / "in", 1)
    t0 = time.monotonic()
    with caplog.at_level(logging.ERROR):
        assert main(["extract", str(tmp_path / "in"), "--out", str(tmp_path / "out"),
                     "--engine", "dask", "--scheduler", f"tcp://127.0.0.1:{_closed_port()}",
                     "--progress", "none"]) == 2
    assert time.monotonic() - t0 < 10
    assert "cannot reach the scheduler" in caplog.text
    assert not (tmp_path / "out").exists()
