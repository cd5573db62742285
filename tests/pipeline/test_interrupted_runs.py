"""A run ended by SIGTERM leaves nothing running and no converter folder, with either engine:
real runs in real processes, a real LibreOffice conversion, real signals, processes counted
afterwards."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from extractors.legacy import TMP_PREFIX
from pipeline.batch.load.manifest import load_manifest
from tests.extractors.test_converter_limits import gone, huge_odt, soffice_running, wait_for_soffice
from tests.pipeline.batch_corpus import write_corpus
from tests.pipeline.live_runs import workers_once_committing

REPO = Path(__file__).resolve().parents[2]


def _cli(args: list[str], tmpdir: Path | None = None, task: str | None = None
         ) -> subprocess.Popen[str]:
    """``python -m pipeline extract ARGS`` (with a stand-in ``task`` from the resilience
    tests when named), its temporary folders under ``tmpdir``."""
    env = {**os.environ, **({"TMPDIR": str(tmpdir)} if tmpdir else {})}
    code = (
        "import sys\n"
        "import pipeline.__main__ as cli, pipeline.batch.run.runner as r\n"
        + (f"from tests.pipeline.test_batch_resilience import {task}\n"
           "real = r.run\n"
           f"cli.run = lambda cfg, progress: real(cfg, progress=progress, task={task})\n"
           if task else "")
        + f"sys.exit(cli.main({['extract', *args, '--progress', 'none']!r}))\n"
    )
    return subprocess.Popen([sys.executable, "-c", code], cwd=REPO, env=env,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


@pytest.mark.soffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize(("signum", "code", "words"), [
    (signal.SIGTERM, 143, "terminated (SIGTERM)"), (signal.SIGINT, 130, "interrupted;")],
    ids=["sigterm", "sigint"])
def test_a_signal_mid_conversion_leaves_no_converter_and_no_folder(
        tmp_path: Path, signum: int, code: int, words: str):
    private = tmp_path / "tmp"
    private.mkdir()
    folder = tmp_path / "in"
    write_corpus(folder, 3)
    huge_odt(folder / "huge.odt")  # converts for minutes under the default cap
    proc = _cli([str(folder), "--out", str(tmp_path / "out"), "--workers", "1"], private)
    try:
        converters = wait_for_soffice(str(private), within=120)
        group = [p for p in psutil.process_iter()
                 if p.pid != proc.pid and _pgid(p.pid) == os.getpgid(converters[0].pid)]
        assert len(group) >= 3  # the supervisor, soffice (oosplash) and soffice.bin
        workers = psutil.Process(proc.pid).children()
        proc.send_signal(signum)  # the run alone, as kill does (Ctrl-C would reach the group)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == code, err
    assert words in err
    assert gone(group + workers)
    assert not soffice_running(str(private))
    assert not list(private.glob(f"{TMP_PREFIX}*"))


def test_sigterm_of_a_dask_run_takes_the_interrupt_path(tmp_path: Path):
    pytest.importorskip("distributed")
    folder, out = tmp_path / "in", tmp_path / "out"
    write_corpus(folder, 300)
    proc = _cli([str(folder), "--out", str(out), "--workers", "2", "--engine", "dask",
                 "--commit-every", "2"], task="slow")
    try:
        workers = workers_once_committing(proc, out, timeout_s=180)  # the LocalCluster's
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=90)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 143, err
    assert "terminated (SIGTERM)" in err
    assert "run interrupted:" in err
    assert gone(workers), [w.pid for w in workers if w.is_running()]
    assert 4 <= len(load_manifest(out).entries) < 300


def _pgid(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except ProcessLookupError:
        return None
