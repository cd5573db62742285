"""Write the output tables as Parquet datasets, atomically.

Each table is a folder ``<out>/<table>/`` of Parquet parts. A part is written to a hidden
temporary name in the same folder and renamed into place with ``os.replace``, so a reader
(or a run killed midway) never sees a half-written file.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from schemas import TABLES
from schemas.validate import validate_rows


def rows_to_table(name: str, rows: Iterable[Mapping[str, Any]]) -> pa.Table:
    """Build a pyarrow Table of ``name``'s schema from row dicts, validating every value.

    Raises:
        ValueError: a value does not fit the schema (lists every violation).
    """
    schema = TABLES[name]
    rows = list(rows)
    problems = validate_rows(name, rows)
    if problems:
        raise ValueError(f"{len(problems)} schema violation(s) in {name}: {problems[:5]}")
    columns = {f.name: [r.get(f.name) for r in rows] for f in schema}
    return pa.table(columns, schema=schema)


def save_atomic(table: pa.Table, target: Path) -> None:
    """Write ``table`` to ``target`` through a temporary file in the same folder."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.{uuid.uuid4().hex}.tmp"
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def part_name(prefix: str = "part") -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    return f"{prefix}-{stamp}-{uuid.uuid4().hex[:8]}.parquet"
