"""Run ``process_file`` over many files in worker processes with a time and memory limit.

A file that hangs gets a ``failed`` row from the worker's own alarm; a file that blows the
memory budget, ignores the alarm (stuck in C code) or crashes the interpreter kills only its
worker: the files in flight are retried one at a time in a pool of one worker, so the
culprit alone is marked ``failed`` (with the reason its watchdog left behind), and the rest of
the files go on in a new pool. Quick files travel in chunks (``ChunkSizer``) so that the
parent's cost per task does not eat into the workers' cores.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

import psutil

from pipeline.process import FileResult, failed_result, process_file
from pipeline.sources import SourceFile

log = logging.getLogger(__name__)

# The unit of work: ``process_file`` unless a test passes a module-level stand-in (a file
# that hangs, eats memory or kills its process) to exercise the limits with real processes.
Task = Callable[[SourceFile], FileResult]

DEFAULT_TIMEOUT_S = 300.0
DEFAULT_MEMORY_MB = 2048
HARD_KILL_GRACE_S = 30.0
WATCH_INTERVAL_S = 0.25
KILL_JOIN_S = 5.0  # a SIGKILLed worker is gone at once; do not hang on one that is not
MEMORY, STUCK, DASK_DIED = b"memory", b"stuck", b"dask"
QUEUED_PER_WORKER = 4  # tasks waiting per worker, so workers keep busy while the parent commits
# Quick files go to the workers in chunks of about TARGET_TASK_S of work (the idea of joblib's
# auto batch size): each task costs the parent a submit, a pickle and a wake-up, which for
# files of a few milliseconds would otherwise take the parent a core of its own.
TARGET_TASK_S = 0.05
MAX_CHUNK = 16


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


_task_file: list[str] = [""]  # the file in flight, named by the watchdog when it kills
ALARM_REPEAT_S = 2.0  # the alarm rings again until the file is abandoned
DEATH_BYTES = 4200  # cause, ":" and the file's stored path (PATH_MAX is 4096)


def _on_alarm(signum: int, frame: Any) -> None:
    raise FileTimeout()


def death_note(value: bytes) -> tuple[bytes, str | None]:
    """(cause, stored path of the file in flight or None) from what a watchdog left."""
    cause, _, rel = value.partition(b":")
    return cause, rel.decode("utf-8", "replace") or None


def _watchdog(limits: Limits, death: Any) -> None:
    """Kill this worker when it outgrows the memory limit or ignores its alarm."""
    proc = psutil.Process()
    limit = limits.memory_mb * 1024 * 1024
    while True:
        time.sleep(WATCH_INTERVAL_S)
        started = _task_started[0]
        culprit = _task_file[0].encode("utf-8", "replace")[:DEATH_BYTES - 16]
        if proc.memory_info().rss > limit:
            death.value = MEMORY + b":" + culprit
            os._exit(70)
        if started and time.monotonic() - started > limits.timeout_s + limits.grace_s:
            death.value = STUCK + b":" + culprit
            os._exit(71)


PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """Have the kernel SIGKILL this process when its parent dies (Linux ``prctl``), so a
    worker is never left running, orphaned, after its run was killed; elsewhere a no-op."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            log.warning("prctl(PR_SET_PDEATHSIG) failed: errno %d", ctypes.get_errno())
    except (OSError, AttributeError) as exc:  # no libc or no prctl in it
        log.warning("cannot ask to die with the parent process: %s", exc)
        return
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(72)


def _init_worker(limits: Limits, death: Any, parent_pid: int) -> None:
    die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the CLI's handler, inherited by fork
    signal.signal(signal.SIGALRM, _on_alarm)
    threading.Thread(target=_watchdog, args=(limits, death), daemon=True).start()


def guarded_process(src: SourceFile, timeout_s: float, task: Task = process_file) -> FileResult:
    """``task(src)`` under a SIGALRM time limit (worker main thread only)."""
    _task_file[0] = src.rel_path
    _task_started[0] = time.monotonic()
    # repeating: an alarm swallowed by the reader (a broad except, a cleanup that loops)
    # is followed by another, so the file is abandoned, not left to the watchdog
    signal.setitimer(signal.ITIMER_REAL, timeout_s, ALARM_REPEAT_S)
    t0 = time.perf_counter()
    try:
        res = task(src)
        res.seconds = time.perf_counter() - t0  # the whole file, not only its extraction
        return res
    except FileTimeout:
        return timed_out(src, timeout_s, time.perf_counter() - t0)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _task_started[0] = 0.0
        _task_file[0] = ""


def timed_out(src: SourceFile, timeout_s: float, seconds: float = 0.0) -> FileResult:
    return failed_result(
        src, f"processing took longer than the time limit of {timeout_s:g} s; "
        "the file was abandoned", seconds=seconds,
    )


