"""Reference catalog (national projects, federal projects, indicators): load and validate."""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.grammar.years import YEAR_RE
from schemas.enums import Comparator, Unit

log = logging.getLogger(__name__)

NATIONAL_FILE = "catalog_national_projects.csv"
FEDERAL_FILE = "catalog_federal_projects.csv"
INDICATOR_FILE = "catalog_indicators.csv"
KINDS = frozenset({"indicator", "result"})
LEVELS = frozenset({"federal", "regional", "municipal", "national_project"})
Row = dict[str, str]


class CatalogError(ValueError):
    """A reference file that cannot be used: names the file, the row and the reason."""

    def __init__(self, path: str, row: int | None, reason: str) -> None:
        super().__init__(path, row, reason)
        self.path, self.row, self.reason = path, row, reason

    def __str__(self) -> str:
        where = f"{self.path} row {self.row}" if self.row is not None else self.path
        return f"{where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class NationalProject:
    """One national project (2019–2024 or 2025–2030)."""

    id: str
    name: str
    code: str | None
    period: str
    aliases: tuple[str, ...]
    source: str


@dataclass(frozen=True, slots=True)
class FederalProject:
    """One federal project; ``canonical`` is the output name (``Молодые профессионалы``)."""

    id: str
    code: str | None
    name: str
    canonical: str
    national_project: str
    aliases: tuple[str, ...]
    source: str
    period: str = ""

    def years(self) -> tuple[int, int] | None:
        """First and last year of ``period`` (``2019-2020 (folded …)`` -> 2019, 2020)."""
        found = [int(y) for y in YEAR_RE.findall(self.period)]
        return (min(found), max(found)) if found else None


@dataclass(frozen=True, slots=True)
class Indicator:
    """One official indicator or result with its unit and owning project."""

    id: str
    name: str
    federal_project: str | None
    national_project: str
    unit: str
    unit_enum: Unit
    kind: str
    comparator: Comparator | None
    level: str
    aliases: tuple[str, ...]
    source: str


@dataclass(frozen=True, slots=True)
class Catalog:
    """The validated reference catalog."""

    national_projects: tuple[NationalProject, ...]
    federal_projects: tuple[FederalProject, ...]
    indicators: tuple[Indicator, ...]

    def indicator(self, name: str) -> Indicator | None:
        """The indicator whose catalog name is ``name``."""
        return next((i for i in self.indicators if i.name == name), None)


def vocab_dir() -> Path:
    """Folder of the packaged vocabulary CSVs (``pipeline/vocab``)."""
    return Path(__file__).resolve().parents[1] / "vocab"


def read_rows(path: Path, required: Iterable[str]) -> list[tuple[int, Row]]:
    """``(row number, row)`` pairs of a CSV; row 1 is the first data row after the header."""
    if not path.is_file():
        raise CatalogError(path.name, None, f"file not found at {path}")
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise CatalogError(path.name, None, f"missing column(s): {', '.join(missing)}")
        rows = [(n, {k: (v or "").strip() for k, v in r.items() if k}) for n, r in
                enumerate(reader, 1)]
    return rows


def split_aliases(text: str) -> tuple[str, ...]:
    """``|``-separated aliases as a tuple, blanks dropped."""
    return tuple(a.strip() for a in text.split("|") if a.strip())


def _need(file: str, n: int, row: Row, *cols: str) -> None:
    for col in cols:
        if not row.get(col):
            raise CatalogError(file, n, f"empty {col!r}")


def _enum(file: str, n: int, col: str, value: str, allowed: Iterable[str]) -> str:
    allowed = sorted(allowed)
    if value not in allowed:
        raise CatalogError(file, n, f"{col} {value!r} is not one of {', '.join(allowed)}")
    return value


def _unique(file: str, rows: list[tuple[int, Row]], key: Callable[[Row], str], what: str) -> None:
    seen: dict[str, int] = {}
    for n, row in rows:
        k = key(row)
        if k in seen:
            raise CatalogError(file, n, f"duplicate {what} {k!r} (first at row {seen[k]})")
        seen[k] = n


