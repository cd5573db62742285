"""A run: discover files, process them, write the four Parquet datasets atomically."""

from __future__ import annotations

import logging
import os
import shutil
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.discover import discover
from pipeline.process import FileResult
from pipeline.workers import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_S, Limits, run_local
from pipeline.write import part_name, rows_to_table, save_atomic
from schemas import TABLES

log = logging.getLogger(__name__)


class RunError(Exception):
    """The run itself cannot proceed (input missing, output not writable)."""


@dataclass(frozen=True, slots=True)
class RunConfig:
    input: Path
    out: Path
    workers: int = 1
    timeout_s: float = DEFAULT_TIMEOUT_S
    memory_mb: int = DEFAULT_MEMORY_MB

    def __post_init__(self) -> None:
        if self.workers < 0:
            raise ValueError(f"workers must be >= 0, got {self.workers}")
        if self.timeout_s <= 0:
            raise ValueError(f"timeout_s must be > 0, got {self.timeout_s}")
        if self.memory_mb < 128:
            raise ValueError(f"memory_mb must be >= 128, got {self.memory_mb}")


@dataclass(slots=True)
class RunSummary:
    files: int = 0
    skipped: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    rows: Counter[str] = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": self.files, "skipped": self.skipped, "by_status": dict(self.by_status),
            "rows": dict(self.rows), "failures": self.failures,
            "seconds": round(self.seconds, 3),
        }


def _check_paths(cfg: RunConfig) -> None:
    if not cfg.input.exists():
        raise RunError(f"input folder {cfg.input} does not exist")
    try:
        cfg.out.mkdir(parents=True, exist_ok=True)
        probe = cfg.out / f".write-probe-{uuid.uuid4().hex}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise RunError(f"output folder {cfg.out} is not writable: {exc}") from None


def write_outputs(results: list[FileResult], out: Path) -> None:
    """Replace each table's dataset with the rows of ``results`` (staged, then swapped)."""
    staging = out / f".staging-{uuid.uuid4().hex}"
    try:
        for name in TABLES:
            if name == "documents":
                rows = [r.document for r in results]
            else:
                rows = [row for r in results for row in getattr(r, name)]
            save_atomic(rows_to_table(name, rows), staging / name / part_name())
        for name in TABLES:
            target = out / name
            trash = out / f".old-{name}-{uuid.uuid4().hex}"
            if target.exists():
                os.replace(target, trash)
            os.replace(staging / name, target)
            shutil.rmtree(trash, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def run(cfg: RunConfig) -> RunSummary:
    """Process every input file of ``cfg.input`` and write the datasets to ``cfg.out``.

    Raises:
        RunError: the input is missing or the output folder is not writable.
    """
    _check_paths(cfg)
    t0 = time.perf_counter()
    files, skipped = discover(cfg.input)
    summary = RunSummary(files=len(files), skipped=len(skipped))
    results: list[FileResult] = []

    def on_result(res: FileResult) -> None:
        results.append(res)
        status = res.document["status"]
        summary.by_status[status] += 1
        if status != "ok":
            summary.failures.append((res.source.rel_path, str(res.document.get("error"))))
        log.info("[%d/%d] %s: %s (%.2fs)", len(results), len(files), res.source.rel_path,
                 status, res.seconds)

    run_local(files, cfg.workers, Limits(cfg.timeout_s, cfg.memory_mb), on_result)
    results.sort(key=lambda r: r.source.rel_path)
    for r in results:
        for name, n in r.row_counts().items():
            summary.rows[name] += n
    summary.rows["documents"] = len(results)
    write_outputs(results, cfg.out)
    summary.seconds = time.perf_counter() - t0
    return summary
