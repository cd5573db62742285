"""Command line: ``python -m pipeline extract INPUT --out OUT``."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import signal
import sys
from pathlib import Path

from pipeline.batch.commit import DEFAULT_COMMIT_FILES
from pipeline.batch.compact import DEFAULT_COMPACT_THRESHOLD
from pipeline.batch.engines import ENGINES, EngineError
from pipeline.batch.progress import MODES, BarProgress, make_progress
from pipeline.batch.report import REPORT_HTML, REPORT_JSON, format_summary
from pipeline.batch.run import RunConfig, RunError, run
from pipeline.batch.storage import out_location, storage_option
from pipeline.batch.workers import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_S
from pipeline.compact_cli import add_compact_parser, compact_main

EXIT_OK, EXIT_CANNOT_RUN, EXIT_INTERRUPTED, EXIT_TERMINATED = 0, 2, 130, 143

EPILOG = f"""\
incremental runs:
  OUT/_manifest.parquet records every file seen (content hash, size, mtime, pipeline
  version, status, rows and part files). A run processes only new and changed files and
  files processed by another pipeline version, and removes the rows of deleted and changed
  files; --full reprocesses everything. Results are committed every --commit-every files:
  a run that is killed keeps what it committed and the next run finishes the work.

outputs:
  OUT/<table>/year_part=<year>/*.parquet for documents, indicators, activities, finance;
  OUT/{REPORT_JSON} and OUT/{REPORT_HTML} describe the last run.

exit codes:
  {EXIT_OK}    the run finished, even when some files failed (see the documents table's
       status and error columns, and the summary printed at the end)
  {EXIT_CANNOT_RUN}    the run could not proceed: bad options, input missing or empty while the
       output holds files, output folder not writable, full or used by another run,
       unreadable manifest (use --full), Dask scheduler unreachable or its workers on
       another pipeline version
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C): committed batches are kept; run again to finish
  {EXIT_TERMINATED}  terminated (SIGTERM): the same; workers and converters are stopped first
"""


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread so it takes the Ctrl-C path: workers are stopped,
    what was committed stays, the run ends with ``EXIT_TERMINATED``."""


def _on_sigterm(signum: int, frame: object) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends the run at once
    raise Terminated()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="Extract indicators, activities and finance from municipal reports "
        "on the national projects into Parquet datasets.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser(
        "extract", help="process a folder (or one file) of reports",
        description="Process every report under INPUT (DOCX, PDF, TXT, DOC, ODT, RTF, XLSX, "
        "HTML; other files are skipped) and write the tables documents, indicators, "
        "activities and finance as Parquet datasets under --out.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ex.add_argument("input", type=Path, help="folder of reports (searched recursively) or a file")
    ex.add_argument("--out", type=out_location, default=Path("data/out"),
                    help="output folder for the Parquet datasets, or an fsspec URL such as "
                    "s3://bucket/prefix (default: data/out)")
    ex.add_argument("--storage-option", action="append", default=[], metavar="KEY=VALUE",
                    type=storage_option, help="option of the output's filesystem, e.g. "
                    "endpoint_url=http://127.0.0.1:9000 for an S3-compatible store "
                    "(repeatable)")
    ex.add_argument("--workers", type=int, default=1,
                    help="worker processes (local engine) or LocalCluster workers (dask "
                    "engine without --scheduler); 0 runs in this process (default: 1)")
    ex.add_argument("--engine", choices=ENGINES, default="local",
                    help="local: a process pool on this machine; dask: a Dask cluster "
                    "(default: local)")
    ex.add_argument("--scheduler", metavar="ADDRESS",
                    help="Dask scheduler, e.g. tcp://10.0.0.5:8786 (with --engine dask; "
                    "default: start a LocalCluster of --workers processes)")
    ex.add_argument("--full", action="store_true",
                    help="reprocess every file, not only new and changed ones")
    ex.add_argument("--retry-failed", action="store_true",
                    help="also reprocess unchanged files that failed last time")
    ex.add_argument("--checksum", action="store_true",
                    help="hash every file to find changes (default: trust unchanged size "
                    "and modification time)")
    ex.add_argument("--follow-symlinks", action="store_true",
                    help="also read symbolic links to files outside the input folder "
                    "(default: such links, loops, dangling links, FIFOs and devices get a "
                    "failed row and are not read)")
    ex.add_argument("--overrides", type=Path, metavar="CSV",
                    help="analysts' name decisions (raw_name,canonical,note); default: "
                    "data/reference/overrides.csv of the working folder when it exists. A "
                    "change is applied to the stored rows by the next run, without --full")
    ex.add_argument("--commit-every", type=int, default=DEFAULT_COMMIT_FILES, metavar="N",
                    help=f"commit results every N files (default: {DEFAULT_COMMIT_FILES})")
    ex.add_argument("--compact-threshold", type=int, default=DEFAULT_COMPACT_THRESHOLD,
                    metavar="N", help="at the end of the run, merge the parts of every "
                    f"partition holding more than N small parts (0: never; default: "
                    f"{DEFAULT_COMPACT_THRESHOLD}; see the compact command)")
    ex.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S,
                    help=f"seconds one file may take before it is marked failed "
                    f"(default: {DEFAULT_TIMEOUT_S:.0f})")
    ex.add_argument("--memory-mb", type=int, default=DEFAULT_MEMORY_MB,
                    help=f"memory one worker may use before its file is marked failed "
                    f"(default: {DEFAULT_MEMORY_MB})")
    ex.add_argument("--progress", choices=MODES, default="auto",
                    help="bar: a progress bar; log: a log line every 10 s; auto: bar on a "
                    "terminal, log otherwise (default: auto)")
    ex.add_argument("--json", action="store_true",
                    help=f"print the full run report as JSON instead of the summary "
                    f"(it is always written to OUT/{REPORT_JSON})")
    ex.add_argument("-q", "--quiet", action="store_true", help="log warnings only")
    ex.add_argument("-v", "--verbose", action="store_true", help="log debug detail")
    add_compact_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "compact":
        return compact_main(args)
    level = logging.WARNING if args.quiet else logging.DEBUG if args.verbose else logging.INFO
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not args.verbose:  # Dask's own start/stop chatter
        logging.getLogger("distributed").setLevel(logging.WARNING)
    log = logging.getLogger("pipeline")
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        cfg = RunConfig(args.input, args.out, workers=args.workers, timeout_s=args.timeout,
                        memory_mb=args.memory_mb, engine=args.engine, scheduler=args.scheduler,
                        full=args.full, retry_failed=args.retry_failed, checksum=args.checksum,
                        follow_symlinks=args.follow_symlinks,
                        commit_every=args.commit_every, overrides=args.overrides,
                        compact_threshold=args.compact_threshold,
                        storage_options=tuple(args.storage_option))
        progress = make_progress(args.progress)
        redirect: contextlib.AbstractContextManager[object] = contextlib.nullcontext()
        if isinstance(progress, BarProgress):
            from tqdm.contrib.logging import logging_redirect_tqdm

            redirect = logging_redirect_tqdm()
        with redirect:
            summary = run(cfg, progress=progress)
    except (RunError, EngineError, ValueError) as exc:
        log.error("%s", exc)
        return EXIT_CANNOT_RUN
    except OSError as exc:  # e.g. the disk filled up: committed batches are kept
        log.error("reading or writing failed: %s", exc)
        return EXIT_CANNOT_RUN
    except Terminated:
        log.error("terminated (SIGTERM); workers stopped, committed results are kept, run "
                  "again to finish")
        return EXIT_TERMINATED
    except KeyboardInterrupt:
        log.error("interrupted; committed results are kept, run again to finish")
        return EXIT_INTERRUPTED
    finally:
        signal.signal(signal.SIGTERM, previous)
    if args.json:
        sys.stdout.write(json.dumps(summary.report, ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(format_summary(summary.report) + "\n")
        sys.stdout.write(f"report: {args.out}/{REPORT_HTML}\n")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
