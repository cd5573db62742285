"""Indicator-name matching against the reference catalog: overrides first, then a vectorised
rapidfuzz scorer over lemmatised, territory-free names and aliases."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
from rapidfuzz import fuzz, process

from pipeline.grammar.lemma import override_key, prepare
from pipeline.normalise.catalog import Catalog, CatalogError, Indicator, default_catalog
from pipeline.normalise.projects import ProjectMatcher

log = logging.getLogger(__name__)

MatchMethod = Literal["override", "fuzzy", "none"]
Scorer = Callable[..., float]
DEFAULT_THRESHOLD = 78.0  # mid-gap between labelled non-matches and matches (NORMALISATION.md)
DEFAULT_MARGIN = 3.0
DEFAULT_SCORER = "token_set_sort"
TOP_K = 3
CHUNK_ROWS = 8192
MEMO_LIMIT = 500_000
SCORERS: dict[str, tuple[Scorer, ...]] = {
    "ratio": (fuzz.ratio,),
    "token_sort": (fuzz.token_sort_ratio,),
    "token_set": (fuzz.token_set_ratio,),
    "wratio": (fuzz.WRatio,),
    "token_set_sort": (fuzz.token_set_ratio, fuzz.token_sort_ratio),
}


@dataclass(frozen=True, slots=True)
class Match:
    """Result of matching one raw indicator name; ``candidates`` are the top catalog names in
    preference order (score, then head-lemma agreement within ``DEFAULT_MARGIN``)."""

    canonical: str | None
    score: float
    federal_project: str | None
    method: MatchMethod
    candidates: tuple[tuple[str, float], ...] = ()


NO_MATCH = Match(None, 0.0, None, "none")


@lru_cache(maxsize=262_144)
def prepared(name: str) -> str:
    """Cached matching key of a raw indicator name."""
    return prepare(name)


def load_overrides(path: Path, catalog: Catalog) -> dict[str, Indicator | None]:
    """The overrides file at ``path`` (see ``parse_overrides``).

    Raises:
        OSError: the file cannot be read.
        CatalogError: a row is malformed or names no catalog indicator.
    """
    return parse_overrides(path.read_text(encoding="utf-8"), catalog, path.name)


def parse_overrides(text: str, catalog: Catalog, source: str = "overrides.csv",
                    ) -> dict[str, Indicator | None]:
    """Raw-name key -> indicator (None forces "no match"); canonical must be a catalog name."""
    out: dict[str, Indicator | None] = {}
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not {"raw_name", "canonical"} <= set(reader.fieldnames or []):
        raise CatalogError(source, None, "header must be raw_name,canonical,note")
    for n, row in enumerate(reader, 1):
        raw = (row.get("raw_name") or "").strip()
        canonical = (row.get("canonical") or "").strip()
        if not raw:
            raise CatalogError(source, n, "empty 'raw_name'")
        indicator = catalog.indicator(canonical) if canonical else None
        if canonical and indicator is None:
            raise CatalogError(source, n, f"canonical {canonical!r} is not an indicator "
                               "name in catalog_indicators.csv")
        key = override_key(raw)
        if key in out and out[key] != indicator:
            raise CatalogError(source, n, f"raw_name {raw!r} is overridden twice")
        out[key] = indicator
    return out


def _choice_table(catalog: Catalog) -> tuple[list[str], np.ndarray, list[frozenset[str]]]:
    """Prepared names and aliases grouped by indicator, group offsets, and head lemmas."""
    choices: list[str] = []
    starts: list[int] = []
    heads: list[frozenset[str]] = []
    for ind in catalog.indicators:
        keys = [k for k in dict.fromkeys(prepared(t) for t in (ind.name, *ind.aliases)) if k]
        keys = keys or [ind.name.lower()]
        starts.append(len(choices))
        choices.extend(keys)
        heads.append(frozenset(k.split()[0] for k in keys))
    return choices, np.asarray(starts, dtype=np.intp), heads


def head_tiebreak(order: np.ndarray, row: np.ndarray, head: str,
                  heads: list[frozenset[str]], margin: float) -> np.ndarray:
    """Within ``margin`` of the best, move first a candidate sharing the query's head lemma
    (``доля``, ``количество``): a share is not matched to a result when both score alike."""
    close = [i for i in order if row[order[0]] - row[i] < margin]
    agree = [i for i in close if head in heads[i]]
    if not agree or agree[0] == order[0]:
        return order
    return np.asarray([agree[0], *[i for i in order if i != agree[0]]])


class Normaliser:
    """Built once from the catalog; maps raw indicator and project names to canonical ones."""

    def __init__(self, catalog: Catalog | None = None, overrides: Path | None = None,
                 threshold: float = DEFAULT_THRESHOLD, scorer: str = DEFAULT_SCORER) -> None:
        self.catalog = catalog or default_catalog()
        self.threshold = threshold
        if scorer not in SCORERS:
            raise ValueError(f"scorer {scorer!r} is not one of {', '.join(SCORERS)}")
        self.scorers = SCORERS[scorer]
        self.overrides = load_overrides(overrides, self.catalog) if overrides else {}
        self.choices, self.starts, self.heads = _choice_table(self.catalog)
        self.projects = ProjectMatcher.build(self.catalog)
        self.memo: dict[str, Match] = {}

    def scores(self, keys: Sequence[str]) -> np.ndarray:
        """Best score of every prepared key against every indicator (keys x indicators)."""
        parts = []
        for lo in range(0, len(keys), CHUNK_ROWS):
            chunk = keys[lo: lo + CHUNK_ROWS]
            mats = [process.cdist(chunk, self.choices, scorer=s, dtype=np.float32, workers=1)
                    for s in self.scorers]
            mat = mats[0] if len(mats) == 1 else np.mean(mats, axis=0)
            parts.append(np.maximum.reduceat(mat, self.starts, axis=1))
        if not parts:
            return np.zeros((0, len(self.catalog.indicators)), dtype=np.float32)
        return np.vstack(parts)

    def _from_row(self, key: str, row: np.ndarray) -> Match:
        order = np.argsort(-row, kind="stable")[:TOP_K]
        order = head_tiebreak(order, row, key.split()[0], self.heads, DEFAULT_MARGIN)
        inds = self.catalog.indicators
        cands = tuple((inds[i].name, round(float(row[i]), 2)) for i in order)
        best, score = inds[order[0]], cands[0][1]
        if score >= self.threshold:
            return Match(best.name, score, best.federal_project, "fuzzy", cands)
        return Match(None, score, None, "none", cands)

    def _override(self, name: str) -> Match | None:
        if not self.overrides:
            return None
        key = override_key(name)
        if key not in self.overrides:
            return None
        ind = self.overrides[key]
        if ind is None:
            return Match(None, 0.0, None, "override")
        return Match(ind.name, 100.0, ind.federal_project, "override", ((ind.name, 100.0),))

    def match_indicators(self, names: list[str]) -> list[Match]:
        """One Match per name, in order; names are deduplicated before any work."""
        unique = list(dict.fromkeys(names))
        done: dict[str, Match] = {}
        todo: dict[str, str] = {}
        for name in unique:
            hit = self._override(name)
            if hit is not None:
                done[name] = hit
            else:
                todo[name] = prepared(name)
        keys = [k for k in dict.fromkeys(todo.values()) if k and k not in self.memo]
        if len(self.memo) + len(keys) > MEMO_LIMIT:
            self.memo.clear()
        for k, row in zip(keys, self.scores(keys), strict=True):
            self.memo[k] = self._from_row(k, row)
        for name, key in todo.items():
            done[name] = self.memo.get(key, NO_MATCH)
        return [done[n] for n in names]

    def match_indicator(self, name: str) -> Match:
        """Match one raw indicator name."""
        return self.match_indicators([name])[0]

    def match_federal_project(self, text: str) -> str | None:
        """Canonical federal project named in ``text`` (``ФП «Учитель будущего»``), or None."""
        return self.projects.federal_project(text)

    def match_national_project(self, text: str) -> str | None:
        """Canonical national project named in ``text`` (``НП «Образование»``), or None."""
        return self.projects.national_project(text)

    def national_of(self, federal_projects: Sequence[str], year: int | None = None,
                    ) -> str | None:
        """National project owning the first of the given canonical federal projects (of
        ``year`` for a name two national projects use)."""
        owners = [self.projects.owner(f, year) for f in federal_projects]
        return next((o for o in owners if o), None)
