"""End-of-run memory of the batch (issue 25 item 6), a part of ``bench/bench_batch.py``.

A whole ``python -m pipeline extract`` with 2 workers over ``--memory-small`` and then
``--memory-files`` files of the deterministic corpus (``tests/pipeline/batch_corpus.py``:
every file adds three distinct indicator names, so the review workbook lists ~3 names a file);
the RSS of the main process alone is sampled every 50 ms (the workers are bounded apart, by
their memory watchdog), the end-of-run steps included: the series, the review workbook, the
run report. Target: the peak at the larger size within ``GROWTH_MAX`` times the peak at the
smaller one.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import psutil

from tests.pipeline.batch_corpus import write_corpus

log = logging.getLogger("bench_batch")

GROWTH_MAX = 1.2
SAMPLE_S = 0.05
BEGIN, END = "<!-- end-of-run memory: begin -->", "<!-- end-of-run memory: end -->"


@dataclass(frozen=True, slots=True)
class MainPeak:
    """One run: its files, the main process's peak RSS and the wall time."""

    files: int
    peak_mib: float
    wall_s: float


def wait_sampling(proc: subprocess.Popen[bytes], rss: Callable[[psutil.Process], int]
                  ) -> tuple[int, int]:
    """Wait for ``proc``, sampling ``rss(process)`` every ``SAMPLE_S``: (exit code, peak)."""
    ps = psutil.Process(proc.pid)
    peak = [0]

    def sample() -> None:
        while proc.poll() is None:
            try:
                peak[0] = max(peak[0], rss(ps))
            except psutil.Error:
                return
            time.sleep(SAMPLE_S)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = proc.wait()
    sampler.join()
    return code, peak[0]


def main_peak(folder: Path, out: Path, root: Path, workers: int = 2) -> MainPeak:
    """A fresh ``pipeline extract`` of ``folder`` into ``out``, sampling its main process."""
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "pipeline", "extract", str(folder), "--out", str(out),
           "--workers", str(workers), "--progress", "none", "-q"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.DEVNULL)
    code, peak = wait_sampling(proc, lambda ps: int(ps.memory_info().rss))
    if code not in (0, 1):  # 1: the run finished, some files failed
        raise RuntimeError(f"{folder}: pipeline exited with {code}")
    m = MainPeak(_count(folder), round(peak / 2**20, 1), round(time.perf_counter() - t0, 1))
    log.info("end-of-run memory: %d files, main process peak %.0f MiB, wall %.0f s",
             m.files, m.peak_mib, m.wall_s)
    return m


def _count(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file())


def _corpus(folder: Path, n_files: int) -> Path:
    """The corpus of ``n_files`` in ``folder``, written unless it is there already (the
    corpus is deterministic: file ``i`` always has the same bytes)."""
    if not folder.is_dir() or _count(folder) != n_files:
        shutil.rmtree(folder, ignore_errors=True)
        write_corpus(folder, n_files)
    return folder


def memory_bench(work: Path, corpora: Path, root: Path, n_files: int, n_small: int
                 ) -> dict[str, Any]:
    """The main process's peak at ``n_small`` and ``n_files`` files and their ratio."""
    small = main_peak(_corpus(corpora / f"c{n_small}", n_small), work / "mem_small", root)
    big = main_peak(_corpus(corpora / f"c{n_files}", n_files), work / "mem_big", root)
    ratio = round(big.peak_mib / small.peak_mib, 3)
    return {"small": asdict(small), "big": asdict(big), "ratio": ratio,
            "check": (f"end-of-run main-process peak {n_files} vs {n_small} files "
                      f"<= {GROWTH_MAX}x"), "ok": ratio <= GROWTH_MAX}


def render_memory(result: dict[str, Any]) -> str:
    small, big = result["small"], result["big"]
    return "\n".join([
        f"{'files':>6} {'main peak MiB':>13} {'wall s':>7}",
        *(f"{m['files']:>6} {m['peak_mib']:>13.0f} {m['wall_s']:>7.0f}" for m in (small, big)),
        f"ratio: {result['ratio']}",
        f"[{'ok' if result['ok'] else 'MISSED'}] {result['check']}"])


def memory_section(result: dict[str, Any], command: str) -> str:
    """The Markdown section of ``BATCH_RESULTS.md`` (between ``BEGIN`` and ``END``)."""
    return "\n".join([
        BEGIN, "## End-of-run memory (main process)", "",
        f"Measured by `{command}` on {dt.date.today().isoformat()}: a whole run with 2 "
        "workers, the main process's RSS sampled every 50 ms (the series, the review "
        "workbook and the run report included). Method: see `bench/batch_memory.py`.", "",
        "```", render_memory(result), "```", END])


def update_section(md: Path, section: str) -> None:
    """Put ``section`` in ``md`` in place of the last one (or at its end)."""
    text = md.read_text(encoding="utf-8") if md.is_file() else ""
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    md.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
