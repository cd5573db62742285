"""The distinct names of the review workbook, gathered on disk: the output's rows marked for
review are read a slice of a part at a time (``COLUMNS`` only), keyed by ``override_key``,
reduced to one row per key and spilled to a temporary Parquet file; DuckDB (a database file
beside them, under a memory limit) keeps each key's first row (by part, then row) with its
count, classifies it and gives the rows in the workbook's order a chunk at a time
(``pipeline.batch.review.names``).

What the process holds is one slice of a part and one chunk of rows, whatever the number of
names.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.batch.load.write import iter_part, release_memory
from pipeline.grammar.lemma import override_key
from pipeline.load import part_files

log = logging.getLogger(__name__)

COLUMNS = ["doc_id", "indicator_raw", "indicator_canonical", "match_score", "review_reason",
           "match_candidates", "locator", "page"]
CHUNK_ROWS = 2_000  # rows turned into Python objects at once
SPILL_ROWS = 4_000  # rows of a part read at once
DUCKDB_MEMORY = "32MB"  # DuckDB's limit; it spills to its temporary folder past it
OUTSIDE = "NOT is_decided AND NOT is_typed AND NOT has_candidate"
BUILD = f"""
CREATE TABLE names AS
WITH parts AS (SELECT * FROM read_parquet($files)),
firsts AS (SELECT key, min(ord) AS first, sum("count")::BIGINT AS n FROM parts GROUP BY key)
SELECT {", ".join(f"p.{c}" for c in COLUMNS)}, p.key, p.ord, f.n AS "count",
       p.key IN (SELECT key FROM decided) AS is_decided,
       p.key IN (SELECT key FROM typed) AS is_typed,
       coalesce(len(list_filter(p.match_candidates, lambda c: c.score >= $floor)), 0) > 0
           AS has_candidate
