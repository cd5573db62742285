"""Generate docs/DATA.md, the data dictionary, from the schemas (field metadata 'description').

Usage: .venv/bin/python scripts/gen_data_dict.py [--check] [--out docs/DATA.md]

``--check`` exits 1 when the file is out of step with the schemas (the tests run it).
"""

from __future__ import annotations

import argparse
import logging
import sys
from enum import Enum
from pathlib import Path

import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipeline.batch.load.manifest import MANIFEST_NAME, MANIFEST_SCHEMA  # noqa: E402
from pipeline.batch.load.write import (  # noqa: E402
    NULL_PARTITION,
    PARTITION_KEY,
    PARTITION_SOURCE,
    SCHEMA_PARTITION,
)
from pipeline.batch.review.row_decisions import (  # noqa: E402
    FIELDS,
    NAME_COLUMN,
    ROW_DECISIONS_FILE,
    Verdict,
)
from pipeline.interpret.plausibility import REVIEW_THRESHOLD  # noqa: E402
from schemas import SCHEMA_VERSION, SERIES, SERIES_VERSION, TABLES  # noqa: E402
from schemas.enums import (  # noqa: E402
    FLAG_MEANINGS,
    SERIES_FLAG_MEANINGS,
    FinanceSource,
    IndicatorFlag,
    SeriesFlag,
)
from schemas.validate import ENUM_COLUMNS  # noqa: E402

log = logging.getLogger("gen_data_dict")
DEFAULT_OUT = ROOT / "docs" / "DATA.md"

ROW_MEANING = {
    "documents": "one row per input file seen",
    "indicators": "one row per indicator (показатель) or result and year",
    "activities": "one row per event / control point of a plan or road map",
    "finance": "one row per budget figure",
}

READING = f"""\
## Reading the output

Each table is a Parquet dataset: a folder of parts under hive partition folders
`{PARTITION_KEY}=<year>`, `{PARTITION_KEY}={NULL_PARTITION}` when the row has no year. Every
folder name is an integer, so every engine reads the key as an integer with no options (a
null partition would make a bare `pd.read_parquet` fail: pandas-dev/pandas#55400). The
partition key is in the folder names only, not in the files; the contract columns (`year`,
`report_year`) stay in the files with their own types, null where the row has no year.
`{PARTITION_KEY}={SCHEMA_PARTITION}` also holds one empty part per table that carries the
schema.

```python
import pipeline
frames = pipeline.load("data/out")            # dict of pandas DataFrames, one per table
con = pipeline.connect("data/out")            # DuckDB, one view per table
con.sql("select federal_project, median(completion_pct) from indicators group by 1")

import pandas as pd, polars as pl, duckdb, pyarrow.dataset as ds
pd.read_parquet("data/out/indicators")
pl.scan_parquet("data/out/indicators").collect()
duckdb.sql("select * from read_parquet('data/out/indicators/**/*.parquet', hive_partitioning=true)")
ds.dataset("data/out/indicators", format="parquet", partitioning="hive").to_table()
```

A bare `pd.read_parquet` reads the key as a category of integers;
`partitioning=pipeline.hive_partitioning()` reads it as an int32.

`pipeline.load` and `pipeline.connect` read exactly the parts named by the manifest (the last
committed state, without the `{PARTITION_KEY}` column), so they are safe to use while a run is
writing. Rows join on `doc_id`; files with identical content share a `doc_id` and their
indicator, activity and finance rows are stored once.
"""


def _type(t: pa.DataType) -> str:
    return str(t).replace("list<item: string>", "list<string>").replace("[day]", "")


def _description(field: pa.Field) -> str:
    meta = field.metadata or {}
    return meta.get(b"description", b"").decode().replace("|", "\\|")


def _values(table: str, column: str) -> str:
    enum: type[Enum] | None = ENUM_COLUMNS.get((table, column))
    return "" if enum is None else ", ".join(f"`{m.value}`" for m in enum)


FINANCE_WARNING = f"""\
> **Warning: do not sum a `{FinanceSource.TOTAL.value}` row with its sources.** A finance row
> with `source = {FinanceSource.TOTAL.value}` is the document's own total (`всего`, `итого`,
> `всего по источникам`) of the same item and year as the rows of the other sources beside it;
> adding them all counts the money twice. Sum either the `{FinanceSource.TOTAL.value}` rows or
> the rows of the single sources, never both (e.g. `where source <> '{FinanceSource.TOTAL.value}'`).
"""


