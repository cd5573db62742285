"""``Names``: everything a run normalises names against — the catalog (indicators and
projects), the gazetteer (municipalities, regions, OKTMO) and the analysts' overrides — built
once from a ``NamesSpec`` and passed to ``pipeline.normalise.normalise``.

A ``NamesSpec`` carries the overrides file's *content* (not its path), so it travels with
every task to a Dask worker that cannot see the driver's files, and its ``digest`` tells a
later run whether the overrides changed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.normalise.gazetteer import Gazetteer, MunicipalityMatch, default_gazetteer
from pipeline.normalise.match import (
    DEFAULT_MARGIN,
    DEFAULT_THRESHOLD,
    Match,
    Normaliser,
    parse_overrides,
)
from pipeline.normalise.review import review_reason
from schemas.rows import IndicatorRow

MAX_TITLE_NAMES = 3  # quoted names in a lead that names its project in its title
QUOTED_RE = re.compile(r"[«\"“]([^«»\"“”]{3,120})[»\"”]")
# an act of the federal centre (its lead says so): the places it names are not its author
FEDERAL_AUTHOR_RE = re.compile(
    r"(президент\w*|правительств\w*|министерств\w*)\s+российской\s+федерации", re.IGNORECASE)
AUTHOR_LINES = 3  # the heading lines that name who issued the document
MIN_FULL_TEXT_MENTIONS = 2  # a place named only deep in the text must be named twice
QUOTES = '«»"“” '
NATIONAL_NAMED_RE = re.compile(r"национальн\w+\s+проект\w*\s*[«\"“][^«»\"“”]{2,120}[»\"”]",
                               re.IGNORECASE)
PACKAGED_OVERRIDES = Path(__file__).resolve().parents[1] / "vocab" / "overrides.csv"
EMPTY_OVERRIDES = "raw_name,canonical,note\n"


@dataclass(frozen=True, slots=True)
class NamesSpec:
    """What ``Names`` is built from: the overrides as text and where they were read."""

    overrides_csv: str = EMPTY_OVERRIDES
    overrides_source: str = "(none)"

    @classmethod
    def from_file(cls, path: Path) -> NamesSpec:
        return cls(path.read_text(encoding="utf-8"), str(path))

    @property
    def digest(self) -> str:
        """Short digest of the overrides' content (not of where they came from)."""
        return hashlib.sha256(self.overrides_csv.encode("utf-8")).hexdigest()[:16]


