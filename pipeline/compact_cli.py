"""Command line of ``natproj-extract compact OUT`` (its own subparser, kept apart from the
``extract`` options; the exit codes, logging set-up and signal handling are those of
``pipeline.__main__``)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from pipeline.batch.load.compact import (
    DEFAULT_TARGET_MB,
    DEFAULT_TARGET_ROWS,
    CompactSettings,
    compact_output,
)
from pipeline.batch.load.damage import DAMAGED_DIR, describe
from pipeline.batch.load.lock import RunError
from pipeline.batch.load.storage import StorageError, open_storage, out_location, storage_option
from pipeline.exitcodes import ExitCode
from pipeline.logs import printable


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """The options every subcommand over an output shares: its filesystem's options and the
    log format."""
    parser.add_argument("--storage-option", action="append", default=[], metavar="KEY=VALUE",
                        type=storage_option, help="option of the output's filesystem, e.g. "
                        "endpoint_url=http://127.0.0.1:9000 (repeatable)")
    parser.add_argument("--log-format", choices=("text", "json"), default="text",
                        help="text: plain lines; json: one JSON object a line (default: text)")
    parser.add_argument("-q", "--quiet", action="store_true", help="log warnings only")


def add_compact_parser(sub: Any) -> argparse.ArgumentParser:
    """Add the ``compact`` subcommand to ``sub`` (an ``add_subparsers`` result)."""
    cp = sub.add_parser(
        "compact", help="merge the small Parquet parts of an output into few large ones",
        description="Merge the small parts of every partition of OUT's tables into parts of "
        "up to --target-mb / --target-rows, committed with the manifest (a crash leaves the "
        "old parts readable). Takes the output lock, so it never races an extract run.")
    cp.add_argument("out", type=out_location, help="output of extract runs: a folder or an "
                    "fsspec URL such as s3://bucket/prefix")
    cp.add_argument("--target-mb", type=int, default=DEFAULT_TARGET_MB, metavar="MB",
                    help=f"size of a merged part (default: {DEFAULT_TARGET_MB})")
    cp.add_argument("--target-rows", type=int, default=DEFAULT_TARGET_ROWS, metavar="N",
                    help=f"rows of a merged part at most (default: {DEFAULT_TARGET_ROWS})")
    cp.add_argument("--min-parts", type=int, default=2, metavar="N",
                    help="compact a partition holding at least N small parts (default: 2)")
    add_output_options(cp)
    return cp


def compact_main(args: argparse.Namespace) -> int:
    """Run ``compact`` from parsed arguments; the exit code.

    Raises:
        RunError: no output there, an unreadable manifest, or another run holds it.
        ValueError: wrong settings.
    """
    settings = CompactSettings(target_bytes=args.target_mb << 20, target_rows=args.target_rows,
                               min_parts=args.min_parts)
    try:
        out = open_storage(args.out, dict(args.storage_option))
    except StorageError as exc:
        raise RunError(str(exc)) from None
    result = compact_output(out, settings)
    sys.stdout.write(f"compacted {result.partitions} partition(s): {result.parts_merged} "
                     f"part(s) merged into {result.parts_written}\n")
    for part in result.damaged:
        sys.stdout.write(f"skipped damaged part {printable(describe(out, part))}: set aside "
                         f"under {DAMAGED_DIR}/, the next extract run reads its files again\n")
    return ExitCode.OK