def died(src: SourceFile, limits: Limits, cause: bytes = b"") -> FileResult:
    """The ``failed`` row of a file whose worker process died."""
    cause = death_note(cause)[0]
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
        initializer=_init_worker, initargs=(limits, death, os.getpid()),
    )


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    """Stop this pool's worker processes at once (on Ctrl-C, instead of waiting for them),
    and reap them, so the run's clean-up sees their converters' folders as stale."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    for proc in procs:
        if proc.is_alive():
            proc.kill()
    for proc in procs:
        proc.join(KILL_JOIN_S)


def guarded_chunk(srcs: tuple[SourceFile, ...], timeout_s: float, task: Task = process_file
                  ) -> list[FileResult]:
    """``guarded_process`` over a few files in a row, each under its own time limit."""
    out = []
    for src in srcs:
        try:
            out.append(guarded_process(src, timeout_s, task))
        except FileTimeout:  # the alarm rang as the file finished
            out.append(timed_out(src, timeout_s))
    return out


class ChunkSizer:
    """How many files the next task holds: 1 until a few files were timed, then as many as
    take about ``TARGET_TASK_S`` at the mean time per file so far, and never more than a fair
    share of what is left (so the last tasks do not leave a worker idle)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.files = 0
        self.seconds = 0.0

    def observe(self, res: FileResult) -> None:
        self.files += 1
        self.seconds += res.seconds

    def size(self, remaining: int) -> int:
        if self.files < 2 * self.workers or remaining <= 0:
            return 1
        mean = self.seconds / self.files
        by_time = int(TARGET_TASK_S / mean) if mean > 0 else MAX_CHUNK
        fair = remaining // (2 * self.workers * QUEUED_PER_WORKER)
        return max(1, min(MAX_CHUNK, by_time, fair))


def _run_pool(files: list[SourceFile], workers: int, limits: Limits,
              on_result: Callable[[FileResult], None], task: Task, death: Any,
              serial: bool = False) -> tuple[list[SourceFile], list[SourceFile]]:
    """Run files in one pool until done or a worker dies.

    Returns the files in flight when a worker died (one of them killed it) and the files not
    handed out yet. ``serial``: one file at a time, so the file in flight is the culprit.
    """
    suspects: list[SourceFile] = []
    max_pending = 1 if serial else QUEUED_PER_WORKER * workers
    todo = files[::-1]  # popped from the end
    sizer = ChunkSizer(workers)
    pending: dict[Future[list[FileResult]], tuple[SourceFile, ...]] = {}
    pool = _pool(workers, limits, death)
    try:
        broken = False
        while True:
            while not broken and todo and len(pending) < max_pending:
                n = 1 if serial else sizer.size(len(todo))
                chunk = tuple(todo.pop() for _ in range(min(n, len(todo))))
                try:
                    pending[pool.submit(guarded_chunk, chunk, limits.timeout_s, task)] = chunk
                except BrokenProcessPool:
                    suspects.extend(chunk)
                    broken = True
            if not pending:
                break
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                chunk = pending.pop(fut)
                try:
                    results = fut.result()
                except BrokenProcessPool:
                    suspects.extend(chunk)
                    broken = True
                    continue
                for res in results:
                    sizer.observe(res)
                    on_result(res)
    except BaseException:
        _kill_workers(pool)
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True, cancel_futures=True)
    return suspects, todo[::-1]


def _retry_one_by_one(suspects: list[SourceFile], limits: Limits,
                      on_result: Callable[[FileResult], None], task: Task) -> None:
    """Redo the files that were in flight when a worker died, one at a time in a pool of one
    worker: a file that kills its worker again is the culprit and gets a ``failed`` row."""
    ctx = mp.get_context("fork")
    rest = suspects
    while rest:
        death: Any = ctx.Array("c", DEATH_BYTES)  # what the watchdog sets before it kills
        culprits, rest = _run_pool(rest, 1, limits, on_result, task, death, serial=True)
        for src in culprits:
            log.warning("%s: its worker died again; marked failed", src.rel_path)
            on_result(died(src, limits, death.value))


def _fail_named_culprit(suspects: list[SourceFile], note: bytes, limits: Limits,
                        on_result: Callable[[FileResult], None]) -> list[SourceFile]:
    """The suspects but the file a watchdog named when it killed its worker (stuck or over
    memory): that one is marked failed at once, not retried at the full cost again."""
    cause, rel = death_note(note)
    if cause not in (MEMORY, STUCK) or rel is None:
        return suspects
    culprits = [s for s in suspects if s.rel_path == rel]
    for src in culprits:
        log.warning("%s: its worker was stopped (%s); marked failed without a retry",
                    src.rel_path, cause.decode())
        on_result(died(src, limits, cause))
    return [s for s in suspects if s.rel_path != rel]


def run_local(files: Iterable[SourceFile], workers: int, limits: Limits,
              on_result: Callable[[FileResult], None], task: Task = process_file) -> None:
    """Call ``on_result`` once per file; ``workers=0`` runs in this process without limits."""
    todo = list(files)
    if workers <= 0:
        for src in todo:
            t0 = time.perf_counter()
            res = task(src)
            res.seconds = time.perf_counter() - t0
            on_result(res)
        return
    ctx = mp.get_context("fork")
    while todo:
        before = len(todo)
        death: Any = ctx.Array("c", DEATH_BYTES)
        suspects, todo = _run_pool(todo, workers, limits, on_result, task, death)
        suspects = _fail_named_culprit(suspects, death.value, limits, on_result)
        if not suspects and len(todo) == before:  # a worker died before taking a file:
            suspects, todo = todo[:1], todo[1:]  # the next file goes alone, so the loop ends
        if suspects:
            log.warning("a worker died; retrying the %d file(s) it may have held one at a "
                        "time, then going on with %d more", len(suspects), len(todo))
            _retry_one_by_one(suspects, limits, on_result, task)
