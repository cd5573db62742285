"""Hostile file systems: links out of the input folder, loops, dangling links, FIFOs, devices,
sockets and names that are not UTF-8, all built for real in tmp_path."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import pipeline
from pipeline.batch.load.manifest import load_manifest
from pipeline.batch.run.discover import NotRegularFile, discover, file_digest
from pipeline.batch.run.runner import RunConfig, run

REPO = Path(__file__).resolve().parents[2]
REPORT = "Отчёт о реализации национального проекта «Демография»\nГод 2023\n"
SECRET = "root-secret-first-line:x:0:0"


def _docs(out: Path) -> dict[str, dict[str, object]]:
    return {d["source_path"]: d for d in pipeline.load(out)["documents"].to_dict("records")}


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """An input folder with one good report and one entry of every kind that must not be read."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "passwd.txt").write_text(f"{SECRET}\nsecond line\n", encoding="utf-8")
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "good.txt").write_text(REPORT, encoding="utf-8")
    (folder / "sub" / "inner.txt").write_text(REPORT.replace("2023", "2022"), encoding="utf-8")
    (folder / "link_in.txt").symlink_to(folder / "sub" / "inner.txt")
    (folder / "link_out.txt").symlink_to(outside / "passwd.txt")
    (folder / "loop_a.txt").symlink_to(folder / "loop_b.txt")
    (folder / "loop_b.txt").symlink_to(folder / "loop_a.txt")
    (folder / "self.txt").symlink_to(folder / "self.txt")
    (folder / "dangling.txt").symlink_to(folder / "gone.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "folder_link.pdf").symlink_to(folder / "sub")
    os.mkfifo(folder / "fifo.txt")
    sock = socket.socket(socket.AF_UNIX)
    cwd = os.getcwd()
    os.chdir(folder)  # a relative bind: tmp_path can exceed the 108 bytes of sun_path
    try:
        sock.bind("socket.txt")
    finally:
        os.chdir(cwd)
    sock.close()
    return folder


EXPECTED = {
    "link_out.txt": "symbolic link to a file outside the input folder: not read",
    "loop_a.txt": "symbolic link in a loop (it leads back to itself): not read",
    "loop_b.txt": "symbolic link in a loop (it leads back to itself): not read",
    "self.txt": "symbolic link in a loop (it leads back to itself): not read",
    "dangling.txt": "dangling symbolic link (its target does not exist): not read",
    "zero.txt": "symbolic link to a character device outside the input folder: not read",
    "folder_link.pdf": "symbolic link to a folder: not read",
    "fifo.txt": "a named pipe (FIFO), not a regular file: not read",
    "socket.txt": "a socket, not a regular file: not read",
}


def test_discovery_lists_every_entry_that_is_not_read_with_its_reason(hostile: Path):
    files, _ = discover(hostile)
    by_rel = {f.rel_path: f for f in files}
    assert {rel: f.refused for rel, f in by_rel.items() if f.refused} == EXPECTED
    assert by_rel["good.txt"].refused is None
    link_in = by_rel["link_in.txt"]
    assert link_in.refused is None
    assert link_in.path == (hostile / "sub" / "inner.txt").resolve()
    assert link_in.doc_id == by_rel["sub/inner.txt"].doc_id


def test_the_run_gives_failed_rows_and_reads_nothing_outside(hostile: Path, tmp_path: Path):
    """Run as a real CLI process with a deadline: a FIFO or /dev/zero that were opened would
    block or stream forever."""
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(hostile), "--out",
                           str(out), "--workers", "1", "--progress", "none"], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr  # the refused entries failed in this run
    docs = _docs(out)
    for rel, reason in EXPECTED.items():
        assert docs[rel]["status"] == "failed"
        assert docs[rel]["error"] == reason
        assert docs[rel]["title"] is None
    assert docs["good.txt"]["status"] != "failed"
    assert docs["link_in.txt"]["status"] != "failed"
    tables = pipeline.load(out)
    for frame in tables.values():
        assert SECRET not in frame.to_csv()
    assert "symbolic link to a file outside the input folder" in proc.stderr

    again = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(hostile),
                            "--out", str(out), "--json", "--progress", "none"], cwd=REPO,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["plan"] == {"unchanged": 12, "deleted": 0, "touched": 0}
    assert set(load_manifest(out).entries) == set(docs)


def test_follow_symlinks_reads_a_link_out_of_the_folder(hostile: Path, tmp_path: Path):
    out = tmp_path / "out"
    run(RunConfig(hostile, out, workers=0, follow_symlinks=True))
    docs = _docs(out)
    assert docs["link_out.txt"]["status"] != "failed"
    assert docs["link_out.txt"]["title"] == SECRET
    assert docs["zero.txt"]["status"] == "failed"  # a device stays refused


def test_hashing_refuses_a_fifo_without_blocking(tmp_path: Path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(NotRegularFile, match="named pipe"):
        file_digest(fifo)


def test_a_fifo_given_as_the_input_gets_a_row(tmp_path: Path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    files, _ = discover(fifo)
    assert [(f.rel_path, f.refused) for f in files] == [
        ("pipe.txt", "a named pipe (FIFO), not a regular file: not read")]


def _bad_name_folder(tmp_path: Path) -> Path:
    """Files whose names are cp1251 / latin-1 bytes, not UTF-8, in a folder of that kind too."""
    folder = tmp_path / "in"
    folder.mkdir()
    raw = os.fsencode(folder)
    os.mkdir(raw + b"/\xd0\xe0\xe9\xee\xed")  # "Район" in cp1251
    with open(raw + b"/r\xe9port.txt", "w", encoding="utf-8") as fh:
        fh.write(REPORT)
    with open(raw + b"/\xd0\xe0\xe9\xee\xed/empty.txt", "wb"):
        pass
    (folder / "plain.txt").write_text(REPORT, encoding="utf-8")
    return folder


def test_names_that_are_not_utf8_are_stored_escaped_and_read(tmp_path: Path):
    folder = _bad_name_folder(tmp_path)
    out = tmp_path / "out"
    summary = run(RunConfig(folder, out, workers=1))
    docs = _docs(out)
    assert set(docs) == {"r\\xe9port.txt", "\\xd0\\xe0\\xe9\\xee\\xed/empty.txt", "plain.txt"}
    assert docs["r\\xe9port.txt"]["status"] != "failed"  # read by its real bytes
    assert docs["r\\xe9port.txt"]["doc_id"] == docs["plain.txt"]["doc_id"]
    assert docs["\\xd0\\xe0\\xe9\\xee\\xed/empty.txt"]["status"] == "failed"
    assert summary.processed == 3
    again = run(RunConfig(folder, out, workers=1))  # the manifest keys match: nothing to do
    assert again.processed == 0
    assert again.report["plan"]["unchanged"] == 3


def test_an_input_folder_whose_name_is_not_utf8_runs(tmp_path: Path):
    raw = os.fsencode(tmp_path) + b"/\xe9in"
    os.mkdir(raw)
    folder = Path(os.fsdecode(raw))
    (folder / "plain.txt").write_text(REPORT, encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "pipeline", "extract", raw, "--out",
                           str(out), "--progress", "none"], cwd=REPO, capture_output=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert set(_docs(out)) == {"plain.txt"}
    assert load_manifest(out).meta["input"].endswith("/\\xe9in")