FROM parts p JOIN firsts f ON p.ord = f.first
"""


def _keyed(table: pa.Table, base: int) -> pa.Table:
    """``table`` with its names' ``key`` (rows of a blank name left out), ``ord`` (the rows'
    order in the whole output, from ``base``) and ``count``, one row per key: the first."""
    keys = [override_key(n) if n and n.strip() else None
            for n in table["indicator_raw"].to_pylist()]
    table = table.append_column("key", pa.array(keys, pa.string()))
    table = table.append_column("ord", pa.array(range(base, base + len(keys)), pa.int64()))
    table = table.filter(pc.is_valid(table["key"]))
    table = table.append_column("count", pa.repeat(pa.scalar(1, pa.int64()), table.num_rows))
    agg = table.group_by("key", use_threads=False).aggregate([("ord", "min"),
                                                              ("count", "sum")])
    first = table.take(pc.index_in(agg["ord_min"], value_set=table["ord"]))
    return first.set_column(first.schema.get_field_index("count"), "count", agg["count_sum"])


def _spill(out: Path, decided_raw: pa.Array, folder: Path) -> list[str]:
    """Write each part's marked names (``_keyed``; rows of ``decided_raw`` names too) to a
    Parquet file in ``folder``; their paths."""
    files: list[str] = []
    base = 0
    for path in part_files(out, "indicators"):
        for table in iter_part(path, "indicators", COLUMNS, SPILL_ROWS):
            keep = pc.is_valid(table["review_reason"])
            if len(decided_raw):
                keep = pc.or_(keep, pc.fill_null(pc.is_in(table["indicator_raw"],
                                                          value_set=decided_raw), False))
            part = _keyed(table.filter(keep), base)
            base += table.num_rows
            if part.num_rows:
                files.append(str(folder / f"names-{len(files)}.parquet"))
                pq.write_table(part, files[-1])
            del table, part
        release_memory()
    return files


@dataclass(frozen=True, slots=True)
class Counts:
    """What the names' table counts: names to check and decided ones (kept in the workbook),
    and the names outside the catalog (names, rows, the most frequent ones)."""

    to_check: int
    decided: int
    outside_names: int
    outside_rows: int
    outside_sample: tuple[tuple[str, int], ...]
    decided_keys: frozenset[str]


class NameTable:
    """The distinct marked names of an output in a temporary DuckDB database; ``close``
    removes it (``rows`` does when consumed)."""

    def __init__(self, out: Path, decided_raw: pa.Array, decided_keys: list[str],
                 typed_keys: list[str], floor: float) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="natproj-review-")
        folder = Path(self._tmp.name)
        self.empty = True
        self._db = duckdb.connect(str(folder / "names.duckdb"), config={
            "memory_limit": DUCKDB_MEMORY, "threads": 1, "preserve_insertion_order": False,
            "temp_directory": str(folder / "spill")})
        files = _spill(out, decided_raw, folder)
        if files:
            self.empty = False
            decided = pa.table({"key": pa.array(decided_keys, pa.string())})
            typed = pa.table({"key": pa.array(typed_keys, pa.string())})
            self._db.register("decided", decided)
            self._db.register("typed", typed)
            self._db.execute(BUILD, {"files": files, "floor": floor})
            self._db.unregister("decided")
            self._db.unregister("typed")
            for f in files:
                Path(f).unlink()

    def counts(self, sample: int) -> Counts:
        """The names' counts (``Counts``), ``sample`` names outside the catalog."""
        if self.empty:
            return Counts(0, 0, 0, 0, (), frozenset())
        db = self._db
        kept = db.execute(f"SELECT count(*) FILTER (NOT is_decided), "
                          f"count(*) FILTER (is_decided) FROM names WHERE NOT ({OUTSIDE})"
                          ).fetchone() or (0, 0)
        outside = db.execute(f"SELECT count(*), coalesce(sum(\"count\"), 0)::BIGINT FROM names "
                             f"WHERE {OUTSIDE}").fetchone() or (0, 0)
        top = db.execute(f"SELECT indicator_raw, \"count\" FROM names WHERE {OUTSIDE} "
                         "ORDER BY \"count\" DESC, indicator_raw LIMIT $n", {"n": sample}
                         ).fetchall()
        keys = db.execute("SELECT key FROM names WHERE is_decided").fetchall()
        return Counts(int(kept[0]), int(kept[1]), int(outside[0]), int(outside[1]),
                      tuple((str(n), int(c)) for n, c in top),
                      frozenset(str(k) for (k,) in keys))

    def rows(self) -> Iterator[list[dict[str, Any]]]:
        """The names kept in the workbook (not outside the catalog) in its order — undecided
        first, then the most frequent, the lowest score (0 for none), the first met — as
        dicts, ``CHUNK_ROWS`` at a time; the database is removed after the last."""
        try:
            if self.empty:
                return
            db = self._db
            db.execute(f"CREATE TABLE ordered AS SELECT ord, row_number() OVER (ORDER BY "
                       f"is_decided, \"count\" DESC, coalesce(match_score, 0), ord) AS pos "
                       f"FROM names WHERE NOT ({OUTSIDE})")
            n_rows = int((db.execute("SELECT count(*) FROM ordered").fetchone() or (0,))[0])
            for start in range(0, n_rows, CHUNK_ROWS):  # only the sort keys are sorted
                chunk = db.execute(
                    f"SELECT {', '.join(f'n.{c}' for c in COLUMNS)}, n.key, n.\"count\" "
                    "FROM names n JOIN ordered o ON n.ord = o.ord "
                    "WHERE o.pos > $a AND o.pos <= $b ORDER BY o.pos",
                    {"a": start, "b": start + CHUNK_ROWS}).to_arrow_table()
                yield chunk.to_pylist()
        finally:
            self.close()

    def close(self) -> None:
        self._db.close()
        self._tmp.cleanup()


def typed_keys(filled: Mapping[str, Any]) -> list[str]:
    """The keys of the names whose decision or note an analyst typed."""
    return [k for k, f in filled.items() if f.decision or f.note]
