"""The output lock: one process at a time writes to an output (a run or a compaction)."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

__all__ = ["RunError", "output_lock"]


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
