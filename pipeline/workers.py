"""Run ``process_file`` over many files in worker processes with a time and memory limit.

A file that hangs gets a ``failed`` row from the worker's own alarm; a file that blows the
memory budget, ignores the alarm (stuck in C code) or crashes the interpreter kills only its
worker: the pool is rebuilt and the files it held are retried one at a time, so the culprit
alone is marked ``failed``, with the reason its watchdog left behind.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
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
from schemas.enums import Format
from schemas.validate import validate_rows

log = logging.getLogger(__name__)

# The unit of work: ``process_file`` unless a test passes a module-level stand-in (a file
# that hangs, eats memory or kills its process) to exercise the limits with real processes.
Task = Callable[[SourceFile], FileResult]

DEFAULT_TIMEOUT_S = 300.0
DEFAULT_MEMORY_MB = 2048
HARD_KILL_GRACE_S = 30.0
WATCH_INTERVAL_S = 0.25
MEMORY, STUCK, DASK_DIED = b"memory", b"stuck", b"dask"
QUEUED_PER_WORKER = 8
FORMATS = frozenset(f.value for f in Format)


@dataclass(frozen=True, slots=True)
class Limits:
    timeout_s: float = DEFAULT_TIMEOUT_S
    memory_mb: int = DEFAULT_MEMORY_MB
    grace_s: float = HARD_KILL_GRACE_S  # after the alarm, before the watchdog kills

    def __post_init__(self) -> None:
        if self.timeout_s <= 0:
            raise ValueError(f"timeout_s must be > 0, got {self.timeout_s}")
        if self.grace_s <= 0:
            raise ValueError(f"grace_s must be > 0, got {self.grace_s}")


class FileTimeout(BaseException):
    """Raised in a worker when one file takes longer than the time limit.

    A BaseException, so the broad ``except Exception`` that turns bugs into failed rows in
    ``process_file`` does not swallow it.
    """


_task_started: list[float] = [0.0]


def _on_alarm(signum: int, frame: Any) -> None:
    raise FileTimeout()


def _watchdog(limits: Limits, death: Any) -> None:
    """Kill this worker when it outgrows the memory limit or ignores its alarm."""
    proc = psutil.Process()
    limit = limits.memory_mb * 1024 * 1024
    while True:
        time.sleep(WATCH_INTERVAL_S)
        started = _task_started[0]
        if proc.memory_info().rss > limit:
            death.value = MEMORY
            os._exit(70)
        if started and time.monotonic() - started > limits.timeout_s + limits.grace_s:
            death.value = STUCK
            os._exit(71)


def _init_worker(limits: Limits, death: Any) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGALRM, _on_alarm)
    threading.Thread(target=_watchdog, args=(limits, death), daemon=True).start()


def checked(res: FileResult) -> FileResult:
    """``res``, or a ``failed`` result when one of its values does not fit the output schema
    (a bug in interpretation): the file gets a row saying so and the run goes on, instead of
    the whole batch failing when it is written."""
    problems = validate_rows("documents", [res.document])
    for table in ("indicators", "activities", "finance"):
        problems += validate_rows(table, getattr(res, table))
    if not problems:
        return res
    log.error("%s: %d value(s) do not fit the output schema: %s", res.source.rel_path,
              len(problems), problems[:3])
    p = problems[0]
    fmt = res.document.get("format")
    return failed_result(
        res.source, f"internal error: {len(problems)} value(s) do not fit the output schema "
        f"(e.g. {p.table}.{p.column} {p.reason}: {p.value}); please report this file",
        fmt if fmt in FORMATS else None, res.seconds)


def guarded_process(src: SourceFile, timeout_s: float, task: Task = process_file) -> FileResult:
    """``task(src)`` under a SIGALRM time limit (worker main thread only)."""
    _task_started[0] = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, timeout_s)
    t0 = time.perf_counter()
    try:
        res = task(src)
        res.seconds = time.perf_counter() - t0  # the whole file, not only its extraction
        return checked(res)
    except FileTimeout:
        return timed_out(src, timeout_s, time.perf_counter() - t0)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _task_started[0] = 0.0


def timed_out(src: SourceFile, timeout_s: float, seconds: float = 0.0) -> FileResult:
    return failed_result(
        src, f"processing took longer than the time limit of {timeout_s:g} s; "
        "the file was abandoned", seconds=seconds,
    )


def died(src: SourceFile, limits: Limits, cause: bytes = b"") -> FileResult:
    """The ``failed`` row of a file whose worker process died."""
    if cause == MEMORY:
        reason = (f"reading this file took more than the memory limit of {limits.memory_mb} "
                  "MiB; its worker was stopped")
    elif cause == STUCK:
        reason = (f"processing took longer than the time limit of {limits.timeout_s:g} s and "
                  "did not stop when asked; its worker was stopped")
    elif cause == DASK_DIED:
        reason = ("the Dask worker reading this file died twice (over its memory limit, "
                  "or the reader crashed)")
    else:
        reason = ("the worker reading this file died (the reader crashed or the process "
                  "was killed)")
    return failed_result(src, reason)


def _pool(workers: int, limits: Limits, death: Any) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=mp.get_context("fork"),
        initializer=_init_worker, initargs=(limits, death),
    )


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    """Stop this pool's worker processes at once (on Ctrl-C, instead of waiting for them)."""
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        if proc.is_alive():
            proc.kill()


def _run_pool(files: list[SourceFile], workers: int, limits: Limits,
              on_result: Callable[[FileResult], None], task: Task,
              death: Any) -> list[SourceFile]:
    """Run files in one pool; return the files lost when a worker died."""
    lost: list[SourceFile] = []
    # enough queued work that the workers keep busy while this process commits a batch
    max_pending = QUEUED_PER_WORKER * workers
    queue = iter(files)
    pending: dict[Future[FileResult], SourceFile] = {}
    pool = _pool(workers, limits, death)
    try:
        broken = False
        while True:
            while not broken and len(pending) < max_pending:
                src = next(queue, None)
                if src is None:
                    break
                try:
                    pending[pool.submit(guarded_process, src, limits.timeout_s, task)] = src
                except BrokenProcessPool:
                    lost.append(src)
                    broken = True
            if not pending:
                break
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                src = pending.pop(fut)
                try:
                    res = fut.result()
                except BrokenProcessPool:
                    lost.append(src)
                    broken = True
                    continue
                except FileTimeout:  # the alarm rang as the file finished
                    res = timed_out(src, limits.timeout_s)
                on_result(res)
        if broken:
            lost.extend(queue)
    except BaseException:
        _kill_workers(pool)
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True, cancel_futures=True)
    return lost


def run_local(files: Iterable[SourceFile], workers: int, limits: Limits,
              on_result: Callable[[FileResult], None], task: Task = process_file) -> None:
    """Call ``on_result`` once per file; ``workers=0`` runs in this process without limits."""
    files = list(files)
    if workers <= 0:
        for src in files:
            t0 = time.perf_counter()
            res = task(src)
            res.seconds = time.perf_counter() - t0
            on_result(checked(res))
        return
    ctx = mp.get_context("fork")
    lost = _run_pool(files, workers, limits, on_result, task, ctx.Array("c", 16))
    if lost:
        log.warning("a worker died; retrying %d file(s) one at a time", len(lost))
    for src in lost:
        death: Any = ctx.Array("c", 16)  # the value the watchdog sets before it kills
        if _run_pool([src], 1, limits, on_result, task, death):
            log.warning("%s: its worker died again; marked failed", src.rel_path)
            on_result(died(src, limits, death.value))
