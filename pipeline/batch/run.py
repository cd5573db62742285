"""A run: compare the input folder with the output's manifest, process what changed, commit.

Only new, changed and outdated files are processed (``full`` reprocesses all); rows of deleted
and changed files are removed; results are committed in batches (``pipeline.batch.commit``), so a
killed run keeps the batches it committed and the next run does the rest.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractors import ExtractLimits
from extractors.legacy import reap_stale_conversions
from pipeline import __version__
from pipeline.batch.commit import DEFAULT_COMMIT_FILES, Committer, recover
from pipeline.batch.compact import DEFAULT_COMPACT_THRESHOLD, CompactSettings, compact
from pipeline.batch.discover import SourceFile, discover, stored_name
from pipeline.batch.engines import ENGINES, make_engine
from pipeline.batch.layout import migrate_layout
from pipeline.batch.lock import RunError, storage_lock
from pipeline.batch.lock import output_lock as output_lock  # re-exported
from pipeline.batch.manifest import (
    MANIFEST_NAME,
    Manifest,
    ManifestError,
    Plan,
    Stamp,
    load_manifest,
    plan,
)
from pipeline.batch.progress import NullProgress, Progress
from pipeline.batch.report import (
    REPORT_JSON,
    FileRecord,
    build_report,
    completion_by_project,
    write_report,
)
from pipeline.batch.review import write_indicator_review
from pipeline.batch.storage import Storage, StorageError, open_storage
from pipeline.batch.workers import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_S, Limits, Task
from pipeline.batch.write import list_parts, remove_part
from pipeline.load import read_table
from pipeline.normalise.catalog import CatalogError, default_catalog
from pipeline.normalise.match import parse_overrides
from pipeline.normalise.names import PACKAGED_OVERRIDES, Names, NamesSpec
from pipeline.process import FileProcessor, FileResult, FileSettings, failed_result
from pipeline.vocab import vocab_digest
from schemas import SCHEMA_VERSION

log = logging.getLogger(__name__)

DEFAULT_OVERRIDES = Path("data") / "reference" / "overrides.csv"  # relative to the working folder


@dataclass(frozen=True, slots=True)
class RunConfig:
    input: Path
    out: Path | str  # a folder, or an fsspec URL (s3://bucket/prefix): pipeline.batch.storage
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
    storage_options: tuple[tuple[str, str], ...] = ()  # for the output's fsspec filesystem

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


@dataclass(slots=True)
class RunSummary:
    files: int = 0
    skipped: int = 0
    processed: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    rows: Counter[str] = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    report: dict[str, Any] = field(default_factory=dict)


def names_spec(cfg: RunConfig) -> NamesSpec:
    """The overrides the run matches names with: ``cfg.overrides`` (which must exist), else
    ``data/reference/overrides.csv`` of the working folder when there is one, else the
    (empty) file shipped with the package. Checked against the catalog here, so a bad row
    stops the run before any file is read.

    Raises:
        RunError: the named file is missing or unreadable, or a row is wrong.
    """
    path = cfg.overrides
    if path is None:
        path = DEFAULT_OVERRIDES if DEFAULT_OVERRIDES.is_file() else PACKAGED_OVERRIDES
    elif not path.is_file():
        raise RunError(f"overrides file {path} does not exist")
    try:
        spec = NamesSpec.from_file(path)
        parse_overrides(spec.overrides_csv, default_catalog(), str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise RunError(f"cannot read the overrides file {path}: {exc}") from None
    except CatalogError as exc:
        raise RunError(f"overrides file: {exc}") from None
    log.info("name overrides from %s", path)
    return spec


def _check_paths(cfg: RunConfig, out: Storage) -> None:
    if not cfg.input.exists():
        raise RunError(f"input folder {cfg.input} does not exist")
    try:
        if out.local is not None:
            out.local.mkdir(parents=True, exist_ok=True)
        probe = f".write-probe-{uuid.uuid4().hex}"
        out.put(probe, b"")
        out.delete(probe)
    except OSError as exc:
        raise RunError(f"output folder {out.url} is not writable: {exc}") from None


def _open_manifest(cfg: RunConfig, out: Storage) -> Manifest:
    try:
        manifest = load_manifest(out)
    except ManifestError as exc:
        if not cfg.full:
            raise RunError(str(exc)) from None
        log.warning("%s; starting afresh", exc)
        manifest = Manifest()
    old_schema = manifest.meta.get("schema_version")
    if manifest.exists and old_schema != SCHEMA_VERSION:
        log.warning("the output was written with schema %s, this pipeline writes %s: "
                    "rebuilding it from scratch", old_schema, SCHEMA_VERSION)
        manifest = Manifest()
    if not manifest.exists:
        parts, _ = list_parts(out)
        for rel in parts:
            remove_part(out, rel)
        out.delete(MANIFEST_NAME)
    return manifest


def _record(res: FileResult) -> FileRecord:
    doc = res.document
    return FileRecord(res.source.rel_path, doc.get("format"), doc.get("status") or "failed",
                      doc.get("error"), res.seconds, {"documents": 1, **res.row_counts()})


def _completion(out: Storage, data_version: str | None) -> list[dict[str, Any]]:
    """Completion by federal project over the whole output; taken from the last report when
    no commit has changed the output since (a run with nothing to do stays quick)."""
    try:
        last = json.loads(out.read_bytes(REPORT_JSON).decode("utf-8"))
        if data_version is not None and last.get("data_version") == data_version:
            return list(last["completion_by_federal_project"])
    except (OSError, ValueError, KeyError):
        pass  # no usable report from the last run: compute it
    table = read_table(out, "indicators", ["federal_project", "status", "completion_pct"])
    return completion_by_project(table.to_pylist())


def run(cfg: RunConfig, *, progress: Progress | None = None, task: Task | None = None
        ) -> RunSummary:
    """Bring ``cfg.out`` up to date with ``cfg.input``; write the run report.

    Args:
        cfg: what to read, where to write, how.
        progress: told about every processed file (default: silent).
        task: the unit of work, by default ``FileProcessor`` with the run's overrides and
            the readers' budgets from ``cfg.timeout_s`` and its converters capped by
            ``cfg.memory_mb``; tests pass stand-ins.

    Raises:
        RunError: the input is missing, the output folder is not writable, another run holds
            it, its manifest is unreadable (without ``full``), or the overrides are wrong.
        EngineError: the Dask scheduler is unreachable or its workers differ.
    """
    try:
        out = open_storage(cfg.out, dict(cfg.storage_options))
    except StorageError as exc:
        raise RunError(str(exc)) from None
    _check_paths(cfg, out)
    spec = names_spec(cfg)
    run_id = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:6]
    with storage_lock(out, run_id):
        return _run_locked(cfg, out, run_id, progress or NullProgress(), spec,
                           task or FileProcessor(FileSettings(
                               names=spec, limits=ExtractLimits(cfg.timeout_s, cfg.memory_mb))))


def _discover(cfg: RunConfig, out: Storage, manifest: Manifest
              ) -> tuple[list[SourceFile], list[str]]:
    def known(rel: str) -> tuple[int, float, str] | None:
        e = manifest.entries.get(rel)
        return None if e is None or cfg.checksum else (e.size, e.mtime, e.doc_id)

    in_abs = cfg.input.resolve()
    out_abs = out.local.resolve() if out.local is not None else None
    exclude = (out_abs,) if out_abs is not None and out_abs.is_relative_to(in_abs) else ()
    files, skipped = discover(cfg.input, known, exclude, cfg.follow_symlinks)
    if not files and manifest.entries and not cfg.full:
        raise RunError(f"no reports found under {cfg.input}, but the output holds "
                       f"{len(manifest.entries)} file(s): refusing to remove them all (is the "
                       "input folder mounted?); pass --full to empty the output")
    previous_input = manifest.meta.get("input")
    if previous_input and previous_input != stored_name(str(in_abs)):
        log.warning("the output was built from %s; files not under %s are removed from it",
                    previous_input, stored_name(str(in_abs)))
    return files, skipped


def _process(cfg: RunConfig, todo: Plan, committer: Committer, progress: Progress,
             task: Task) -> tuple[list[FileRecord], dict[str, float]]:
    """Run the engine over the files to process, committing as results come."""
    records: list[FileRecord] = []
    timings: dict[str, float] = {}

    def on_result(res: FileResult) -> None:
        rec = _record(res)
        records.append(rec)
        if rec.status != "ok":  # the reader logged why; the summary lists it again
            log.debug("%s: %s: %s", rec.rel_path, rec.status, rec.error)
        progress.advance(rec.rel_path, rec.status)
        committer.add(res)

    engine = make_engine(cfg.engine, cfg.workers, Limits(cfg.timeout_s, cfg.memory_mb),
                         cfg.scheduler, task)
    progress.start(len(todo.to_process))
    readable = [src for src in todo.to_process if src.refused is None]
    try:
        for src in todo.to_process:  # not regular files: their row needs no worker
            if src.refused is not None:
                on_result(failed_result(src, src.refused))
        if readable:
            t1 = time.perf_counter()
            engine.prepare()
            t2 = time.perf_counter()
            engine.run(readable, on_result)
            timings.update(warm_up=t2 - t1, process=time.perf_counter() - t2)
    except BaseException:
        dropped = committer.abandon_incomplete()
        committer.commit()
        log.warning("run interrupted: %d processed file(s) committed, %d left for the next "
                    "run", len(records) - dropped, len(todo.to_process) - len(records) + dropped)
        raise
    finally:
        progress.close()
        reap_stale_conversions()  # converters of workers killed mid-file, or interrupted
    if committer.abandon_incomplete():
        log.warning("some files sharing content with others got no result; next run redoes them")
    return records, timings


def _renormalise(committer: Committer, todo: Plan, spec: NamesSpec) -> float:
    """Re-match the stored names of the files whose overrides changed; its seconds."""
    if not todo.renormalise:
        return 0.0
    t0 = time.perf_counter()
    log.info("the name overrides changed: matching the names of %d unchanged file(s) again "
             "without reading them", len(todo.renormalise))
    committer.renormalise(todo.renormalise, Names.of(spec).rematch_stored)
    return time.perf_counter() - t0


def _run_locked(cfg: RunConfig, out: Storage, run_id: str, progress: Progress,
                spec: NamesSpec, task: Task) -> RunSummary:
    t0 = time.perf_counter()
    started = dt.datetime.now(dt.UTC)
    reap_stale_conversions()  # left by runs that were killed
    manifest = _open_manifest(cfg, out)
    was_complete = (manifest.meta.get("state") == "complete"
                    and "rebuild_before" not in manifest.meta and not cfg.full)
    recover(out, manifest)
    manifest = migrate_layout(out, manifest)
    run_seq = manifest.run_seq + 1
    files, skipped = _discover(cfg, out, manifest)
    stamp = Stamp(__version__, vocab_digest(), spec.digest)
    todo = plan(manifest, files, stamp, full=cfg.full, retry_failed=cfg.retry_failed)
    log.info("%d file(s) found: %s", len(files), todo.counts())
    if todo.counts().get("vocabulary"):
        log.info("the interpretation vocabularies changed since %d file(s) were read: "
                 "reading them again", todo.counts()["vocabulary"])

    committer = Committer(out, manifest, run_seq, stamp, todo.groups(), cfg.commit_every)
    in_name = stored_name(str(cfg.input.resolve()))  # not UTF-8: escaped (metadata is UTF-8)
    committer.set_meta(run_seq=str(run_seq), run_id=run_id, input=in_name,
                       pipeline_version=__version__, state="running")
    if cfg.full:  # recorded at once, so a plain run finishes a --full run that was killed
        committer.set_meta(rebuild_before=str(run_seq))
        committer.save()
    committer.stage(removed=todo.deleted, touched=todo.touched)
    committer.commit()
    discover_s = time.perf_counter() - t0
    renormalise_s = _renormalise(committer, todo, spec)
    records, timings = _process(cfg, todo, committer, progress, task)
    if renormalise_s:
        timings["renormalise"] = renormalise_s
    committer.set_meta(rebuild_before=None, state="complete")
    committer.commit()
    if records or committer.batches or not was_complete:  # else the manifest says it all
        committer.save()
    if cfg.compact_threshold:  # partitions holding more small parts than the threshold
        settings = CompactSettings(min_parts=cfg.compact_threshold + 1)
        committer.manifest = compact(out, committer.manifest, settings).manifest

    summary = RunSummary(files=len(files), skipped=len(skipped), processed=len(records),
                         seconds=time.perf_counter() - t0)
    for rec in records:
        summary.by_status[rec.status] += 1
        summary.rows.update(rec.rows)
        if rec.status != "ok":
            summary.failures.append((rec.rel_path, str(rec.error)))
    data_version = committer.manifest.meta.get("data_version")
    facts = {
        "run_id": run_id, "started_at": started.isoformat(timespec="seconds"),
        "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "seconds": round(summary.seconds, 3), "pipeline_version": __version__,
        "schema_version": SCHEMA_VERSION, "engine": cfg.engine, "workers": cfg.workers,
        "input": in_name, "out": stored_name(str(out.local.resolve()) if out.local else out.url),
        "files_seen": len(files), "skipped": len(skipped), "plan": todo.counts(),
        "batches": committer.batches, "data_version": data_version,
        "timings": {k: round(v, 3) for k, v in {"discover": discover_s, **timings}.items()},
        "process_files_per_s": (round(len(records) / timings["process"], 3)
                                if timings.get("process") else None),
    }
    summary.report = build_report(facts, records, committer.manifest,
                                  _completion(out, data_version))
    _write_reports(out, summary.report, data_version)
    return summary


def _write_reports(out: Storage, report: dict[str, Any], data_version: str | None) -> None:
    """The run report and the review file; on an object store the report is written to a
    local temporary folder and put (the review file is written for local outputs only)."""
    if out.local is not None:
        write_report(out.local, report)
        write_indicator_review(out.local, data_version)
        return
    with tempfile.TemporaryDirectory(prefix="natproj-report-") as tmp:
        for path in write_report(Path(tmp), report):
            out.put(path.name, path.read_bytes())
    log.info("run report: %s/%s", out.url, REPORT_JSON)
