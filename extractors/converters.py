"""External converters (LibreOffice, pdftoppm, tesseract) run bounded: a time limit, a memory
cap (``RLIMIT_AS``) and their own process group, which dies with the worker that started it.

Each command runs under a small ``sh`` supervisor that leads the process group: the kernel
sends it SIGTERM when its worker dies (``PR_SET_PDEATHSIG``, which a plain child would not
pass on to its own children: ``soffice`` forks ``soffice.bin``), and it then SIGKILLs the
whole group. On a timeout, or when the worker is interrupted, the worker kills the group.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from extractors.errors import ResourceLimit

log = logging.getLogger(__name__)

# Address space a converter may map on top of the worker's memory limit: LibreOffice maps
# far more than it touches (libraries, reserved heaps): on a normal 100 KB DOC soffice.bin
# peaks at 208 MB resident and 388 MB of address space (467 MB without MALLOC_ARENA_MAX).
CONVERTER_AS_HEADROOM_MB = 512
MALLOC_ARENAS = "2"  # glibc reserves 64 MB of address space per arena, up to 8 per core
SUPERVISOR = 'trap "kill -s KILL 0" TERM; "$@" & wait $!'
OOM_MARKERS = (b"bad_alloc", b"out of memory", b"cannot allocate memory")
PR_SET_PDEATHSIG = 1


class Bounds(NamedTuple):
    """A converter's time limit and the worker memory limit its cap derives from."""

    timeout_s: float
    memory_mb: int | None = None


def seconds_text(seconds: float) -> str:
    """A duration for people: whole seconds from 10 s on, else two significant digits
    ("8 s", not the "7.99998 s" left of a deadline)."""
    if seconds >= 10:
        return f"{round(seconds)} s"
    return f"{float(f'{seconds:.2g}'):g} s"


def address_space_mb(memory_mb: int) -> int:
    """The ``RLIMIT_AS`` cap, in MiB, of a converter started by a worker allowed
    ``memory_mb``."""
    return memory_mb + CONVERTER_AS_HEADROOM_MB


def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None


def _child_setup(cap_bytes: int | None, parent: int, prctl: Callable[..., int] | None
                 ) -> Callable[[], None]:
    """What the child does between fork and exec: take the cap, ask to be told when its
    worker dies, and give up if the worker is already gone."""

    def setup() -> None:
        if cap_bytes is not None:
            resource.setrlimit(resource.RLIMIT_AS, (cap_bytes, cap_bytes))
        if prctl is not None:
            prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
            if os.getppid() != parent:
                os._exit(1)

    return setup


GROUP_GONE_S = 5.0  # how long a SIGKILLed group may take to go before the caller goes on


def _state(pid: int) -> str | None:
    """The process's state letter from ``/proc`` (``Z`` for a zombie), None when it is gone
    or there is no ``/proc``."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    return stat[stat.rfind(")") + 2:][:1] or None  # the name in brackets may hold spaces


def is_running(pid: int) -> bool:
    """``pid`` is a process that runs (a zombie, dead and waiting to be reaped, is not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return _state(pid) != "Z"


def group_members(pgid: int) -> list[int]:
    """The running processes of process group ``pgid`` (read from ``/proc``)."""
    out = []
    for entry in Path("/proc").glob("[0-9]*"):
        pid = int(entry.name)
        with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
            if os.getpgid(pid) == pgid and is_running(pid):
                out.append(pid)
    return out


def kill_group_and_wait(pgid: int, timeout_s: float = GROUP_GONE_S) -> bool:
    """SIGKILL process group ``pgid`` and wait until none of it runs (a killed converter
    re-parented to init would otherwise outlive the run that started it); False when some
    member still ran after ``timeout_s``."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)
    deadline = time.monotonic() + timeout_s
    while group_members(pgid):
        if time.monotonic() > deadline:
            log.warning("converter process group %d still runs %.0f s after SIGKILL", pgid,
                        timeout_s)
            return False
        time.sleep(0.02)
    return True


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the converter's whole process group, wait until none of it runs (the leader,
    a zombie until reaped, no longer counts) and reap the leader."""
    kill_group_and_wait(proc.pid)
    proc.communicate()


def _signal_of(rc: int) -> int | None:
    """The signal that ended the command (the supervisor reports 128 + n for its child)."""
    if rc < 0:
        return -rc
    return rc - 128 if 128 < rc < 160 else None


def check_memory(rc: int, err: bytes, path: Path, what: str, memory_mb: int | None) -> None:
    """Raise when a capped converter died, out of memory or crashed.

    Raises:
        ResourceLimit: it said it could not allocate memory, or died of a signal (under a
            cap, most likely a failed allocation).
    """
    if memory_mb is None:
        return
    cap = address_space_mb(memory_mb)
    if any(m in err.lower() for m in OOM_MARKERS):  # pdftoppm says so and still exits 0
        raise ResourceLimit(
            str(path), f"converter ran out of memory: {what} needed more than its cap of "
            f"{cap} MiB of address space (memory limit {memory_mb} MiB + "
            f"{CONVERTER_AS_HEADROOM_MB}); the file was not read")
    sig = _signal_of(rc)
    if sig is not None:  # a failed allocation often ends in abort() with nothing said
        raise ResourceLimit(
            str(path), f"converter ran out of memory or crashed: {what} died of signal {sig} "
            f"under its cap of {cap} MiB of address space (memory limit {memory_mb} MiB + "
            f"{CONVERTER_AS_HEADROOM_MB}); the file was not read")


def run_bounded(
    cmd: list[str], path: Path, timeout_s: float, what: str, env: dict[str, str] | None = None,
    pgid_file: Path | None = None, memory_mb: int | None = None,
) -> tuple[int, bytes, bytes]:
    """Run an external converter in its own process group, under ``address_space_mb
    (memory_mb)`` of address space when ``memory_mb`` is given; return (returncode, stdout,
    stderr). On timeout, or an exception here (the worker's alarm, Ctrl-C), the whole group
    is killed.

    Raises:
        ResourceLimit: the command ran longer than ``timeout_s``, or out of memory.
    """
    cap = None if memory_mb is None else address_space_mb(memory_mb) << 20
    child_env = {**(os.environ if env is None else env), "MALLOC_ARENA_MAX": MALLOC_ARENAS}
    proc = subprocess.Popen(
        ["/bin/sh", "-c", SUPERVISOR, "sh", *cmd], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, start_new_session=True,
        env=child_env, preexec_fn=_child_setup(cap, os.getpid(), _prctl()),
    )
    if pgid_file is not None:  # so the group can be killed if this worker dies
        pgid_file.write_text(str(proc.pid))
    try:
        out, err = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        raise ResourceLimit(
            str(path), f"{what} took longer than {seconds_text(timeout_s)} and was stopped"
        ) from None
    except BaseException:
        kill_group(proc)
        raise
    check_memory(proc.returncode, err, path, what, memory_mb)
    return proc.returncode, out, err
