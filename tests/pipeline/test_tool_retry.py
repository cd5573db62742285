"""A file that failed because a converter was missing is read again by itself once the
converter is installed: real CLI runs whose PATH lacks soffice, then has one (a shim that
"converts" by copying a DOCX, as LibreOffice would write it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import pipeline
from extractors import ocr
from extractors.tools import Tool, tool_available
from pipeline.batch.load.manifest import Entry, Manifest, Stamp, load_manifest, plan
from pipeline.batch.run.discover import discover
from pipeline.batch.run.runner import RunConfig, run
from pipeline.process import process_file
from pipeline.sources import SourceFile

REPO = Path(__file__).resolve().parents[2]
SHIM = """#!{python}
# stand-in for LibreOffice: copies $FAKE_SOFFICE_DOCX to OUTDIR/<source name>.docx (Python,
# not sh: the PATH it runs with may lack /usr/bin)
import os, shutil, sys
args = sys.argv[1:]
outdir = args[args.index("--outdir") + 1]
os.makedirs(outdir, exist_ok=True)
stem = os.path.splitext(os.path.basename(args[-1]))[0]
shutil.copyfile(os.environ["FAKE_SOFFICE_DOCX"], os.path.join(outdir, stem + ".docx"))
"""


def _path_without_soffice() -> str:
    """PATH without the folders holding a real LibreOffice launcher."""
    keep = [d for d in os.environ.get("PATH", "").split(os.pathsep)
            if d and not any(os.access(os.path.join(d, n), os.X_OK)
                             for n in ("soffice", "libreoffice"))]
    return os.pathsep.join(keep)


def _cli(folder: Path, out: Path, path: str, docx: Path, *extra: str
         ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": path, "FAKE_SOFFICE_DOCX": str(docx)}
    return subprocess.run([sys.executable, "-m", "pipeline", "extract", str(folder), "--out",
                           str(out), "--workers", "1", "--progress", "none", *extra], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=300)


def test_a_file_failed_for_want_of_soffice_is_retried_once_it_is_there(
        tmp_path: Path, make_docx: Callable[..., Path]):
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    (folder / "note.rtf").write_bytes(rb"{\rtf1\ansi Hello}")
    (folder / "other.rtf").write_bytes(rb"{\rtf1\ansi Other}")
    docx = make_docx(name="converted.docx", paragraphs=(
        "Пояснительная записка", "к реализации национального проекта «Образование»"))
    bare = _path_without_soffice()

    first = _cli(folder, out, bare, docx)
    assert first.returncode == 1, first.stderr
    assert "note.rtf: failed: RTF needs LibreOffice to be read" in first.stderr
    entries = load_manifest(out).entries
    assert {e.missing_tool for e in entries.values()} == {"soffice"}
    assert {e.status for e in entries.values()} == {"failed"}

    still = _cli(folder, out, bare, docx)  # not there yet: not read again, nothing failed
    assert still.returncode == 0, still.stderr
    assert "processed: nothing to do" in still.stdout

    shim_dir = tmp_path / "bin"
    shim_dir.mkdir()
    (shim_dir / "soffice").write_text(SHIM.format(python=sys.executable), encoding="utf-8")
    (shim_dir / "soffice").chmod(0o755)
    with_tool = f"{shim_dir}{os.pathsep}{bare}"
    dry = _cli(folder, out, with_tool, docx, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines()[:2] == ["tool_available\tnote.rtf",
                                          "tool_available\tother.rtf"]

    second = _cli(folder, out, with_tool, docx)  # no --retry-failed
    assert second.returncode == 0, second.stderr
    assert "2 file(s) that failed for want of a converter are read again" in second.stderr
    docs = pipeline.load(out)["documents"].set_index("source_path")
    assert set(docs["status"]) == {"ok"}
    assert set(docs["format"]) == {"rtf"}
    entries = load_manifest(out).entries
    assert {e.missing_tool for e in entries.values()} == {""}
    assert {e.status for e in entries.values()} == {"ok"}


def _entry(src: SourceFile, missing_tool: str) -> Entry:
    return Entry(src.rel_path, src.doc_id, src.size, src.mtime, "pdf", "failed", "no OCR",
                 "v", 1, 0, 0.0, missing_tool=missing_tool)


def test_the_plan_retries_only_files_whose_tool_is_available_now(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    for name in ("a.pdf", "b.pdf", "c.pdf", "d.pdf"):
        (tmp_path / name).write_bytes(name.encode())
    files, _ = discover(tmp_path)
    tools = {"a.pdf": "tesseract", "b.pdf": "pdftoppm", "c.pdf": "", "d.pdf": "from-the-future"}
    manifest = Manifest({f.rel_path: _entry(f, tools[f.rel_path]) for f in files},
                        {"run_seq": "1"})
    todo = plan(manifest, files, Stamp("v"), tool_available=lambda t: t == "tesseract")
    assert todo.reasons == {"a.pdf": "tool_available"}
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    assert plan(manifest, files, Stamp("v"), tool_available=tool_available).reasons == {}
    (bin_dir / "pdftoppm").write_text("#!/bin/sh\n", encoding="utf-8")
    (bin_dir / "pdftoppm").chmod(0o755)
    assert plan(manifest, files, Stamp("v"), tool_available=tool_available).reasons == {
        "b.pdf": "tool_available"}
    retry = plan(manifest, files, Stamp("v"), retry_failed=True)
    assert set(retry.reasons.values()) == {"retry"}


def test_a_scan_without_ocr_tools_records_the_missing_one(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch):
    from tests.extractors.test_pdf import _scan_pdf

    path = _scan_pdf(tmp_path / "scan.pdf", [None])
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm:
        os.symlink(pdftoppm, bin_dir / "pdftoppm")
    monkeypatch.setenv("PATH", str(bin_dir))
    ocr.ocr_unavailable.cache_clear()
    try:
        [src], _ = discover(path)
        res = process_file(src)
    finally:
        ocr.ocr_unavailable.cache_clear()
    assert res.document["status"] == "failed"
    assert "OCR is unavailable" in res.document["error"]
    assert res.missing_tool == (Tool.TESSERACT if pdftoppm else Tool.PDFTOPPM)
    assert not tool_available(res.missing_tool)


def _tool(folder: Path, name: str, body: str) -> None:
    (folder / name).write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    (folder / name).chmod(0o755)


def test_a_long_lived_process_sees_a_tool_installed_between_its_runs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Two runs in one process (an orchestrator's worker, ``workers=0``): the OCR check the
    first run cached must not make the second fail again for want of the tool."""
    from tests.extractors.test_pdf import _scan_pdf

    folder, out, bin_dir = tmp_path / "in", tmp_path / "out", tmp_path / "bin"
    folder.mkdir()
    bin_dir.mkdir()
    _scan_pdf(folder / "scan.pdf", [None])
    _tool(bin_dir, "pdftoppm", "exit 1")  # renders nothing: OCR then fails for another reason
    monkeypatch.setenv("PATH", str(bin_dir))
    ocr.ocr_unavailable.cache_clear()
    try:
        first = run(RunConfig(folder, out, workers=0))
        assert first.failed == 1
        assert load_manifest(out).entries["scan.pdf"].missing_tool == "tesseract"
        _tool(bin_dir, "tesseract", "printf 'List of available languages:\\neng\\nrus\\n'")
        second = run(RunConfig(folder, out, workers=0))
    finally:
        ocr.ocr_unavailable.cache_clear()
    assert second.report["plan"]["tool_available"] == 1
    entry = load_manifest(out).entries["scan.pdf"]
    assert entry.missing_tool == ""
    assert "OCR is unavailable" not in (entry.error or "")