class Names:
    """The normaliser (catalog + overrides) and the gazetteer, built once per spec."""

    def __init__(self, spec: NamesSpec = NamesSpec(),
                 threshold: float = DEFAULT_THRESHOLD, margin: float = DEFAULT_MARGIN) -> None:
        self.spec = spec
        self.normaliser = Normaliser(overrides=None, threshold=threshold)
        self.normaliser.overrides = parse_overrides(spec.overrides_csv, self.normaliser.catalog,
                                                    spec.overrides_source)
        self.gazetteer: Gazetteer = default_gazetteer()
        self.threshold = threshold
        self.margin = margin

    @staticmethod
    @lru_cache(maxsize=4)
    def of(spec: NamesSpec) -> Names:
        """The ``Names`` of ``spec``, built on its first use in this process (a Dask worker
        or a pool worker reuses it for every file of the run)."""
        return Names(spec)

    def federal_project(self, text: str | None) -> str | None:
        """Canonical federal project named in ``text``; None when unknown."""
        return _named(self.normaliser.match_federal_project, text, "проект")

    def national_project(self, text: str | None) -> str | None:
        """Canonical national project named in ``text``; None when unknown."""
        return _named(self.normaliser.match_national_project, text, "национальный проект")

    def national_of(self, federal: list[str], year: int | None = None) -> str | None:
        return self.normaliser.national_of(federal, year)

    def federal_named(self, text: str) -> str | None:
        """The one federal project whose catalog name ``text`` contains (a title such as
        ``(A1-20) … («Культурная среда»)``); None when it names none or several, or when
        the text quotes a list of names (a list of programmes is no title naming one)."""
        quoted = list(dict.fromkeys(QUOTED_RE.findall(text)))  # named as a name, in quotes
        if len(quoted) > MAX_TITLE_NAMES:
            return None
        quoted_names = " ; ".join(quoted)
        found = self.normaliser.projects.federal_projects(quoted_names) if quoted_names else []
        return found[0] if len(found) == 1 else None

    def national_named(self, text: str) -> str | None:
        """The national project ``text`` names as such (``национального проекта «…»``);
        None when it names several (a strategy listing the national projects is none's)."""
        named = {found for m in NATIONAL_NAMED_RE.finditer(text)
                 if (found := self.national_project(m.group(0)))}
        return named.pop() if len(named) == 1 else None

    def place(self, lead: str, wider: str, full: str, year: int | None = None,
              ) -> tuple[str | None, str | None]:
        """(municipality, region) from the lead, then the first pages; the whole text only
        counts when it names a municipality (a region mentioned in passing is no place).
        A municipality whose name several subjects have takes the subject the document
        names; with none named it stays without region. ``year`` picks the version of a
        renamed municipality."""
        passes = [(lead, False), (wider, False), (full, True)]
        heading = lead.splitlines()[:AUTHOR_LINES] + wider.splitlines()[:AUTHOR_LINES]
        if FEDERAL_AUTHOR_RE.search("\n".join(heading)):
            passes = passes[:1]  # an act of the federal centre: the places it names are not it
        for text, need_municipality in passes:
            found, region = self.gazetteer.place_match(text, year)
            if found is None and (need_municipality or region is None):
                continue
            if need_municipality and found and not self._named_again(found, text):
                continue  # one of several places named deep in the text
            if region is None and found:
                region = self.gazetteer.region_of(found.name, full)
            return (found.name if found else None), region
        return None, None

    def _named_again(self, found: MunicipalityMatch, text: str) -> bool:
        """The municipality found deep in ``text`` is the document's own: named twice, or
        the only one named (not one of a list of cities)."""
        if found.mentions >= MIN_FULL_TEXT_MENTIONS:
            return True
        return len({m.value for _, m in self.gazetteer.municipality_index.scan(text)}) <= 1

    def oktmo(self, municipality: str | None, region: str | None,
              year: int | None = None) -> str | None:
        """OKTMO code of the document's municipality, when the gazetteer knows it."""
        return self.gazetteer.oktmo_of(municipality, region, year)

    def stated_projects(self, rows: list[IndicatorRow], doc_federal: str | None,
                        ) -> list[str | None]:
        """``federal_project_stated`` of each row: the row's own project as written (canonical
        when the catalog knows it), else the document's; the match never enters it."""
        doc_canonical = (self.federal_project(doc_federal) or doc_federal) if doc_federal else None
        return [(self.federal_project(r.federal_project) or r.federal_project)
                if r.federal_project else doc_canonical for r in rows]

    def match_rows(self, rows: list[IndicatorRow], stated: list[str | None] | None = None,
                   ) -> list[IndicatorRow]:
        """Fill ``indicator_canonical``, ``match_score``, ``federal_project`` (stated, else the
        matched indicator's) and, for a weak or ambiguous match, ``review_reason`` with its
        ``match_candidates`` — from ``indicator_raw`` and ``federal_project_stated`` (``stated``
        when given, ``stated_projects``: set in the same copy of the row); the same call
        re-normalises stored rows when only the overrides changed."""
        matches = self.normaliser.match_indicators([r.indicator_raw or "" for r in rows])
        if stated is None:
            stated = [r.federal_project_stated for r in rows]
        out = []
        for r, m, st in zip(rows, matches, stated, strict=True):
            reason = review_reason(m, self.threshold, self.margin)
            out.append(replace(
                r, federal_project_stated=st, indicator_canonical=m.canonical,
                match_score=round(float(m.score), 2), federal_project=st or m.federal_project,
                review_reason=reason, match_candidates=candidates_of(m) if reason else None))
        return out

    def rematch_stored(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """``match_rows`` over indicator rows read back from the output (when only the
        overrides changed since they were written)."""
        return [r.as_dict() for r in self.match_rows([IndicatorRow(**row) for row in rows])]


def _named(match: Callable[[str], str | None], text: str | None, kind: str) -> str | None:
    """``match`` of ``text`` as written, else of its bare name quoted after ``kind`` (a table
    cell says «Учитель будущего», the vocabulary knows «проект «Учитель будущего»»)."""
    if not text:
        return None
    return match(text) or match(f"{kind} «{text.strip(QUOTES)}»")


def candidates_of(m: Match) -> list[dict[str, Any]]:
    return [{"name": name, "score": score} for name, score in m.candidates]
