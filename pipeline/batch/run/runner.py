"""A run: compare the input folder with the output's manifest, process what changed, commit.

Only new, changed and outdated files are processed (``full`` reprocesses all); rows of deleted
and changed files are removed; results are committed in batches
(``pipeline.batch.load.commit``), so a killed run keeps the batches it committed and the next
run does the rest.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractors import ExtractLimits
from extractors.legacy import reap_stale_conversions
from extractors.tools import forget_checks, tool_available
from pipeline import __version__
from pipeline.batch.load.commit import Committer, recover
from pipeline.batch.load.compact import CompactSettings, compact
from pipeline.batch.load.damage import find_damaged, marked, set_aside_damaged
from pipeline.batch.load.layout import migrate_layout
from pipeline.batch.load.lock import output_lock, storage_lock
from pipeline.batch.load.manifest import (
    MANIFEST_NAME,
    Manifest,
    ManifestError,
    Plan,
    Reason,
    Stamp,
    load_manifest,
    plan,
)
from pipeline.batch.load.storage import Storage, StorageError
from pipeline.batch.load.write import list_parts, remove_part
from pipeline.batch.review.decisions import ReviewState, with_decisions
from pipeline.batch.review.finish import read_review, read_row_review, write_outputs
from pipeline.batch.review.report import FileRecord
from pipeline.batch.review.row_decisions import ROW_DECISIONS_FILE, RowDecisions, load_row_decisions
from pipeline.batch.run.config import (
    RunConfig,
    RunError,
    check_input,
    check_paths,
    input_name,
    names_spec,
    open_output,
)
from pipeline.batch.run.discover import discover, stored_name
from pipeline.batch.run.engines import check_scheduler, make_engine
from pipeline.batch.run.progress import NullProgress, Progress
from pipeline.batch.run.remote_input import RemoteInput, discover_remote, fetch_all, opened_input
from pipeline.batch.run.workers import Limits, Task
from pipeline.normalise.names import Names, NamesSpec
from pipeline.process import FileProcessor, FileResult, FileSettings, failed_result
from pipeline.sources import SourceFile
from pipeline.vocab import vocab_digest
from schemas import SCHEMA_VERSION

log = logging.getLogger(__name__)

__all__ = ["RunConfig", "RunError", "RunSummary", "output_lock", "preview", "run"]


@dataclass(slots=True)
class RunSummary:
    """What a run did; ``report`` is the run report (also written to OUT/run_report.json)."""

    files: int = 0
    skipped: int = 0
    processed: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    rows: Counter[str] = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (path, reason), not ok
    seconds: float = 0.0
    report: dict[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> int:
        """Files of this run that failed (the CLI then exits with 1)."""
        return self.by_status.get("failed", 0)


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
        RunError: the input is missing or holds the output folder, the output folder is not
            writable, another run holds it, its manifest is unreadable (without ``full``), or
            the overrides are wrong.
        EngineError: the Dask scheduler is unreachable or its workers differ.
    """
    out = open_output(cfg)
    spec = names_spec(cfg)  # what can stop the run is checked before OUT is created
    if cfg.engine == "dask" and cfg.scheduler:
        check_scheduler(cfg.scheduler)
    check_paths(cfg, out)
    run_id = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:6]
    with storage_lock(out, run_id), _input(cfg) as remote:
        review = read_review(out)
        spec = with_decisions(spec, review)
        return _run_locked(cfg, out, remote, run_id, progress or NullProgress(), spec,
                           (review, read_row_review(out)),
                           task or FileProcessor(FileSettings(
                               names=spec, limits=ExtractLimits(cfg.timeout_s, cfg.memory_mb))))


@contextlib.contextmanager
def _input(cfg: RunConfig) -> Iterator[RemoteInput | None]:
    try:
        with opened_input(cfg.input, dict(cfg.storage_options)) as remote:
            yield remote
    except StorageError as exc:
        raise RunError(str(exc)) from None


def preview(cfg: RunConfig) -> tuple[Plan, list[str]]:
    """What ``run(cfg)`` would do, and the files it would skip, writing nothing (the output
    folder is not even created): ``Plan.listing()`` gives each file with its reason.

    Raises:
        RunError: as ``run`` does for the input, the overrides and the manifest.
    """
    check_input(cfg)
    spec = names_spec(cfg)
    out = open_output(cfg)
    manifest = Manifest()
    if out.local is None or out.local.is_dir():
        try:
            manifest = load_manifest(out)
        except ManifestError as exc:
            if not cfg.full:
                raise RunError(str(exc)) from None
        if manifest.exists and manifest.meta.get("schema_version") != SCHEMA_VERSION:
            manifest = Manifest()  # rebuilt from scratch: every file is new
        manifest.entries = marked(manifest, find_damaged(out, manifest))
    with _input(cfg) as remote:
        files, skipped = _discover(cfg, manifest, remote)
    stamp = Stamp(__version__, vocab_digest(), spec.digest)
    drops = (RowDecisions(load_row_decisions(out.local / ROW_DECISIONS_FILE)).drops()
             if out.local is not None else {})
    return plan(manifest, files, stamp, full=cfg.full, retry_failed=cfg.retry_failed,
                tool_available=functools.cache(tool_available), drops=drops), skipped


