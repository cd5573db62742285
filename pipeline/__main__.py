"""Command line: ``natproj-extract extract INPUT --out OUT``, ``natproj-extract compact OUT``
and ``natproj-extract verify OUT``, ``natproj-extract export OUT --xlsx FILE`` (or
``python -m pipeline``).

The options and their layering (command line > ``NATPROJ_*`` > ``--config`` TOML > defaults)
are in ``pipeline.cli``; exit codes in ``pipeline.exitcodes.ExitCode``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

from pipeline.batch.load.storage import location
from pipeline.batch.review.report import REPORT_HTML, format_summary
from pipeline.batch.run.engines import EngineError
from pipeline.batch.run.progress import BarProgress, make_progress
from pipeline.batch.run.runner import RunError, RunSummary, preview, run
from pipeline.cli import PROGRAM, CliSettings, ConfigError, build_parser, settings
from pipeline.compact_cli import compact_main
from pipeline.exitcodes import ExitCode
from pipeline.export_cli import export_main, export_output
from pipeline.logs import printable, setup_logging
from pipeline.verify_cli import verify_main

log = logging.getLogger("pipeline")


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread so it takes the Ctrl-C path: workers are stopped,
    what was committed stays, the run ends with ``ExitCode.TERMINATED``."""


def _on_sigterm(signum: int, frame: object) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends the run at once
    raise Terminated()


def _prog() -> str:
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    return PROGRAM if name == PROGRAM else "python -m pipeline"


def _dry_run(opts: CliSettings) -> int:
    todo, skipped = preview(opts.run)
    listing = todo.listing()
    if opts.json:
        sys.stdout.write(json.dumps({
            "dry_run": True, "plan": todo.counts(), "skipped": len(skipped),
            "files": [{"path": p, "reason": r} for r, p in listing]},
            ensure_ascii=False, indent=1) + "\n")
    else:
        for reason, path in listing:
            sys.stdout.write(f"{reason}\t{printable(path)}\n")
        unchanged = set(todo.unchanged) - set(todo.renormalise) - set(todo.row_decisions)
        sys.stdout.write(f"dry run: {len(todo.to_process)} file(s) to process, "
                         f"{len(todo.renormalise)} to re-normalise, "
                         f"{len(todo.row_decisions)} with rows the review drops, "
                         f"{len(todo.deleted)} deleted, {len(unchanged)} unchanged; "
                         f"nothing was written to {opts.run.out}\n")
    return ExitCode.OK


def _run(opts: CliSettings) -> RunSummary:
    progress = make_progress(opts.progress)
    redirect: contextlib.AbstractContextManager[object] = contextlib.nullcontext()
    if isinstance(progress, BarProgress):
        from tqdm.contrib.logging import logging_redirect_tqdm

        redirect = logging_redirect_tqdm()
    with redirect:
        return run(opts.run, progress=progress)


def _report(opts: CliSettings, summary: RunSummary) -> int:
    if opts.json:
        sys.stdout.write(json.dumps(summary.report, ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(format_summary(summary.report) + "\n")
        sys.stdout.write(f"report: {location(opts.run.out, REPORT_HTML)}\n")
    if summary.failed:
        log.warning("%d of the %d file(s) processed failed (exit code %d)", summary.failed,
                    summary.processed, ExitCode.FILES_FAILED)
        return ExitCode.FILES_FAILED
    return ExitCode.OK


def _extract(opts: CliSettings) -> int:
    if opts.dry_run:
        return _dry_run(opts)
    code = _report(opts, _run(opts))
    if opts.export_xlsx is not None or opts.export_csv is not None:
        export_output(opts.run.out, dict(opts.run.storage_options), opts.export_xlsx,
                      opts.export_csv)
    return code


def _guarded(work: Callable[[], int]) -> int:
    """``work()`` with SIGTERM taking the Ctrl-C path and the run's errors as exit codes."""
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return work()
    except (RunError, EngineError, ValueError) as exc:
        log.error("%s", exc)
        return ExitCode.CANNOT_RUN
    except OSError as exc:  # e.g. the disk filled up: committed batches are kept
        log.error("reading or writing failed: %s", exc)
        return ExitCode.CANNOT_RUN
    except Terminated:
        log.error("terminated (SIGTERM); workers stopped, committed results are kept, run "
                  "again to finish")
        return ExitCode.TERMINATED
    except KeyboardInterrupt:
        log.error("interrupted; committed results are kept, run again to finish")
        return ExitCode.INTERRUPTED
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: list[str] | None = None) -> int:
    args = build_parser(_prog()).parse_args(argv)
    if args.command in ("compact", "verify"):
        setup_logging(json_lines=args.log_format == "json", quiet=args.quiet, verbose=False)
        sub = compact_main if args.command == "compact" else verify_main
        return _guarded(lambda: sub(args))
    if args.command == "export":
        setup_logging(json_lines=args.log_format == "json", quiet=args.quiet, verbose=False)
        return _guarded(lambda: export_main(args))
    try:
        opts = settings(args, os.environ)
    except (ConfigError, ValueError) as exc:
        setup_logging(json_lines=getattr(args, "log_format", None) == "json", quiet=False,
                      verbose=False)
        log.error("%s", exc)
        return ExitCode.CANNOT_RUN
    setup_logging(json_lines=opts.log_format == "json", quiet=opts.quiet, verbose=opts.verbose)
    for note in opts.notes:
        log.warning("%s", note)
    return _guarded(lambda: _extract(opts))


def console() -> None:
    """Entry point of the ``natproj-extract`` console script."""
    sys.exit(main())


if __name__ == "__main__":
    console()
