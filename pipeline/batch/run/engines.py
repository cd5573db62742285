"""Where files are processed: a local process pool (default) or a Dask cluster.

Both engines call ``on_result`` in the driver process once per file, so the driver alone
writes the output and the datasets are the same whichever engine produced them.
"""

from __future__ import annotations

import ctypes
import gc
import importlib
import logging
import os
import socket
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pipeline.batch.run.workers import (
    DASK_DIED,
    FileTimeout,
    Limits,
    Task,
    died,
    guarded_process,
    run_local,
    timed_out,
)
from pipeline.process import FileResult, failed_result, process_file
from pipeline.sources import SourceFile

log = logging.getLogger(__name__)

ENGINES = ("local", "dask")
OnResult = Callable[[FileResult], None]


class EngineError(Exception):
    """The engine cannot run (scheduler unreachable, workers of another version)."""

    def __init__(self, engine: str, reason: str) -> None:
        super().__init__(engine, reason)
        self.engine = engine
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.engine} engine: {self.reason}"


class Engine(Protocol):
    @property
    def name(self) -> str: ...

    def prepare(self) -> None: ...

    def run(self, files: Sequence[SourceFile], on_result: OnResult) -> None: ...


@dataclass(frozen=True, slots=True)
class LocalEngine:
    """A pool of ``workers`` processes on this machine (0: in this process, no limits)."""

    workers: int
    limits: Limits
    task: Task = process_file
    name: str = "local"

    def prepare(self) -> None:
        if self.workers > 0:
            preload(self.task)

    def run(self, files: Sequence[SourceFile], on_result: OnResult) -> None:
        run_local(files, self.workers, self.limits, on_result, self.task)


def preload(task: Task) -> None:
    """Build the per-process state of ``task`` (imports; the ``Names`` of a
    ``FileProcessor``) before the pool forks, so every worker inherits it instead of spending
    seconds building its own."""
    importlib.import_module("pipeline.interpret")
    warm_up = getattr(task, "warm_up", None)
    if callable(warm_up):
        warm_up()
    # Move what exists now out of the collector's sight: a collection in a forked worker
    # would otherwise write to every shared object's header and copy its page (copy-on-write),
    # costing each worker memory and time (measured: 2 workers 1.61x -> 1.75x one worker).
    gc.collect()
    gc.freeze()


def _raise_in_thread(thread_id: int) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                               ctypes.py_object(FileTimeout))


def _clear_in_thread(thread_id: int) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), None)


def dask_task(src: SourceFile, timeout_s: float, task: Task = process_file) -> FileResult:
    """``task(src)`` on a Dask worker thread with a soft time limit.

    A worker thread cannot take SIGALRM, so a timer raises ``FileTimeout`` asynchronously
    in the thread; it lands at the next Python bytecode (a long C call delays it, and the
    driver's hard deadline covers that case).
    """
    if threading.current_thread() is threading.main_thread():
        return guarded_process(src, timeout_s, task)
    tid = threading.get_ident()
    fired = threading.Event()

    def fire() -> None:
        fired.set()
        _raise_in_thread(tid)

    timer = threading.Timer(timeout_s, fire)
    timer.daemon = True
    t0 = time.perf_counter()
    try:
        try:
            timer.start()
            res = task(src)
            res.seconds = time.perf_counter() - t0
            return res
        finally:
            timer.cancel()
            if fired.is_set():
                _clear_in_thread(tid)
    except FileTimeout:
        return timed_out(src, timeout_s, time.perf_counter() - t0)


def _worker_version() -> str:
    from pipeline import __version__

    return __version__


