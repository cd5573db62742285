"""Converter process groups and folders left by workers that died are reaped: real processes
in their own session, a real dead pid, real folders."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

import psutil
import pytest

from extractors.converters import group_members, is_running
from extractors.legacy import PGID_FILE, TMP_PREFIX, reap_stale_conversions
from pipeline.batch.run.runner import RunConfig, run


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def _orphan_converter(base: Path, owner: int) -> tuple[Path, subprocess.Popen[bytes]]:
    """A folder as a worker's conversion leaves it, with a 'converter' (a process group of a
    shell and its child, like soffice and soffice.bin) still running."""
    folder = base / f"{TMP_PREFIX}{owner}-abc123"
    (folder / "profile").mkdir(parents=True)
    conv = subprocess.Popen(["sh", "-c", "sleep 600 & sleep 600"], start_new_session=True)
    (folder / PGID_FILE).write_text(str(conv.pid))
    return folder, conv


def test_a_dead_workers_converter_group_is_killed_and_its_folder_removed(tmp_path: Path):
    folder, conv = _orphan_converter(tmp_path, _dead_pid())
    group = [psutil.Process(conv.pid), *psutil.Process(conv.pid).children()]
    live, _ = _orphan_converter(tmp_path, os.getpid())  # a live worker's: kept
    try:
        assert reap_stale_conversions(tmp_path) == 1
        _, alive = psutil.wait_procs(group, timeout=10)
        assert not alive
        assert not folder.exists()
        assert live.exists()
    finally:
        for p in psutil.Process().children(recursive=True):
            if p.is_running() and p.pid != os.getpid():
                p.kill()


def test_a_run_reaps_stale_converters_at_start_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    base = tmp_path / "tmp"
    base.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(base))
    folder, conv = _orphan_converter(base, _dead_pid())
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Отчёт\nГод 2023\n", encoding="utf-8")
    run(RunConfig(tmp_path / "in", tmp_path / "out", workers=0))
    assert conv.wait(timeout=10) != 0  # killed
    assert not folder.exists()


def _zombie_pid() -> tuple[int, subprocess.Popen[bytes]]:
    """A child killed and not yet reaped: a zombie, as a worker SIGKILLed by the run is until
    it is joined."""
    proc = subprocess.Popen(["sleep", "600"])
    proc.kill()
    for _ in range(500):
        if psutil.Process(proc.pid).status() == psutil.STATUS_ZOMBIE:
            break
        time.sleep(0.01)
    return proc.pid, proc


def test_when_the_reaper_returns_no_member_of_the_group_runs(tmp_path: Path):
    folder, conv = _orphan_converter(tmp_path, _dead_pid())
    try:
        assert group_members(conv.pid)  # the shell and its sleeping child
        assert reap_stale_conversions(tmp_path) == 1
        assert group_members(conv.pid) == []  # at once: nothing outlives the run's clean-up
        assert not folder.exists()
    finally:
        conv.wait(timeout=10)


def test_a_zombie_workers_conversions_are_stale(tmp_path: Path):
    zombie, proc = _zombie_pid()
    folder, conv = _orphan_converter(tmp_path, zombie)
    try:
        assert not is_running(zombie)
        assert reap_stale_conversions(tmp_path) == 1
        assert not folder.exists()
        assert group_members(conv.pid) == []
    finally:
        proc.wait(timeout=10)
        conv.wait(timeout=10)


def test_running_means_not_gone_and_not_a_zombie():
    zombie, proc = _zombie_pid()
    try:
        assert is_running(os.getpid())
        assert not is_running(zombie)
        assert not is_running(_dead_pid())
    finally:
        proc.wait(timeout=10)
