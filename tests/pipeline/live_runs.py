"""Helpers for tests that signal a real CLI run while it works."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import psutil

from pipeline.batch.load.manifest import ManifestError, load_manifest


def workers_once_committing(proc: subprocess.Popen[str], out: Path, timeout_s: float = 120,
                            ) -> list[psutil.Process]:
    """The processes under ``proc`` once its run has committed a few files (at least two:
    its workers), failing when the run ends before that."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if len(load_manifest(out).entries) >= 4:
                break
        except ManifestError:
            pass
        time.sleep(0.02)
    assert proc.poll() is None, "the run finished before it could be signalled"
    workers = psutil.Process(proc.pid).children(recursive=True)
    assert len(workers) >= 2
    return workers
