"""Progress of a run: a tqdm bar on a terminal, periodic log lines otherwise, nothing in tests.

The run calls ``start(total)``, then ``advance(path, status)`` once per file, then ``close()``.
"""

from __future__ import annotations

import logging
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import IO, Any, Protocol

log = logging.getLogger(__name__)

DEFAULT_LOG_INTERVAL_S = 10.0
MODES = ("auto", "bar", "log", "none")


class Progress(Protocol):
    def start(self, total: int) -> None: ...

    def advance(self, path: str, status: str) -> None: ...

    def close(self) -> None: ...


class NullProgress:
    """Reports nothing."""

    def start(self, total: int) -> None:
        pass

    def advance(self, path: str, status: str) -> None:
        pass

    def close(self) -> None:
        pass


@dataclass(slots=True)
class CountingProgress:
    """Records what it was told (for tests)."""

    total: int | None = None
    done: list[tuple[str, str]] = field(default_factory=list)
    closed: bool = False

    def start(self, total: int) -> None:
        self.total = total

    def advance(self, path: str, status: str) -> None:
        self.done.append((path, status))

    def close(self) -> None:
        self.closed = True


def format_eta(seconds: float) -> str:
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


class LogProgress:
    """A log line every ``interval`` seconds: done/total, files/s, ETA, failures so far."""

    def __init__(self, interval: float = DEFAULT_LOG_INTERVAL_S) -> None:
        self.interval = interval
        self.total = 0
        self.done = 0
        self.statuses: Counter[str] = Counter()
        self._logged = -1
        self._t0 = self._last = time.monotonic()

    def start(self, total: int) -> None:
        self.total = total
        self._t0 = self._last = time.monotonic()
        log.info("processing %d file(s)", total)

    def line(self) -> str:
        elapsed = max(time.monotonic() - self._t0, 1e-9)
        rate = self.done / elapsed
        eta = format_eta((self.total - self.done) / rate) if rate > 0 else "?"
        pct = 100.0 * self.done / self.total if self.total else 100.0
        states = ", ".join(f"{k} {v}" for k, v in sorted(self.statuses.items()))
        return (f"{self.done}/{self.total} files ({pct:.0f}%), {rate:.2f} files/s, "
                f"ETA {eta} [{states}]")

    def advance(self, path: str, status: str) -> None:
        self.done += 1
        self.statuses[status] += 1
        now = time.monotonic()
        if now - self._last >= self.interval:
            self._last = now
            self._logged = self.done
            log.info("progress: %s", self.line())

    def close(self) -> None:
        if self.total and self._logged != self.done:
            log.info("progress: %s", self.line())


class BarProgress:
    """A tqdm bar (files/s and ETA) on ``stream``, with the failure count as postfix."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stderr
        self.bar: Any = None
        self.failed = 0

    def start(self, total: int) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=total, unit="file", file=self.stream, dynamic_ncols=True,
                        smoothing=0.1, desc="extract")

    def advance(self, path: str, status: str) -> None:
        if self.bar is None:
            return
        if status == "failed":
            self.failed += 1
            self.bar.set_postfix(failed=self.failed, refresh=False)
        self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def make_progress(mode: str = "auto", stream: IO[str] | None = None,
                  interval: float = DEFAULT_LOG_INTERVAL_S) -> Progress:
    """``bar`` on a terminal, ``log`` lines otherwise (``auto``), or as asked."""
    stream = stream or sys.stderr
    if mode == "auto":
        mode = "bar" if stream.isatty() else "log"
    if mode == "bar":
        return BarProgress(stream)
    if mode == "log":
        return LogProgress(interval)
    if mode == "none":
        return NullProgress()
    raise ValueError(f"progress must be one of {', '.join(MODES)}, got {mode!r}")
