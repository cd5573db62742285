"""A damaged Parquet part (garbage, cut short, gone, another row count) no longer blocks the
output: a run names it, moves it under OUT/_damaged/, reads the files whose rows lived in it
again and goes on; ``compact`` skips it; ``verify`` lists it. Real outputs of real runs."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

import pipeline
from pipeline.__main__ import main
from pipeline.batch.load.manifest import load_manifest
from pipeline.batch.load.storage import FsspecStorage, open_storage
from pipeline.batch.run.runner import RunConfig, preview, run
from tests.pipeline.batch_corpus import snapshot, write_corpus

QUIET = ["--workers", "0", "--progress", "none", "-q", "--compact-threshold", "0"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("damage")
    folder, out = root / "in", root / "out"
    write_corpus(folder, 6)
    run(RunConfig(folder, out, workers=0, commit_every=2, compact_threshold=0))
    return folder, out


@pytest.fixture
def copy(built: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    folder, out = built
    shutil.copytree(folder, tmp_path / "in")
    shutil.copytree(out, tmp_path / "out")
    return tmp_path / "in", tmp_path / "out"


def a_part(out: Path | FsspecStorage, table: str) -> str:
    """A part of ``table`` the manifest names, holding rows of some files."""
    parts = sorted({p for e in load_manifest(out).entries.values()
                    for p in e.parts.get(table, ())})
    assert parts
    return parts[0]


def damaged_files(out: Path) -> list[Path]:
    return sorted((out / "_damaged").rglob("*.parquet"))


def garbage(path: Path) -> None:
    path.write_bytes(b"not parquet at all " * 50)


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


@pytest.mark.parametrize("table", ["documents", "indicators"])
@pytest.mark.parametrize("spoil", [garbage, truncate])
def test_a_run_sets_a_damaged_part_aside_and_reads_its_files_again(
        copy: tuple[Path, Path], built: tuple[Path, Path], table: str, spoil: object,
        caplog: pytest.LogCaptureFixture):
    folder, out = copy
    expected = snapshot(built[1])
    rel = a_part(out, table)
    spoil(out / rel)  # type: ignore[operator]
    todo, _ = preview(RunConfig(folder, out, workers=0))
    assert "damaged" in todo.counts()
    assert main(["extract", str(folder), "--out", str(out), *QUIET]) == 0
    assert rel in caplog.text
    assert "damaged part" in caplog.text
    assert [p.name for p in damaged_files(out)] == [Path(rel).name]  # kept, not deleted
    assert snapshot(out) == expected
    loaded = pipeline.load(out)
    assert len(loaded["documents"]) == 6
    assert len(loaded["indicators"]) == 18
    assert main(["verify", str(out)]) == 0
    assert main(["extract", str(folder), "--out", str(out), *QUIET]) == 0  # nothing left


def test_a_full_run_and_compact_go_past_a_damaged_part(copy: tuple[Path, Path],
                                                       capsys: pytest.CaptureFixture[str]):
    folder, out = copy
    rel = a_part(out, "indicators")
    garbage(out / rel)
    assert main(["compact", str(out), "-q"]) == 0
    assert "skipped damaged part" in capsys.readouterr().out
    assert damaged_files(out)
    garbage(out / a_part(out, "documents"))
    assert main(["extract", str(folder), "--out", str(out), "--full", *QUIET]) == 0
    assert main(["verify", str(out)]) == 0


def test_verify_lists_damaged_parts(copy: tuple[Path, Path], tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]):
    _, out = copy
    assert main(["verify", str(out)]) == 0
    assert "0 damaged" in capsys.readouterr().out
    docs = sorted({p for e in load_manifest(out).entries.values()
                   for p in e.parts["documents"]})
    truncate(out / docs[0])
    other = pq.read_table(out / docs[1])  # a sound Parquet file holding other rows
    pq.write_table(other.slice(0, max(other.num_rows - 1, 0)), out / docs[1])
    (out / docs[2]).unlink()
    assert main(["verify", str(out)]) == 1
    listing = capsys.readouterr().out
    assert all(d in listing for d in docs[:3])
    assert "row(s) where the manifest records" in listing
    assert "missing" in listing
    assert main(["verify", str(tmp_path / "nothing")]) == 2


def test_a_damaged_part_on_an_object_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]):
    moto_server: Any = pytest.importorskip("moto.server")
    pytest.importorskip("s3fs")
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(key, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    srv = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    srv.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        opts = ["--storage-option", f"endpoint_url={endpoint}"]
        storage = open_storage("s3://damaged/out", {"endpoint_url": endpoint})
        assert isinstance(storage, FsspecStorage)
        storage.fs.mkdir("damaged")
        folder = tmp_path / "in"
        write_corpus(folder, 3)
        assert main(["extract", str(folder), "--out", "s3://damaged/out", *QUIET, *opts]) == 0
        rel = a_part(storage, "indicators")
        storage.put(rel, b"garbage" * 20)
        assert main(["verify", "s3://damaged/out", *opts]) == 1
        assert rel in capsys.readouterr().out
        assert main(["extract", str(folder), "--out", "s3://damaged/out", *QUIET, *opts]) == 0
        assert main(["verify", "s3://damaged/out", *opts]) == 0
        assert [p for p in storage.list("_damaged") if p.endswith(rel)]
        assert not storage.exists(rel)
        assert len(pipeline.load(storage)["indicators"]) == 9
    finally:
        srv.stop()