def flags_section() -> list[str]:
    """Every indicator flag with its meaning (from ``schemas.enums``)."""
    lines = ["## Flags", "",
             "`indicators.flags` lists the consistency findings on a row; an empty list means "
             "none. The row is kept as the document says; a flag asks for a look.", "",
             "| flag | meaning |", "|---|---|"]
    lines += [f"| `{f.value}` | {FLAG_MEANINGS[f]} |" for f in IndicatorFlag]
    return [*lines, "", "`documents` rows carry no flags: a file's problems are its `status`, "
            "`error` and `warnings`.", ""]


CONFIDENCE = """\
## Confidence

`indicators.confidence` and `finance.confidence` (0–1) say how sure the reading is of a row.
Rows whose name is plainly not an indicator (a passport's field label such as «Сроки
реализации …», a bare label «Показатель задачи 2:») are not written at all; the others get a
confidence from general evidence (`pipeline/interpret/plausibility.py`, vocabulary
`pipeline/vocab/indicator_names.csv`):

* where the row was read: a table whose value columns the header types (0.9), a column of
  states (0.8), a passport's list of targets (0.75), a sentence of prose (0.65); finance: a
  table (0.9), a passport field (0.8), a budget sentence (0.7);
* the name: a measurable quantity (доля, количество, численность, уровень … or a stated unit)
  raises it; a name that states no measure, or of fewer than three words, lowers it;
* the values: none parsed, a year where a quantity should be (2015 in «Сроки …»), a share
  far over 100 % lower it; each consistency flag lowers it by 0.1; finance without a year or
  a source lowers it.

Rows under {threshold} are listed for an analyst on the sheet «Проверка строк» of
`review/indicators.xlsx` (see *Row decisions*).

**Calibration** — the share of indicator rows right in every scored field, per confidence
band, on the documents with truth (`python ../shared/tools/calibration.py OUT TRUTH` after
`natproj-extract extract TRUTH --out OUT --full`, on seeds, dev and the five real files with
truth; measured 2026-12-07):

{table}

These are the layouts the reader was built on, so every band is right here; the shares on
layouts never shown are not measured by this table (on the whole real corpus, 2,627 rows
mostly from files without truth, {low} % of the rows fall under {threshold}). Read a row
under {threshold} as "check it", one over 0.9 as "read from a typed table, with a measurable
name and figures that fit it".
"""
CALIBRATION = [("0.5–0.6", 3, 3), ("0.6–0.7", 1, 1), ("0.7–0.8", 36, 36), ("0.8–0.9", 15, 15),
               ("0.9–1.0", 625, 625)]
LOW_SHARE = 1.1  # percent of the rows of the real corpus without truth under the threshold


def confidence_section() -> list[str]:
    """What the confidence column means and its measured calibration."""
    rows = ["| band | rows | right in every field | share right |", "|---|---|---|---|"]
    rows += [f"| {band} | {n} | {right} | {right / n:.2f} |" for band, n, right in CALIBRATION]
    return [CONFIDENCE.format(threshold=REVIEW_THRESHOLD, table="\n".join(rows),
                              low=LOW_SHARE)]


def row_decisions_section() -> list[str]:
    """The analysts' keep/drop decisions on uncertain rows and the row key they are kept by."""
    names = ", ".join(f"`{c}` for {t}" for t, c in NAME_COLUMN.items())
    return [f"## Row decisions: `{ROW_DECISIONS_FILE.as_posix()}`", "",
            f"Rows of {' and '.join(f'`{t}`' for t in NAME_COLUMN)} with `confidence` under "
            f"{REVIEW_THRESHOLD} are listed on the sheet «Проверка строк» of "
            "`review/indicators.xlsx`; an analyst's «" + Verdict.KEEP + "» (keep) or «"
            + Verdict.DROP + "» (drop) is recorded in this CSV (UTF-8, columns "
            + ", ".join(f"`{f}`" for f in FIELDS) + "; a cell beginning with `=`, `+`, `-`, "
            "`@`, a tab, a CR or `'` is written with a leading `'`). A dropped row is removed "
            "from the table on the next run, without reading the file; a kept one stays.", "",
            "A row is identified by its **row key**: the first 16 hex digits of the SHA-256 of "
            "`doc_id`, the table name, `locator`, `year` and the row's name (" + names
            + "), joined by U+001F, the texts with their spacing collapsed. The same file "
            "content gives the same keys in every run (`--full` included), so a decision "
            "holds until the file changes (a new `doc_id`: its rows are new rows) or a newer "
            "pipeline reads the row with another name, year or locator (it is listed again). "
            "Rows "
            "sharing all five parts share a decision. The manifest's `dropped_rows` lists "
            "the keys removed from each file's stored rows.", ""]