def _discover(cfg: RunConfig, manifest: Manifest, remote: RemoteInput | None
              ) -> tuple[list[SourceFile], list[str]]:
    def known(rel: str) -> tuple[int, float, str] | None:
        e = manifest.entries.get(rel)
        return None if e is None or cfg.checksum else (e.size, e.mtime, e.doc_id)

    if remote is None:  # the output is not inside the input (config.check_input)
        files, skipped = discover(Path(cfg.input), known, (), cfg.follow_symlinks)
    else:
        try:
            files, skipped = discover_remote(remote, known)
        except FileNotFoundError:
            files, skipped = [], []
        except OSError as exc:
            raise RunError(f"cannot list the input {remote.url}: {exc}") from None
        if not files and not manifest.entries:
            raise RunError(f"no reports found under {remote.url}")
    if not files and manifest.entries and not cfg.full:
        raise RunError(f"no reports found under {cfg.input}, but the output holds "
                       f"{len(manifest.entries)} file(s): refusing to remove them all (is the "
                       "input folder mounted?); pass --full to empty the output")
    previous_input, name = manifest.meta.get("input"), input_name(cfg)
    if previous_input and previous_input != name:
        log.warning("the output was built from %s; files not under %s are removed from it",
                    previous_input, name)
    return files, skipped


def _process(cfg: RunConfig, todo: Plan, committer: Committer, progress: Progress,
             task: Task) -> tuple[list[FileRecord], dict[str, float]]:
    """Run the engine over the files to process, committing as results come."""
    records: list[FileRecord] = []
    timings: dict[str, float] = {}

    def on_result(res: FileResult) -> None:
        rec = _record(res)
        records.append(rec)
        if rec.status == "failed":  # the reason as text, and as fields for JSON logs
            log.warning("%s: failed: %s", rec.rel_path, rec.error,
                        extra={"file": rec.rel_path, "reason": str(rec.error)})
        elif rec.status != "ok":
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
        committer.abandon_incomplete()
        try:
            committer.commit()
        except OSError as exc:  # the disk or store that stopped the run, most likely
            log.warning("the last results could not be committed: %s", exc)
        done = committer.committed_files()  # what the manifest holds, not what was sent
        log.warning("run interrupted: %d file(s) of this run committed, %d left for the next "
                    "run", done, len(todo.to_process) - done)
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


def _drop_rows(committer: Committer, todo: Plan) -> float:
    """Remove the rows the review drops from the stored rows of unchanged files; its
    seconds."""
    if not todo.row_decisions:
        return 0.0
    t0 = time.perf_counter()
    log.info("the row decisions changed: removing the dropped rows of %d unchanged file(s) "
             "without reading them", len(todo.row_decisions))
    committer.drop_rows(todo.row_decisions)
    return time.perf_counter() - t0


def _run_locked(cfg: RunConfig, out: Storage, remote: RemoteInput | None, run_id: str,
                progress: Progress, spec: NamesSpec,
                reviews: tuple[ReviewState, RowDecisions], task: Task) -> RunSummary:
    t0 = time.perf_counter()
    started = dt.datetime.now(dt.UTC)
    reap_stale_conversions()  # left by runs that were killed
    manifest = _open_manifest(cfg, out)
    was_complete = (manifest.meta.get("state") == "complete"
                    and "rebuild_before" not in manifest.meta and not cfg.full)
    recover(out, manifest)
    manifest, damaged = set_aside_damaged(out, manifest)
    manifest = migrate_layout(out, manifest)
    run_seq = manifest.run_seq + 1
    files, skipped = _discover(cfg, manifest, remote)
    stamp = Stamp(__version__, vocab_digest(), spec.digest)
    review, row_review = reviews
    drops = row_review.drops()
    todo = plan(manifest, files, stamp, full=cfg.full, retry_failed=cfg.retry_failed,
                tool_available=functools.cache(tool_available),  # asked once a tool a run
                drops=drops)
    log.info("%d file(s) found: %s", len(files), todo.counts())
    if todo.counts().get(Reason.VOCABULARY):
        log.info("the interpretation vocabularies changed since %d file(s) were read: "
                 "reading them again", todo.counts()[Reason.VOCABULARY])
    if todo.counts().get(Reason.TOOL_AVAILABLE):
        log.info("%d file(s) that failed for want of a converter are read again: it is "
                 "installed now", todo.counts()[Reason.TOOL_AVAILABLE])
        forget_checks()  # before workers fork: a check cached by an earlier run is stale
    if todo.counts().get(Reason.RESTORE):
        log.info("%d file(s) with rows the review no longer drops are read again to restore "
                 "them", todo.counts()[Reason.RESTORE])
    if remote is not None:
        fetch_all(remote, todo.to_process)  # the extractors read local files

    committer = Committer(out, manifest, run_seq, stamp, todo.groups(), cfg.commit_every,
                          drops=drops)
    in_name = input_name(cfg)
    committer.set_meta(run_seq=str(run_seq), run_id=run_id, input=in_name,
                       pipeline_version=__version__, state="running")
    if cfg.full:  # recorded at once, so a plain run finishes a --full run that was killed
        committer.set_meta(rebuild_before=str(run_seq))
        committer.save()
    committer.stage(removed=todo.deleted, touched=todo.touched)
    committer.commit()
    discover_s = time.perf_counter() - t0
    renormalise_s = _renormalise(committer, todo, spec)
    drop_s = _drop_rows(committer, todo)
    records, timings = _process(cfg, todo, committer, progress, task)
    if renormalise_s:
        timings["renormalise"] = renormalise_s
    if drop_s:
        timings["row_decisions"] = drop_s
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
        "damaged_parts": [{"part": d.rel, "reason": d.reason, "files": len(d.files)}
                          for d in damaged],
        "timings": {k: round(v, 3) for k, v in {"discover": discover_s, **timings}.items()},
        "process_files_per_s": (round(len(records) / timings["process"], 3)
                                if timings.get("process") else None),
    }
    summary.report = write_outputs(out, facts, records, committer.manifest, review,
                                   row_review)
    return summary