def parse_national(rows: list[tuple[int, Row]]) -> tuple[NationalProject, ...]:
    """National projects from their CSV rows."""
    for n, r in rows:
        _need(NATIONAL_FILE, n, r, "id", "name")
    _unique(NATIONAL_FILE, rows, lambda r: r["id"], "id")
    _unique(NATIONAL_FILE, rows, lambda r: r["name"], "name")
    return tuple(NationalProject(r["id"], r["name"], r.get("code") or None, r.get("period", ""),
                                 split_aliases(r.get("aliases", "")), r.get("source", ""))
                 for _, r in rows)


def parse_federal(rows: list[tuple[int, Row]], nationals: set[str]) -> tuple[FederalProject, ...]:
    """Federal projects from their CSV rows; each names a known national project."""
    for n, r in rows:
        _need(FEDERAL_FILE, n, r, "id", "name", "canonical", "national_project")
        _enum(FEDERAL_FILE, n, "national_project", r["national_project"], nationals)
    _unique(FEDERAL_FILE, rows, lambda r: r["id"], "id")
    _unique(FEDERAL_FILE, rows, lambda r: f"{r['canonical']} in {r['national_project']}",
            "canonical name")
    return tuple(FederalProject(r["id"], r.get("code") or None, r["name"], r["canonical"],
                                r["national_project"], split_aliases(r.get("aliases", "")),
                                r.get("source", ""), r.get("period", "")) for _, r in rows)


def _indicator(n: int, r: Row, fps: dict[str, FederalProject], nationals: set[str]) -> Indicator:
    f = INDICATOR_FILE
    _need(f, n, r, "id", "name", "unit_enum", "kind", "level", "national_project")
    unit = Unit(_enum(f, n, "unit_enum", r["unit_enum"], [u.value for u in Unit]))
    comp = r.get("comparator", "")
    comparator = Comparator(_enum(f, n, "comparator", comp, [c.value for c in Comparator])) \
        if comp else None
    _enum(f, n, "kind", r["kind"], KINDS)
    _enum(f, n, "level", r["level"], LEVELS)
    _enum(f, n, "national_project", r["national_project"], nationals)
    fp_id = r.get("federal_project_id", "")
    if fp_id and fp_id not in fps:
        raise CatalogError(f, n, f"federal_project_id {fp_id!r} is not in {FEDERAL_FILE}")
    return Indicator(r["id"], r["name"], fps[fp_id].canonical if fp_id else None,
                     r["national_project"], r.get("unit", ""), unit, r["kind"], comparator,
                     r["level"], split_aliases(r.get("aliases", "")), r.get("source", ""))


def parse_indicators(rows: list[tuple[int, Row]], federal: tuple[FederalProject, ...],
                     nationals: set[str]) -> tuple[Indicator, ...]:
    """Indicators from their CSV rows, checked against the enums and the project tables."""
    _unique(INDICATOR_FILE, rows, lambda r: r.get("id", ""), "id")
    _unique(INDICATOR_FILE, rows, lambda r: r.get("name", ""), "name")
    fps = {fp.id: fp for fp in federal}
    return tuple(_indicator(n, r, fps, nationals) for n, r in rows)


def load_catalog(folder: Path | None = None) -> Catalog:
    """Read and validate the three catalog CSVs (default: the packaged ``pipeline/vocab``)."""
    folder = folder or vocab_dir()
    national = parse_national(read_rows(folder / NATIONAL_FILE, ("id", "name")))
    names = {p.name for p in national}
    federal = parse_federal(read_rows(folder / FEDERAL_FILE, ("id", "name", "canonical",
                                                              "national_project")), names)
    indicators = parse_indicators(read_rows(folder / INDICATOR_FILE,
                                            ("id", "name", "unit_enum", "kind", "level")),
                                  federal, names)
    log.debug("catalog: %d national, %d federal projects, %d indicators",
              len(national), len(federal), len(indicators))
    return Catalog(national, federal, indicators)


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    """The packaged catalog, loaded and validated once per process."""
    return load_catalog()
