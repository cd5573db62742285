"""Run ``process_file`` over many files in worker processes with a time and memory limit.

A file that hangs gets a ``failed`` row from the worker's own alarm; a file that blows the
memory budget or crashes the interpreter kills only its worker: the pool is rebuilt and the
files it held are retried one at a time, so the culprit alone is marked ``failed``.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

import psutil

from pipeline.discover import SourceFile
from pipeline.process import FileResult, failed_result, process_file

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 300.0
DEFAULT_MEMORY_MB = 2048
HARD_KILL_GRACE_S = 30.0
WATCH_INTERVAL_S = 0.25


@dataclass(frozen=True, slots=True)
class Limits:
    timeout_s: float = DEFAULT_TIMEOUT_S
    memory_mb: int = DEFAULT_MEMORY_MB


class FileTimeout(Exception):
    """Raised in a worker by its alarm when one file takes longer than the time limit."""


_task_started: list[float] = [0.0]


def _on_alarm(signum: int, frame: Any) -> None:
    raise FileTimeout()


def _watchdog(limits: Limits) -> None:
    """Kill this worker when it outgrows the memory limit or ignores its alarm."""
    proc = psutil.Process()
    limit = limits.memory_mb * 1024 * 1024
    while True:
        time.sleep(WATCH_INTERVAL_S)
        started = _task_started[0]
        if proc.memory_info().rss > limit:
            os._exit(70)
        if started and time.monotonic() - started > limits.timeout_s + HARD_KILL_GRACE_S:
            os._exit(71)


def _init_worker(limits: Limits) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGALRM, _on_alarm)
    threading.Thread(target=_watchdog, args=(limits,), daemon=True).start()


def guarded_process(src: SourceFile, timeout_s: float) -> FileResult:
    """``process_file`` under a SIGALRM time limit (worker main thread only)."""
    _task_started[0] = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, timeout_s)
    t0 = time.perf_counter()
    try:
        return process_file(src)
    except FileTimeout:
        return failed_result(
            src, f"processing took longer than the time limit of {timeout_s:.0f} s; "
            "the file was abandoned", seconds=time.perf_counter() - t0,
        )
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _task_started[0] = 0.0


def _died(src: SourceFile, limits: Limits) -> FileResult:
    return failed_result(
        src, "the worker reading this file died: it exceeded the memory limit of "
        f"{limits.memory_mb} MiB or crashed the reader",
    )


def _pool(workers: int, limits: Limits) -> ProcessPoolExecutor:
    import multiprocessing as mp

    return ProcessPoolExecutor(
        max_workers=workers, mp_context=mp.get_context("fork"),
        initializer=_init_worker, initargs=(limits,),
    )


def _run_pool(files: list[SourceFile], workers: int, limits: Limits,
              on_result: Callable[[FileResult], None]) -> list[SourceFile]:
    """Run files in one pool; return the files lost when a worker died."""
    lost: list[SourceFile] = []
    max_pending = max(2 * workers, 4)
    queue = iter(files)
    pending: dict[Future[FileResult], SourceFile] = {}
    pool = _pool(workers, limits)
    try:
        broken = False
        while True:
            while not broken and len(pending) < max_pending:
                src = next(queue, None)
                if src is None:
                    break
                try:
                    pending[pool.submit(guarded_process, src, limits.timeout_s)] = src
                except BrokenProcessPool:
                    lost.append(src)
                    broken = True
            if not pending:
                break
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                src = pending.pop(fut)
                try:
                    on_result(fut.result())
                except BrokenProcessPool:
                    lost.append(src)
                    broken = True
        if broken:
            lost.extend(queue)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return lost


def run_local(files: Iterable[SourceFile], workers: int, limits: Limits,
              on_result: Callable[[FileResult], None]) -> None:
    """Call ``on_result`` once per file; ``workers=0`` runs in this process (debugging)."""
    files = list(files)
    if workers <= 0:
        for src in files:
            on_result(process_file(src))
        return
    lost = _run_pool(files, workers, limits, on_result)
    if lost:
        log.warning("a worker died; retrying %d file(s) one at a time", len(lost))
    for src in lost:
        if _run_pool([src], 1, limits, on_result):
            on_result(_died(src, limits))
