"""A run's settings (``RunConfig``, one frozen object passed down) and the checks made on
them before anything is read or written."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from pathlib import Path

from pipeline.batch.load.commit import DEFAULT_COMMIT_FILES
from pipeline.batch.load.compact import DEFAULT_COMPACT_THRESHOLD
from pipeline.batch.load.lock import RunError
from pipeline.batch.load.storage import Storage, StorageError, is_url, open_storage
from pipeline.batch.run.discover import stored_name
from pipeline.batch.run.engines import ENGINES
from pipeline.batch.run.workers import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_S
from pipeline.normalise.catalog import CatalogError, default_catalog
from pipeline.normalise.match import parse_overrides
from pipeline.normalise.names import PACKAGED_OVERRIDES, NamesSpec

log = logging.getLogger(__name__)

DEFAULT_OVERRIDES = Path("data") / "reference" / "overrides.csv"  # relative to the working folder
MAX_OVERRIDES_MB = 20  # analysts' decisions: thousands of rows, not millions


__all__ = ["RunConfig", "RunError", "check_input", "check_paths", "input_name", "names_spec",
           "open_output"]


@dataclass(frozen=True, slots=True)
class RunConfig:
    input: Path | str  # a folder or a file, or an fsspec URL: pipeline.batch.run.remote_input
    out: Path | str  # a folder, or an fsspec URL (s3://bucket/prefix): pipeline.batch.load.storage
    workers: int = 1
    timeout_s: float = DEFAULT_TIMEOUT_S
    memory_mb: int = DEFAULT_MEMORY_MB
    engine: str = "local"
    scheduler: str | None = None
    full: bool = False
    retry_failed: bool = False
    checksum: bool = False
    follow_symlinks: bool = False  # also read links to files outside the input folder
    commit_every: int = DEFAULT_COMMIT_FILES
    overrides: Path | None = None  # None: data/reference/overrides.csv here, else packaged
    compact_threshold: int = DEFAULT_COMPACT_THRESHOLD  # 0: never compact at the end
    storage_options: tuple[tuple[str, str], ...] = ()  # for the fsspec filesystems (both)

    def __post_init__(self) -> None:
        if self.workers < 0:
            raise ValueError(f"workers must be >= 0, got {self.workers}")
        if self.timeout_s <= 0:
            raise ValueError(f"timeout_s must be > 0, got {self.timeout_s}")
        if self.memory_mb < 128:
            raise ValueError(f"memory_mb must be >= 128, got {self.memory_mb}")
        if self.engine not in ENGINES:
            raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {self.engine!r}")
        if self.scheduler is not None and self.engine != "dask":
            raise ValueError("scheduler is only used with engine 'dask'")
        if self.commit_every < 1:
            raise ValueError(f"commit_every must be >= 1, got {self.commit_every}")
        if self.compact_threshold < 0:
            raise ValueError(f"compact_threshold must be >= 0, got {self.compact_threshold}")


def names_spec(cfg: RunConfig) -> NamesSpec:
    """The overrides the run matches names with: ``cfg.overrides`` (which must exist), else
    ``data/reference/overrides.csv`` of the working folder when there is one, else the
    (empty) file shipped with the package. Checked against the catalog here, so a bad row
    stops the run before any file is read; a file over ``MAX_OVERRIDES_MB`` is refused
    unread.

    Raises:
        RunError: the named file is missing, unreadable or too large, or a row is wrong.
    """
    path = cfg.overrides
    if path is None:
        path = DEFAULT_OVERRIDES if DEFAULT_OVERRIDES.is_file() else PACKAGED_OVERRIDES
    elif not path.is_file():
        raise RunError(f"overrides file {path} does not exist")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise RunError(f"cannot read the overrides file {path}: {exc}") from None
    if size > MAX_OVERRIDES_MB << 20:
        raise RunError(f"overrides file {path} is {size / (1 << 20):.0f} MiB, over the limit of "
                       f"{MAX_OVERRIDES_MB} MiB (it is held in memory by every worker): keep "
                       "only the analysts' decisions in it")
    try:
        spec = NamesSpec.from_file(path)
        parse_overrides(spec.overrides_csv, default_catalog(), str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise RunError(f"cannot read the overrides file {path}: {exc}") from None
    except CatalogError as exc:
        raise RunError(f"overrides file: {exc}") from None
    log.info("name overrides from %s", path)
    return spec


def open_output(cfg: RunConfig) -> Storage:
    """The storage of ``cfg.out`` with ``cfg.storage_options``.

    Raises:
        RunError: the URL's protocol is unknown or its driver is not installed.
    """
    try:
        return open_storage(cfg.out, dict(cfg.storage_options))
    except StorageError as exc:
        raise RunError(str(exc)) from None


def check_input(cfg: RunConfig) -> None:
    """Refuse a missing input, and an output folder that is the input folder or lies inside
    it (the run would read its own report and outputs as documents next time). An input or
    output URL (an object store) is checked when it is listed or written.

    Raises:
        RunError: either.
    """
    if is_url(cfg.input):
        return
    if not Path(cfg.input).exists():
        raise RunError(f"input folder {cfg.input} does not exist")
    if is_url(cfg.out):
        return
    in_abs, out_abs = Path(cfg.input).resolve(), Path(cfg.out).resolve()
    if in_abs.is_dir() and out_abs == in_abs:
        raise RunError(f"the output folder {cfg.out} is the input folder: choose an --out "
                       "outside the input folder (its reports would be read as documents)")
    if in_abs.is_dir() and out_abs.is_relative_to(in_abs):
        raise RunError(f"the output folder {cfg.out} lies inside the input folder {cfg.input}: "
                       "choose an --out outside it (its reports would be read as documents)")


def input_name(cfg: RunConfig) -> str:
    """The input as recorded in the manifest and the report: its absolute path, or its URL."""
    if is_url(cfg.input):
        return str(cfg.input).rstrip("/")
    return stored_name(str(Path(cfg.input).resolve()))  # not UTF-8: escaped


def check_paths(cfg: RunConfig, out: Storage) -> None:
    """``check_input``, then create the output folder (a local one) and check the output
    is writable.

    Raises:
        RunError: the input is missing or holds the output, or the output is not writable.
    """
    check_input(cfg)
    try:
        if out.local is not None:
            out.local.mkdir(parents=True, exist_ok=True)
        probe = f".write-probe-{uuid.uuid4().hex}"
        out.put(probe, b"")
        out.delete(probe)
    except OSError as exc:
        what = "output folder" if out.local is not None else "output"
        raise RunError(f"{what} {out.url} is not writable: {exc}") from None
