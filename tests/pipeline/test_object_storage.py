"""The output on an object store: a real S3 API (moto in server mode on 127.0.0.1), reached
through s3fs like any bucket, read back with pyarrow over S3.

Skipped only on a developer's machine without the [dev] extras; under CI (``CI`` set) a
missing moto or s3fs is an error, so the object-store path is never silently untested.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pyarrow.fs as pafs
import pytest

import pipeline
from pipeline.__main__ import main
from pipeline.batch.load.manifest import ManifestError, load_manifest
from pipeline.batch.load.storage import FsspecStorage, open_storage
from pipeline.batch.load.write import list_parts
from pipeline.batch.review.report import load_history
from pipeline.batch.run.remote_input import RemoteInput, unsafe_key
from pipeline.batch.run.runner import RunConfig, RunError, run
from schemas import TABLES
from tests.pipeline.batch_corpus import write_corpus


def _require(module: str) -> object:
    if os.environ.get("CI"):
        return importlib.import_module(module)  # CI: an ImportError fails the module
    return pytest.importorskip(module)


moto_server: Any = _require("moto.server")
_require("s3fs")
boto3: Any = _require("boto3")

REPO = Path(__file__).resolve().parents[2]
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
               "AWS_DEFAULT_REGION": "us-east-1"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    saved = {k: os.environ.get(k) for k in CREDENTIALS}
    os.environ.update(CREDENTIALS)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request otherwise
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture
def bucket(endpoint: str, request: pytest.FixtureRequest) -> str:
    storage = open_storage("s3://x", {"endpoint_url": endpoint})
    assert isinstance(storage, FsspecStorage)
    name = "b" + request.node.name.replace("_", "-")[:50].lower().strip("-")
    storage.fs.mkdir(name)
    return name


def options(endpoint: str) -> tuple[tuple[str, str], ...]:
    return (("endpoint_url", endpoint),)


def rows(out: str, endpoint: str) -> dict[str, list[tuple[object, ...]]]:
    """Every table as sorted tuples, read with pyarrow.dataset over S3 (hive partitioning)."""
    host = endpoint.removeprefix("http://")
    s3 = pafs.S3FileSystem(access_key="testing", secret_key="testing", region="us-east-1",
                           endpoint_override=host, scheme="http")
    prefix = out.removeprefix("s3://")
    result = {}
    for name in TABLES:
        table = ds.dataset(f"{prefix}/{name}", filesystem=s3, format="parquet",
                           partitioning="hive").to_table()
        result[name] = sorted(tuple(map(repr, r.values())) for r in table.to_pylist())
    return result


def rows_of_folder(out: Path) -> dict[str, list[tuple[object, ...]]]:
    result = {}
    for name in TABLES:
        table = ds.dataset(out / name, format="parquet", partitioning="hive").to_table()
        result[name] = sorted(tuple(map(repr, r.values())) for r in table.to_pylist())
    return result


def local_rows(folder: Path, tmp_path: Path) -> dict[str, list[tuple[object, ...]]]:
    out = tmp_path / "local"
    run(RunConfig(folder, out, workers=0))
    return rows_of_folder(out)


def test_extract_to_s3_incremental_and_changed(endpoint: str, bucket: str, tmp_path: Path):
    folder = tmp_path / "in"
    write_corpus(folder, 6)
    out = f"s3://{bucket}/out"
    assert main(["extract", str(folder), "--out", out, "--workers", "0", "--progress",
                 "none", "-q", "--commit-every", "1",  # several parts a partition to compact
                 "--storage-option", f"endpoint_url={endpoint}"]) == 0
    assert not Path("s3:").exists()  # no local folder named after the URL
    storage = open_storage(out, dict(options(endpoint)))
    assert storage.exists("_manifest.parquet")
    assert storage.exists("run_report.json")
    assert storage.exists("run_report.html")
    report = json.loads(storage.read_bytes("run_report.json"))
    assert report["review"]["skipped"]  # the review workbook is local-only
    assert report["completion_by_federal_project"]  # read from the parts on S3
    assert not storage.list("review")
    assert not storage.exists("_lock.json")  # released
    assert len(load_manifest(storage).entries) == 6
    expected = local_rows(folder, tmp_path)
    assert rows(out, endpoint) == expected
    loaded = pipeline.load(storage)
    assert len(loaded["documents"]) == 6

    parts_before = list_parts(storage)[0]
    second = run(RunConfig(folder, out, workers=0, storage_options=options(endpoint)))
    assert second.processed == 0
    assert list_parts(storage)[0] == parts_before

    note = sorted(folder.rglob("note_*.txt"))[0]
    note.write_text(note.read_text(encoding="utf-8").replace("не менее", "не более"),
                    encoding="utf-8")
    third = run(RunConfig(folder, out, workers=0, storage_options=options(endpoint)))
    assert third.report["plan"]["changed"] == 1
    assert rows(out, endpoint) == local_rows(folder, tmp_path / "again")
    assert set(list_parts(storage)[0]) - {p for p in list_parts(storage)[0]
                                          if "schema" in p} == load_manifest(
        storage).referenced_parts()
    assert len(load_history(storage)) == 3

    before = rows(out, endpoint)
    n_parts = len(list_parts(storage)[0])
    assert main(["compact", out, "-q", "--storage-option", f"endpoint_url={endpoint}"]) == 0
    assert len(list_parts(storage)[0]) < n_parts
    assert rows(out, endpoint) == before
    assert not storage.exists("_lock.json")


def test_a_second_run_is_refused_while_the_lock_object_is_held(endpoint: str, bucket: str,
                                                               tmp_path: Path):
    folder = tmp_path / "in"
    write_corpus(folder, 1)
    storage = open_storage(f"s3://{bucket}/out", dict(options(endpoint)))
    storage.put("_lock.json", b'{"run_id": "other", "host": "elsewhere", "pid": 1}')
    with pytest.raises(RunError, match="another run"):
        run(RunConfig(folder, f"s3://{bucket}/out", workers=0,
                      storage_options=options(endpoint)))


def test_a_run_killed_after_its_first_commit_is_finished_by_the_next(
        endpoint: str, bucket: str, tmp_path: Path):
    folder = tmp_path / "in"
    write_corpus(folder, 40)
    out = f"s3://{bucket}/out"
    storage = open_storage(out, dict(options(endpoint)))
    args = ["extract", str(folder), "--out", out, "--workers", "1", "--commit-every", "2",
            "--progress", "none", "-q", "--storage-option", f"endpoint_url={endpoint}"]
    code = f"import sys\nimport pipeline.__main__ as cli\nsys.exit(cli.main({args!r}))\n"
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=REPO,
                            env={**os.environ, **CREDENTIALS}, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        committed = 0
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                committed = len(load_manifest(storage).entries)
            except ManifestError:
                committed = 0
            if committed >= 2:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the run finished before it could be killed"
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert 2 <= len(load_manifest(storage).entries) < 40
    assert storage.exists("_lock.json")  # left by the killed run: taken over (pid gone)

    summary = run(RunConfig(folder, out, workers=0, storage_options=options(endpoint)))
    assert summary.processed < 40
    assert len(load_manifest(storage).entries) == 40
    assert rows(out, endpoint) == local_rows(folder, tmp_path)


def test_input_from_s3_downloads_only_what_it_processes(endpoint: str, bucket: str,
                                                        tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch):
    folder = tmp_path / "in"
    write_corpus(folder, 5)
    (folder / "batch000" / "readme.md").write_text("not a report", encoding="utf-8")
    (folder / ".hidden").mkdir()
    (folder / ".hidden" / "x.txt").write_text("hidden", encoding="utf-8")
    fs = open_storage("s3://x", dict(options(endpoint))).fs  # type: ignore[attr-defined]
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        fs.put_file(str(path), f"{bucket}/in/{path.relative_to(folder).as_posix()}")
    fetched: list[str] = []
    real_fetch = RemoteInput.fetch
    monkeypatch.setattr(RemoteInput, "fetch",
                        lambda self, rel: fetched.append(rel) or real_fetch(self, rel))
    url, out = f"s3://{bucket}/in", tmp_path / "out"
    assert main(["extract", url, "--out", str(out), "--workers", "0", "--progress", "none",
                 "-q", "--storage-option", f"endpoint_url={endpoint}"]) == 0
    manifest = load_manifest(out)
    assert sorted(manifest.entries) == sorted(p.relative_to(folder).as_posix()
                                              for p in folder.glob("batch000/*_*"))
    assert manifest.meta["input"] == url
    assert len(fetched) == 5  # each object once: hashed, then read from the same download
    info = fs.info(f"{bucket}/in/batch000/note_00001.txt")
    entry = manifest.entries["batch000/note_00001.txt"]
    assert (entry.size, entry.mtime) == (info["size"], info["LastModified"].timestamp())
    expected = local_rows(folder, tmp_path)
    assert rows_of_folder(out) == expected

    fetched.clear()
    cfg = RunConfig(url, out, workers=0, storage_options=options(endpoint))
    assert run(cfg).processed == 0
    assert fetched == []  # unchanged size and LastModified: nothing downloaded

    time.sleep(1.1)  # LastModified has a resolution of one second
    note = folder / "batch000" / "note_00001.txt"
    note.write_text(note.read_text(encoding="utf-8").replace("не менее", "не более"),
                    encoding="utf-8")
    fs.put_file(str(note), f"{bucket}/in/batch000/note_00001.txt")
    fs.rm_file(f"{bucket}/in/batch000/note_00002.txt")
    (folder / "batch000" / "note_00002.txt").unlink()
    third = run(cfg)
    assert (third.report["plan"]["changed"], third.report["plan"]["deleted"]) == (1, 1)
    assert fetched == ["batch000/note_00001.txt"]
    assert rows_of_folder(out) == local_rows(folder, tmp_path / "again")

    fetched.clear()
    assert run(RunConfig(url, out, workers=0, checksum=True,
                         storage_options=options(endpoint))).processed == 0
    assert len(fetched) == 4  # --checksum: every object downloaded and hashed, none re-read


def test_an_input_url_with_no_objects_is_refused(endpoint: str, bucket: str, tmp_path: Path):
    assert main(["extract", f"s3://{bucket}/nothing", "--out", str(tmp_path / "out"),
                 "-q", "--storage-option", f"endpoint_url={endpoint}"]) == 2
    assert not (tmp_path / "out" / "_manifest.parquet").exists()


def test_input_keys_that_are_not_safe_file_names_are_refused(
        endpoint: str, bucket: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A key with an absolute path or a ``..`` part names a file outside the download folder:
    the run neither reads an existing local file through it nor writes outside the folder."""
    secret = tmp_path / "secret.txt"
    secret.write_text("root-secret-first-line:x:0:0\n", encoding="utf-8")
    downloads = tmp_path / "one" / "two"
    downloads.mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(downloads))  # the download folder's parent
    client = boto3.client("s3", endpoint_url=endpoint)
    report = "Отчёт о реализации национального проекта «Демография»\nГод 2023\n".encode()
    keys = {"in/good.txt": report, f"in/{secret}": report,  # in//tmp/…/secret.txt
            "in/../../escaped.txt": report, "in/a//b.txt": report, "in/a/./c.txt": report}
    for key, body in keys.items():
        client.put_object(Bucket=bucket, Key=key, Body=body)
    stored = {o["Key"] for o in client.list_objects_v2(Bucket=bucket)["Contents"]}
    assert stored == set(keys)  # the store keeps the keys as they are
    out = tmp_path / "out"
    assert main(["extract", f"s3://{bucket}/in", "--out", str(out), "--workers", "0",
                 "--progress", "none", "-q", "--storage-option",
                 f"endpoint_url={endpoint}"]) == 1
    docs = {d["source_path"]: d for d in pipeline.load(out)["documents"].to_dict("records")}
    assert docs["good.txt"]["status"] != "failed"
    for rel in (str(secret), "../../escaped.txt", "a//b.txt", "a/./c.txt"):
        assert docs[rel]["status"] == "failed"
        assert f"object key '{bucket}/in/{rel}' is not a safe file name" in docs[rel]["error"]
    for frame in pipeline.load(out).values():
        assert "root-secret" not in frame.to_csv()
    assert not (tmp_path / "one" / "escaped.txt").exists()
    assert not (tmp_path / "escaped.txt").exists()
    assert secret.read_text(encoding="utf-8").startswith("root-secret")
    assert list(downloads.iterdir()) == []  # the download folder removed


@pytest.mark.parametrize("key", ["/etc/passwd.txt", "../x.txt", "a/../../x.txt", "a//b.txt",
                                 "./a.txt", "a/.", "", "a\\..\\b.txt", "a\0b.txt"])
def test_unsafe_keys_are_never_joined_to_the_download_folder(key: str, tmp_path: Path):
    assert unsafe_key(key) is not None
    with pytest.raises(ValueError, match="refused"):
        RemoteInput(None, "bkt/in", "s3://bkt/in", tmp_path).local(key)


def test_safe_keys_stay_inside_the_download_folder(tmp_path: Path):
    for key in ("a.txt", "sub/b.docx", "..a.txt", "a..b/c.pdf", "отчёт 2023.pdf"):
        assert unsafe_key(key) is None
        local = RemoteInput(None, "bkt/in", "s3://bkt/in", tmp_path).local(key)
        assert local.resolve().is_relative_to(tmp_path.resolve())
