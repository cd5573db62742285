"""Command line of ``natproj-extract export OUT --xlsx FILE | --csv DIR`` (its own subparser,
like ``compact``; exit codes, logging and signals are those of ``pipeline.__main__``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from pipeline.batch.load.lock import RunError
from pipeline.batch.load.storage import StorageError, open_storage, out_location
from pipeline.compact_cli import add_output_options
from pipeline.exitcodes import ExitCode
from pipeline.export import export_csv, export_xlsx
from pipeline.load import part_rels


def add_export_parser(sub: Any) -> argparse.ArgumentParser:
    """Add the ``export`` subcommand to ``sub`` (an ``add_subparsers`` result)."""
    ep = sub.add_parser(
        "export", help="write an output's tables as an Excel workbook or CSV files",
        description="Write the tables of OUT (documents, indicators, series, activities, "
        "finance) for analysts: --xlsx one workbook with a sheet per table (Russian "
        "headers, frozen header row, autofilter), --csv one CSV file per table (UTF-8 with "
        "BOM, ';' separated, decimal commas) that a Russian Excel opens as it is. Reads the "
        "last committed state; safe while a run writes.")
    ep.add_argument("out", type=out_location, help="output of extract runs: a folder or an "
                    "fsspec URL such as s3://bucket/prefix")
    ep.add_argument("--xlsx", type=Path, metavar="FILE", help="the workbook to write")
    ep.add_argument("--csv", type=Path, metavar="DIR", help="the folder of CSV files to write")
    add_output_options(ep)
    return ep


def export_main(args: argparse.Namespace) -> int:
    """Run ``export`` from parsed arguments; the exit code.

    Raises:
        RunError: no output there.
        ValueError: neither --xlsx nor --csv.
    """
    if args.xlsx is None and args.csv is None:
        raise ValueError("export: pass --xlsx FILE, --csv DIR or both")
    export_output(args.out, dict(args.storage_option), args.xlsx, args.csv)
    return ExitCode.OK


def export_output(location: Path | str, storage_options: dict[str, str],
                  xlsx: Path | None, csv: Path | None) -> None:
    """Write the output at ``location`` as a workbook and / or CSV files, saying what was
    written on stdout (``export`` and ``extract --export-xlsx / --export-csv``).

    Raises:
        RunError: no output there.
    """
    try:
        out = open_storage(location, storage_options)
    except StorageError as exc:
        raise RunError(str(exc)) from None
    if not part_rels(out, "documents"):
        raise RunError(f"{out.url} holds no output (run extract first)")
    if xlsx is not None:
        done = export_xlsx(out, xlsx)
        sys.stdout.write(f"{xlsx}: {_counts(done.rows)}\n")
    if csv is not None:
        done = export_csv(out, csv)
        sys.stdout.write(f"{csv}: {_counts(done.rows)}\n")


def _counts(rows: dict[str, int]) -> str:
    return ", ".join(f"{table} {n}" for table, n in rows.items())
