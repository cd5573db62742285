"""The command line's exit codes (``extract``, ``compact``, ``verify`` and ``export``),
documented in the help's epilog and the README."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0  # every file of this run ok or partial
    FILES_FAILED = 1  # the run finished, some file of this run failed
    DAMAGED = 1  # verify: damaged parts found (an alias: the same code)
    CANNOT_RUN = 2
    INTERRUPTED = 130  # Ctrl-C
    TERMINATED = 143  # SIGTERM