@dataclass(frozen=True, slots=True)
class DaskEngine:
    """Files spread over a Dask cluster: ``scheduler`` address, or a LocalCluster."""

    workers: int
    limits: Limits
    scheduler: str | None = None
    task: Task = process_file
    name: str = "dask"

    def _connect(self) -> tuple[Any, Any]:
        from distributed import Client, LocalCluster

        if self.scheduler is None:
            cluster = LocalCluster(
                n_workers=max(1, self.workers), threads_per_worker=1, processes=True,
                memory_limit=f"{self.limits.memory_mb}MiB", dashboard_address=None,
                silence_logs=logging.WARNING,
            )
            return Client(cluster), cluster
        import dask

        # distributed.comm.timeouts.connect (env DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT)
        timeout = dask.config.get("distributed.comm.timeouts.connect", "30s")
        try:
            return Client(self.scheduler, timeout=timeout), None
        except (OSError, TimeoutError) as exc:
            raise EngineError("dask", f"cannot reach the scheduler at {self.scheduler}: "
                              f"{exc}") from None

    def _check_workers(self, client: Any, files: Sequence[SourceFile]) -> None:
        from pipeline import __version__

        versions = client.run(_worker_version)
        if not versions:
            raise EngineError("dask", "the cluster has no workers")
        wrong = {w: v for w, v in versions.items() if v != __version__}
        if wrong:
            raise EngineError("dask", f"workers run pipeline {sorted(set(wrong.values()))}, "
                              f"this driver {__version__}: install the same version everywhere")
        if files:
            seen = client.run(os.path.exists, str(files[0].path))
            blind = sorted(w for w, ok in seen.items() if not ok)
            if blind:
                raise EngineError("dask", f"worker(s) {', '.join(blind)} cannot read "
                                  f"{files[0].path}: the input folder must be on a shared "
                                  "file system at the same path on every worker")

    def prepare(self) -> None:
        """Nothing to do here: the workers warm up in ``run``, once connected."""

    def run(self, files: Sequence[SourceFile], on_result: OnResult) -> None:
        client, cluster = self._connect()
        try:
            self._check_workers(client, files)
            client.run(preload, self.task)  # each worker builds its Names before its first file
            self._drive(client, files, on_result)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()

    def _drive(self, client: Any, files: Sequence[SourceFile], on_result: OnResult) -> None:
        from distributed import KilledWorker, wait

        slots = max(2 * sum(client.nthreads().values()), 4)
        # a task can wait behind a full queue before it starts: allow for that
        deadline_s = 3 * (self.limits.timeout_s + self.limits.grace_s)
        queue = iter(files)
        pending: dict[Any, tuple[SourceFile, float, int]] = {}

        def submit(src: SourceFile, attempt: int) -> None:
            fut = client.submit(dask_task, src, self.limits.timeout_s, self.task,
                                key=f"natproj-{src.doc_id}-{uuid.uuid4().hex[:8]}")
            pending[fut] = (src, time.monotonic(), attempt)

        while True:
            while len(pending) < slots and (src := next(queue, None)) is not None:
                submit(src, 0)
            if not pending:
                return
            try:
                done = wait(list(pending), timeout=1.0, return_when="FIRST_COMPLETED").done
            except TimeoutError:
                done = set()
            for fut in done:
                src, _, attempt = pending.pop(fut)
                if fut.status == "finished":
                    on_result(fut.result())
                    continue
                exc = fut.exception()
                if isinstance(exc, KilledWorker) and attempt == 0:
                    log.warning("%s: its worker died; retrying once", src.rel_path)
                    submit(src, 1)
                elif isinstance(exc, KilledWorker):
                    on_result(died(src, self.limits, DASK_DIED))
                else:
                    on_result(failed_result(src, f"internal error on the Dask worker "
                                            f"({type(exc).__name__}: {exc})"))
            now = time.monotonic()
            for fut, (src, started, _) in list(pending.items()):
                if now - started > deadline_s:
                    pending.pop(fut)
                    fut.cancel()
                    on_result(timed_out(src, self.limits.timeout_s, now - started))


SCHEDULER_CONNECT_S = 5.0


def check_scheduler(address: str, timeout_s: float = SCHEDULER_CONNECT_S) -> None:
    """Fail fast when nothing answers at a Dask scheduler's address (a TCP connection within
    ``timeout_s``), before a run creates anything; an address without host and port
    (``inproc://``) is left to the client.

    Raises:
        EngineError: the scheduler cannot be reached.
    """
    parts = urllib.parse.urlsplit(address if "://" in address else f"tcp://{address}")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        host, port = None, None
    if not host or port is None:
        return
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            pass
    except OSError as exc:
        raise EngineError("dask", f"cannot reach the scheduler at {address} within "
                          f"{timeout_s:g} s: {exc}") from None


def make_engine(engine: str, workers: int, limits: Limits, scheduler: str | None = None,
                task: Task = process_file) -> Engine:
    """The engine named ``engine`` (one of ``ENGINES``)."""
    if engine == "local":
        return LocalEngine(workers, limits, task)
    if engine == "dask":
        return DaskEngine(workers, limits, scheduler, task)
    raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
