"""SIGTERM takes the interrupt path, and workers die with their parent: real runs in real
processes, real signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import psutil

from pipeline.batch.load.manifest import load_manifest
from tests.pipeline.batch_corpus import write_corpus
from tests.pipeline.live_runs import workers_once_committing

REPO = Path(__file__).resolve().parents[2]


def _start_cli(folder: Path, out: Path) -> subprocess.Popen[str]:
    """The CLI's main() with a slow stand-in task, two workers, a commit every 2 files."""
    code = (
        "import sys\n"
        "import pipeline.__main__ as cli, pipeline.batch.run.runner as r\n"
        "from tests.pipeline.test_batch_resilience import slow\n"
        "real = r.run\n"
        "cli.run = lambda cfg, progress: real(cfg, progress=progress, task=slow)\n"
        f"sys.exit(cli.main(['extract', {str(folder)!r}, '--out', {str(out)!r}, "
        "'--workers', '2', '--commit-every', '2', '--progress', 'none']))\n"
    )
    return subprocess.Popen([sys.executable, "-c", code], cwd=REPO, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def _all_gone(procs: list[psutil.Process], within: float = 10.0) -> bool:
    """Whether every process ended within ``within`` seconds (those left are killed, so a
    failing test leaves nothing running)."""
    _, alive = psutil.wait_procs(procs, timeout=within)
    for p in alive:
        p.kill()
    return not alive


def test_sigterm_stops_workers_keeps_commits_and_exits_143(tmp_path: Path):
    folder, out = tmp_path / "in", tmp_path / "out"
    write_corpus(folder, 300)
    proc = _start_cli(folder, out)
    workers = workers_once_committing(proc, out)
    proc.send_signal(signal.SIGTERM)  # the run alone, not its process group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143
    assert "terminated (SIGTERM)" in err
    assert "run interrupted:" in err
    assert _all_gone(workers)
    committed = len(load_manifest(out).entries)
    assert 4 <= committed < 300
    again = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(folder), "--out",
                            str(out), "--workers", "2", "--progress", "none"], cwd=REPO,
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert len(load_manifest(out).entries) == 300


def test_sigint_stops_workers_keeps_commits_and_exits_130(tmp_path: Path):
    folder, out = tmp_path / "in", tmp_path / "out"
    write_corpus(folder, 300)
    proc = _start_cli(folder, out)
    workers = workers_once_committing(proc, out)
    proc.send_signal(signal.SIGINT)  # as Ctrl-C, but to the run alone
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "interrupted; committed results are kept" in err
    assert _all_gone(workers)
    assert 4 <= len(load_manifest(out).entries) < 300


def test_workers_die_with_a_run_killed_by_sigkill(tmp_path: Path):
    folder, out = tmp_path / "in", tmp_path / "out"
    write_corpus(folder, 300)
    proc = _start_cli(folder, out)
    workers = workers_once_committing(proc, out)
    os.kill(proc.pid, signal.SIGKILL)  # no handler runs: only the kernel can end the workers
    proc.communicate(timeout=60)
    assert _all_gone(workers), [w.pid for w in workers if w.is_running()]
