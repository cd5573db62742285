"""The object store going away under a run (moto's server on 127.0.0.1 stopped mid-run or
before the lock is released): exit 2 with one clear message, no traceback; a store that
comes back within botocore's retries (standard mode, back-off) is not noticed at all."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import pipeline.batch.load.storage as storage_mod
import pipeline.batch.run.runner as run_mod
from pipeline.__main__ import main
from pipeline.batch.load.storage import FsspecStorage, open_storage
from tests.pipeline.batch_corpus import write_corpus

moto_server: Any = pytest.importorskip("moto.server")
pytest.importorskip("s3fs")
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
               "AWS_DEFAULT_REGION": "us-east-1"}
FAST = {"retries": {"max_attempts": 2, "mode": "standard"}, "connect_timeout": 1}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
           ) -> Iterator[tuple[Any, str, str]]:
    for key, value in CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    port = _free_port()
    srv = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    srv.start()
    endpoint = f"http://127.0.0.1:{port}"
    storage = open_storage("s3://x", {"endpoint_url": endpoint})
    assert isinstance(storage, FsspecStorage)
    bucket = "gone-" + request.node.name.replace("_", "-")[:40].lower().strip("-")
    storage.fs.mkdir(bucket)  # moto's state lives as long as the process
    try:
        yield srv, endpoint, f"s3://{bucket}/out"
    finally:
        srv.stop()


def _extract(folder: Path, endpoint: str, out: str) -> int:
    return main(["extract", str(folder), "--out", out, "--workers", "0",
                 "--progress", "none", "--commit-every", "1", "--compact-threshold", "0",
                 "--storage-option", f"endpoint_url={endpoint}"])


def _no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    assert not [r for r in caplog.records if r.exc_info]


def test_the_store_gone_mid_run_is_exit_2_with_one_message(
        server: tuple[Any, str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture):
    srv, endpoint, out = server
    monkeypatch.setattr(storage_mod, "S3_CONFIG", FAST, raising=False)  # two attempts: a quick test
    write_corpus(tmp_path / "in", 5)
    real = run_mod.FileProcessor
    seen: list[object] = []

    class StopsTheStore:
        def __init__(self, settings: Any) -> None:
            self.inner = real(settings)

        def __call__(self, src: Any) -> Any:
            seen.append(src)
            if len(seen) == 3:
                srv.stop()
            return self.inner(src)

    monkeypatch.setattr(run_mod, "FileProcessor", StopsTheStore)
    assert _extract(tmp_path / "in", endpoint, out) == 2
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert "object store" in errors[0]
    assert out in errors[0]
    assert "2 file(s) of this run committed, 3 left" in caplog.text  # not 3: the third failed
    _no_traceback(caplog)


def test_the_store_gone_before_the_lock_is_released(
        server: tuple[Any, str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture):
    srv, endpoint, out = server
    monkeypatch.setattr(storage_mod, "S3_CONFIG", FAST, raising=False)
    write_corpus(tmp_path / "in", 2)
    real = run_mod.write_outputs

    def then_stop(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        srv.stop()
        return result

    monkeypatch.setattr(run_mod, "write_outputs", then_stop)
    assert _extract(tmp_path / "in", endpoint, out) == 0  # everything was committed
    assert "could not release the lock" in caplog.text
    _no_traceback(caplog)


def test_a_store_back_within_the_retries_is_not_noticed(server: tuple[Any, str, str]):
    srv, endpoint, out = server
    storage = open_storage(out, {"endpoint_url": endpoint})
    assert isinstance(storage, FsspecStorage)
    assert storage.fs.config_kwargs["retries"]["mode"] == "standard"
    storage.put("a.bin", b"1")
    srv.stop()
    threading.Timer(0.3, srv.start).start()
    t0 = time.monotonic()
    storage.put("b.bin", b"2")  # refused at first, retried by botocore
    assert storage.read_bytes("b.bin") == b"2"
    assert time.monotonic() - t0 > 0.3
    assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
