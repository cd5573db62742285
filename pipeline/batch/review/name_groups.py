"""The distinct names of the review workbook, gathered in Arrow: the output's rows marked for
review are read part by part (``COLUMNS`` only), keyed by ``override_key`` and reduced to one
row per key — its first row (by part, then row) and its count — in a columnar table; rows
become Python objects only a chunk at a time, as the workbook takes them
(``pipeline.batch.review.names``).

What is held is that table (a few columns per distinct name), never a dict per row.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.batch.load.write import read_part
from pipeline.grammar.lemma import override_key
from pipeline.load import part_files

COLUMNS = ["doc_id", "indicator_raw", "indicator_canonical", "match_score", "review_reason",
           "match_candidates", "locator", "page"]
CHUNK_ROWS = 2_000  # rows turned into Python objects at once


def _keyed(table: pa.Table, base: int) -> pa.Table:
    """``table`` with its names' ``key`` (rows of a blank name left out) and ``ord``, the
    rows' order in the whole output (from ``base``), one row per key: the first, with its
    ``count``."""
    keys = [override_key(n) if n and n.strip() else None
            for n in table["indicator_raw"].to_pylist()]
    table = table.append_column("key", pa.array(keys, pa.string()))
    table = table.append_column("ord", pa.array(range(base, base + len(keys)), pa.int64()))
    table = table.filter(pc.is_valid(table["key"]))
    return table.append_column("count", pa.repeat(pa.scalar(1, pa.int64()), table.num_rows))


def _reduce(table: pa.Table) -> pa.Table:
    """One row per ``key``: that of the least ``ord``, with the ``count``s summed."""
    agg = table.group_by("key", use_threads=False).aggregate([("ord", "min"),
                                                              ("count", "sum")])
    first = table.take(pc.index_in(agg["ord_min"], value_set=table["ord"]))
    return first.set_column(first.schema.get_field_index("count"), "count", agg["count_sum"])


def marked_names(out: Path, decided_raw: pa.Array) -> pa.Table | None:
    """One row per distinct name (by ``override_key``) of the output's rows marked for review
    or named in ``decided_raw``: its first row's ``COLUMNS``, ``key``, ``ord`` and ``count``;
    held reduced after every part. None when the output has no indicator part."""
    groups: pa.Table | None = None
    base = 0
    for path in part_files(out, "indicators"):
        table = read_part(path, "indicators", COLUMNS)
        keep = pc.is_valid(table["review_reason"])
        if len(decided_raw):
            keep = pc.or_(keep, pc.fill_null(pc.is_in(table["indicator_raw"],
                                                      value_set=decided_raw), False))
        n_rows = table.num_rows
        part = _keyed(table.filter(keep), base)
        base += n_rows
        groups = _reduce(part if groups is None else pa.concat_tables([groups, part]))
        del table, part
    return groups


def sorted_order(groups: pa.Table, decided: pa.Array, score: pa.Array) -> pa.Array:
    """The order of the rows: undecided first, then the most frequent, the lowest ``score``
    (0 for none), the first met."""
    order = pa.table({"decided": decided, "count": groups["count"], "score": score,
                      "ord": groups["ord"]})
    return pc.sort_indices(order, sort_keys=[("decided", "ascending"),
                                             ("count", "descending"),
                                             ("score", "ascending"), ("ord", "ascending")])


def chunks(table: pa.Table, indices: pa.Array, size: int = CHUNK_ROWS
           ) -> Iterator[list[dict[str, object]]]:
    """The rows of ``table`` at ``indices``, as dicts, ``size`` at a time."""
    for start in range(0, len(indices), size):
        yield table.take(indices.slice(start, size)).to_pylist()
