"""Converters run under a memory cap and die with their worker: real LibreOffice and pdftoppm
processes, a real SIGKILL of the worker, processes counted afterwards."""

from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import signal
import tempfile
import time
import zipfile
from pathlib import Path

import psutil
import pytest

from extractors import legacy, ocr
from extractors.converters import Bounds, address_space_mb
from extractors.errors import ResourceLimit
from extractors.legacy import TMP_PREFIX, reap_stale_conversions
from pipeline.batch.run.runner import RunConfig, run
from pipeline.load import read_table
from tests.soffice import soffice_convert

needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)
SMALL_MB = 128  # the smallest --memory-mb: a converter cap of 640 MiB

ODT_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office='
    '"urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text='
    '"urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    "<office:body><office:text>"
)
ODT_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
    '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type='
    '"application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:full-path='
    '"content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
)


def huge_odt(path: Path, paragraphs: int = 300_000) -> Path:
    """An ODT whose content.xml is ~48 MB of paragraphs (0.9 MB zipped): LibreOffice needs
    well over a 640 MiB address space for it, and minutes to convert it uncapped."""
    para = "<text:p>Показатель {}: доля обучающихся, охваченных программами, не менее 75 %</text:p>"
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("META-INF/manifest.xml", ODT_MANIFEST)
        with z.open("content.xml", "w", force_zip64=True) as f:
            f.write(ODT_HEAD.encode())
            for i in range(paragraphs):
                f.write(para.format(i).encode())
            f.write(b"</office:text></office:body></office:document-content>")
    return path


@pytest.fixture
def normal_doc(make_docx, tmp_path: Path) -> Path:
    rows = [["Показатель", "План", "Факт"]] + [[f"Доля школ {i}", "50%", "52%"] for i in range(40)]
    docx_path = make_docx(name="normal.docx", paragraphs=("Отчет за 2021 год",) * 50,
                          tables=((rows, []),), after=("Начальник управления",) * 50)
    return soffice_convert(docx_path, "doc", tmp_path / "in")


def soffice_running(marker: str) -> list[psutil.Process]:
    """LibreOffice processes whose command line names ``marker`` (a test's own folder)."""
    found = []
    for p in psutil.process_iter(["name", "cmdline"]):
        cmd = " ".join(p.info["cmdline"] or ())
        if p.info["name"] in ("soffice.bin", "oosplash") and marker in cmd:
            found.append(p)
    return found


def wait_for_soffice(marker: str, within: float = 60.0) -> list[psutil.Process]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        procs = [p for p in soffice_running(marker) if p.info["name"] == "soffice.bin"]
        if procs:
            return procs
        time.sleep(0.1)
    raise AssertionError("LibreOffice did not start")


def gone(procs: list[psutil.Process], within: float = 10.0) -> bool:
    """Whether all of ``procs`` ended within ``within`` s (the rest are killed)."""
    _, alive = psutil.wait_procs(procs, timeout=within)
    for p in alive:
        p.kill()
    return not alive


def test_the_cap_is_the_memory_limit_plus_headroom():
    assert address_space_mb(SMALL_MB) == 640
    assert address_space_mb(2048) == 2560


@pytest.mark.soffice
@needs_soffice
def test_a_normal_doc_converts_under_the_smallest_cap(normal_doc: Path):
    doc = legacy.extract(normal_doc, memory_mb=SMALL_MB)
    assert len(doc.tables) == 1
    assert doc.tables[0].grid()[1] == ["Доля школ 0", "50%", "52%"]


@pytest.mark.soffice
@needs_soffice
def test_a_huge_odt_runs_out_of_memory_under_the_cap(tmp_path: Path):
    odt = huge_odt(tmp_path / "huge.odt")
    # the cap stops it, not the time limit (that would say "took longer than … and was stopped")
    with pytest.raises(ResourceLimit, match=r"converter ran out of memory.*LibreOffice"):
        legacy.extract(odt, memory_mb=SMALL_MB)


@pytest.mark.soffice
@needs_soffice
def test_a_run_gives_the_huge_odt_a_failed_row_and_reads_the_rest(
        tmp_path: Path, normal_doc: Path, monkeypatch: pytest.MonkeyPatch):
    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    folder = normal_doc.parent
    huge_odt(folder / "huge.odt")
    summary = run(RunConfig(folder, tmp_path / "out", workers=0, memory_mb=SMALL_MB))
    rows = {r["source_path"]: r for r in
            read_table(tmp_path / "out", "documents", ["source_path", "status", "error"])
            .to_pylist()}
    assert rows["huge.odt"]["status"] == "failed"
    assert rows["huge.odt"]["error"].startswith("converter ran out of memory")
    assert "640 MiB" in rows["huge.odt"]["error"]
    assert rows["normal.doc"]["status"] == "ok"
    assert summary.by_status == {"failed": 1, "ok": 1}
    assert not soffice_running(str(private))
    assert not list(private.glob(f"{TMP_PREFIX}*"))


def test_a_page_pdftoppm_cannot_render_under_the_cap_is_out_of_memory(tmp_path: Path):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is not installed")
    from reportlab.pdfgen import canvas

    pdf = tmp_path / "page.pdf"
    c = canvas.Canvas(str(pdf))
    c.drawString(72, 720, "page")
    c.save()
    assert ocr._render(pdf, 1, 72, tmp_path, Bounds(60, SMALL_MB)).shape[0] > 0
    with pytest.raises(ResourceLimit, match="converter ran out of memory: pdftoppm"):
        ocr._render(pdf, 1, 2000, tmp_path, Bounds(60, SMALL_MB))  # ~0.5 GB of pixels


def _convert_in_worker(odt: str, private: str) -> None:
    tempfile.tempdir = private
    legacy.extract(Path(odt))


@pytest.mark.soffice
@needs_soffice
def test_a_worker_killed_mid_conversion_leaves_no_libreoffice(tmp_path: Path):
    private = tmp_path / "tmp"
    private.mkdir()
    odt = huge_odt(tmp_path / "huge.odt")  # uncapped: converts for minutes
    worker = mp.get_context("fork").Process(target=_convert_in_worker,
                                             args=(str(odt), str(private)))
    worker.start()
    try:
        procs = wait_for_soffice(str(private))
        assert worker.pid is not None
        group = [p for p in psutil.process_iter() if _pgid(p.pid) == os.getpgid(procs[0].pid)]
        assert len(group) >= 3  # the supervisor, soffice (oosplash) and soffice.bin
        os.kill(worker.pid, signal.SIGKILL)
        worker.join(10)
        assert gone(group), [p.info for p in soffice_running(str(private))]
        assert reap_stale_conversions(private) == 1  # what the run does at its end
        assert not list(private.glob(f"{TMP_PREFIX}*"))
    finally:
        if worker.is_alive():
            worker.kill()
        gone(soffice_running(str(private)), 0)


def _pgid(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except ProcessLookupError:
        return None
