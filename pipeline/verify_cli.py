"""Command line of ``natproj-extract verify OUT``: check every part an output's manifest names
(its footer readable, its row count as the manifest records it where it does) without reading
the data or changing anything. Exit 0 when sound, 1 when damaged parts were found (each
listed), 2 when it cannot run (no output there, an unreadable manifest)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from pipeline.batch.load.damage import DamagedPart, describe, find_damaged
from pipeline.batch.load.lock import RunError
from pipeline.batch.load.manifest import (
    DAMAGED_MARK,
    MANIFEST_NAME,
    Manifest,
    ManifestError,
    load_manifest,
)
from pipeline.batch.load.storage import (
    Storage,
    StorageError,
    open_storage,
    out_location,
)
from pipeline.compact_cli import add_output_options
from pipeline.exitcodes import ExitCode
from pipeline.logs import printable


def add_verify_parser(sub: Any) -> argparse.ArgumentParser:
    """Add the ``verify`` subcommand to ``sub`` (an ``add_subparsers`` result)."""
    vp = sub.add_parser(
        "verify", help="check that every Parquet part of an output is readable",
        description="Check every part OUT's manifest names: present, its footer readable, "
        "its row count the one the manifest records (where it records it). Reads footers "
        "only and changes nothing; an extract run sets damaged parts aside under "
        "OUT/_damaged/ and reads their files again. Exit 0: sound; 1: damaged parts (listed); "
        "2: cannot run.")
    vp.add_argument("out", type=out_location, help="output of extract runs: a folder or an "
                    "fsspec URL such as s3://bucket/prefix")
    add_output_options(vp)
    return vp


def _check(storage: Storage) -> tuple[Manifest, list[DamagedPart]]:
    """The manifest and its damaged parts; checked again against a manifest a run committed
    meanwhile (its superseded parts go, which would look missing)."""
    manifest, damaged = Manifest(), []
    for _ in range(3):
        try:
            manifest = load_manifest(storage)
        except ManifestError as exc:
            raise RunError(str(exc)) from None
        damaged = find_damaged(storage, manifest)
        if not damaged or load_manifest(storage).meta == manifest.meta:
            break
    return manifest, damaged


def verify_main(args: argparse.Namespace) -> int:
    """Run ``verify`` from parsed arguments; the exit code.

    Raises:
        RunError: no output there, or its manifest is unreadable.
    """
    try:
        storage = open_storage(args.out, dict(args.storage_option))
    except StorageError as exc:
        raise RunError(str(exc)) from None
    if not storage.exists(MANIFEST_NAME):
        raise RunError(f"{storage.url} holds no {MANIFEST_NAME}: not an output folder")
    manifest, damaged = _check(storage)
    for part in damaged:
        sys.stdout.write(f"damaged\t{printable(describe(storage, part))}\n")
    waiting = sorted(r for r, e in manifest.entries.items() if e.pipeline_version == DAMAGED_MARK)
    n_parts = len(manifest.referenced_parts())
    sys.stdout.write(f"verified {n_parts} part(s) of {len(manifest.entries)} file(s): "
                     f"{len(damaged)} damaged\n")
    if waiting:
        sys.stdout.write(f"{len(waiting)} file(s) whose rows lost a damaged part earlier are "
                         "read again by the next extract run\n")
    return ExitCode.DAMAGED if damaged else ExitCode.OK
