"""Command line of ``python -m pipeline compact OUT`` (its own subparser, kept apart from
the ``extract`` options)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from pipeline.batch.compact import (
    DEFAULT_TARGET_MB,
    DEFAULT_TARGET_ROWS,
    CompactSettings,
    compact_output,
)
from pipeline.batch.lock import RunError

EXIT_OK, EXIT_CANNOT_RUN = 0, 2


def add_compact_parser(sub: Any) -> argparse.ArgumentParser:
    """Add the ``compact`` subcommand to ``sub`` (an ``add_subparsers`` result)."""
    cp = sub.add_parser(
        "compact", help="merge the small Parquet parts of an output into few large ones",
        description="Merge the small parts of every partition of OUT's tables into parts of "
        "up to --target-mb / --target-rows, committed with the manifest (a crash leaves the "
        "old parts readable). Takes the output lock, so it never races an extract run.")
    cp.add_argument("out", type=Path, help="output folder of extract runs")
    cp.add_argument("--target-mb", type=int, default=DEFAULT_TARGET_MB, metavar="MB",
                    help=f"size of a merged part (default: {DEFAULT_TARGET_MB})")
    cp.add_argument("--target-rows", type=int, default=DEFAULT_TARGET_ROWS, metavar="N",
                    help=f"rows of a merged part at most (default: {DEFAULT_TARGET_ROWS})")
    cp.add_argument("--min-parts", type=int, default=2, metavar="N",
                    help="compact a partition holding at least N small parts (default: 2)")
    cp.add_argument("-q", "--quiet", action="store_true", help="log warnings only")
    return cp


def compact_main(args: argparse.Namespace) -> int:
    """Run ``compact`` from parsed arguments; the exit code."""
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log = logging.getLogger("pipeline")
    try:
        settings = CompactSettings(target_bytes=args.target_mb << 20,
                                   target_rows=args.target_rows, min_parts=args.min_parts)
        result = compact_output(args.out, settings)
    except (RunError, ValueError) as exc:
        log.error("%s", exc)
        return EXIT_CANNOT_RUN
    except OSError as exc:
        log.error("reading or writing failed: %s", exc)
        return EXIT_CANNOT_RUN
    sys.stdout.write(f"compacted {result.partitions} partition(s): {result.parts_merged} "
                     f"part(s) merged into {result.parts_written}\n")
    return EXIT_OK
