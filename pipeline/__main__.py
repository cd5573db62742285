"""Command line: ``python -m pipeline extract INPUT --out OUT``."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from pipeline.run import RunConfig, RunError, run
from pipeline.workers import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_S

EPILOG = """\
exit codes:
  0  the run finished (even when some files failed: see the documents table's
     status and error columns, and the summary printed at the end)
  2  the run could not proceed: input missing, output folder not writable, bad options
"""


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
    ex.add_argument("--out", type=Path, default=Path("data/out"),
                    help="output folder for the Parquet datasets (default: data/out)")
    ex.add_argument("--workers", type=int, default=1,
                    help="worker processes; 0 runs in this process (default: 1)")
    ex.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S,
                    help=f"seconds one file may take before it is marked failed "
                    f"(default: {DEFAULT_TIMEOUT_S:.0f})")
    ex.add_argument("--memory-mb", type=int, default=DEFAULT_MEMORY_MB,
                    help=f"memory one worker may use before its file is marked failed "
                    f"(default: {DEFAULT_MEMORY_MB})")
    ex.add_argument("-q", "--quiet", action="store_true", help="log warnings only")
    ex.add_argument("-v", "--verbose", action="store_true", help="log debug detail")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    level = logging.WARNING if args.quiet else logging.DEBUG if args.verbose else logging.INFO
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log = logging.getLogger("pipeline")
    try:
        cfg = RunConfig(args.input, args.out, args.workers, args.timeout, args.memory_mb)
        summary = run(cfg)
    except (RunError, ValueError) as exc:
        log.error("%s", exc)
        return 2
    sys.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
