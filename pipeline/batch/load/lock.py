"""The output lock: one process at a time writes to an output (a run or a compaction)."""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pipeline.batch.load.storage import FsspecStorage, Storage

__all__ = ["RunError", "output_lock", "storage_lock"]

log = logging.getLogger(__name__)


class RunError(Exception):
    """The run itself cannot proceed (input missing, output not writable or busy)."""


_held_locks: list[int] = []


def _drop_locks_in_child() -> None:
    """A forked worker must not share the run's lock: if the run is killed, the lock has to
    go with it even while an orphaned worker finishes its file (workers never write)."""
    for fd in _held_locks:
        with contextlib.suppress(OSError):
            os.close(fd)
    _held_locks.clear()


os.register_at_fork(after_in_child=_drop_locks_in_child)


@contextlib.contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on the output folder itself for the run (no lock file is left
    behind; the kernel drops the lock when the process dies, even by SIGKILL)."""
    fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunError(f"another run is writing to {out}; wait for it or choose another "
                           "--out") from None
        _held_locks.append(fd)
        yield
    finally:
        if fd in _held_locks:
            _held_locks.remove(fd)
        os.close(fd)


LOCK_OBJECT = "_lock.json"


@contextlib.contextmanager
def storage_lock(storage: Storage, run_id: str) -> Iterator[None]:
    """The output lock of any storage: ``output_lock`` on a local folder; on an object store
    a lock object ``_lock.json`` naming the run, its host and pid, created with a
    conditional PUT (``If-None-Match``) where the store supports it and deleted at the end.

    Caveats: on a store without conditional PUTs the check-then-put is best effort (two
    runs started within the same instant may both proceed). A run killed outright leaves its
    lock object; the next run on the same host takes it over when that pid is gone, a run on
    another host refuses and names the object to delete once the owner is known to be dead.
    """
    if storage.local is not None:
        with output_lock(storage.local):
            yield
        return
    if not isinstance(storage, FsspecStorage):
        raise TypeError(f"no lock for {storage!r}")
    mine = {"run_id": run_id, "host": socket.gethostname(), "pid": os.getpid(),
            "started_at": time.time()}
    _acquire(storage, json.dumps(mine).encode())
    try:
        yield
    finally:
        try:
            if _owner(storage) == mine:
                storage.delete(LOCK_OBJECT)
        except OSError as exc:  # the store is gone: the next run here takes the lock over
            log.warning("could not release the lock %s/%s (%s); the next run on this host "
                        "takes it over", storage.url, LOCK_OBJECT, exc)


def _owner(storage: FsspecStorage) -> dict[str, Any] | None:
    try:
        owner: dict[str, Any] = json.loads(storage.read_bytes(LOCK_OBJECT))
    except FileNotFoundError:
        return None
    except ValueError:
        return {}
    return owner


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _acquire(storage: FsspecStorage, data: bytes) -> None:
    for _ in range(2):
        created = storage.create_exclusive(LOCK_OBJECT, data)
        if created is None:  # no conditional PUT: best effort
            if not storage.exists(LOCK_OBJECT):
                storage.put(LOCK_OBJECT, data)
                return
        elif created:
            return
        owner = _owner(storage)
        if owner is None:
            continue  # released meanwhile
        if (owner.get("host") == socket.gethostname()
                and not _alive(int(owner.get("pid", 0)))):
            log.warning("taking over the lock of run %s (process %s is gone)",
                        owner.get("run_id"), owner.get("pid"))
            storage.delete(LOCK_OBJECT)
            continue
        raise RunError(f"another run ({owner.get('run_id')} on {owner.get('host')}, pid "
                       f"{owner.get('pid')}) is writing to {storage.url}; wait for it, or "
                       f"delete {storage.url}/{LOCK_OBJECT} if it is known to be dead")
    raise RunError(f"cannot take the lock {storage.url}/{LOCK_OBJECT}")