def table_section(name: str, schema: pa.Schema) -> list[str]:
    lines = [f"## {name}", "",
             f"{ROW_MEANING[name].capitalize()}. Partitioned by the year of "
             f"`{PARTITION_SOURCE[name]}`.", "",
             "| column | type | description | values |", "|---|---|---|---|"]
    for f in schema:
        lines.append(f"| `{f.name}` | {_type(f.type)} | {_description(f)} "
                     f"| {_values(name, f.name)} |")
    if name == "finance":
        lines += ["", FINANCE_WARNING.rstrip()]
    return [*lines, ""]


SERIES_TEXT = f"""\
## series

One row per municipality, indicator, unit and year: the indicator's story across documents
(series version {SERIES_VERSION}). Not read from the files but built from `documents` and
`indicators` at the end of every run that changed them, whole, into one file
`series/series.parquet` (no partitions: `pd.read_parquet("data/out/series")`, polars and
DuckDB read it with no options; `pipeline.series("data/out")` gives it as a DataFrame and
`pipeline.connect` as the view `series`).

* **Key**: the municipality (its `oktmo` where known, else its name), `indicator_key`,
  `unit` and `year`. `indicator_key` is the catalog name where the row was matched, else the
  name as written, normalised (`pipeline.batch.load.series.name_key`).
* **Target**: from passports and orders (`doc_type` `project_passport`, `order`), the latest
  document stating one (by `doc_date`, then `report_year`).
* **Plan and fact**: from the other documents (execution reports, notes, road maps), the
  latest one stating an actual value for the year (by `report_year`, then `doc_date`), else
  the latest stating anything; the plan is that report's, else the latest report's stating
  one.
* `completion_pct` and `status` are the report's where it states them (`stated`), else
  computed from the actual value and the plan, or the target without a plan (`derived`).
"""


def series_section() -> list[str]:
    """The series table: how it is built, its columns and its check flags."""
    lines = [SERIES_TEXT, "| column | type | description | values |", "|---|---|---|---|"]
    for f in SERIES:
        lines.append(f"| `{f.name}` | {_type(f.type)} | {_description(f)} "
                     f"| {_values('series', f.name)} |")
    lines += ["", "Check flags (`series.flags`; an empty list means none):", "",
              "| flag | meaning |", "|---|---|"]
    lines += [f"| `{f.value}` | {SERIES_FLAG_MEANINGS[f]} |" for f in SeriesFlag]
    return [*lines, ""]


def render() -> str:
    """The whole of docs/DATA.md."""
    lines = [
        "# Data dictionary", "",
        f"Schema version {SCHEMA_VERSION} (also in every Parquet part's metadata as "
        "`schema_version`). Generated from `schemas/tables.py` by "
        "`scripts/gen_data_dict.py`; do not edit by hand.", "",
        READING,
    ]
    for name, schema in TABLES.items():
        lines += table_section(name, schema)
    lines += series_section()
    lines += flags_section()
    lines += confidence_section()
    lines += row_decisions_section()
    lines += [f"## The manifest: `{MANIFEST_NAME}`", "",
              "One row per input file seen, kept by the pipeline to make runs incremental. "
              "Its Parquet metadata holds `manifest_version`, `schema_version`, "
              "`pipeline_version`, `run_seq`, `run_id`, `input` and `state`.", "",
              "| column | type | description |", "|---|---|---|"]
    lines += [f"| `{f.name}` | {_type(f.type)} | {_description(f)} |" for f in MANIFEST_SCHEMA]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the file differs from what would be generated")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    text = render()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            log.error("%s is out of step with the schemas: run scripts/gen_data_dict.py",
                      args.out)
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    log.info("wrote %s", args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
