"""The interpreters' view of name normalisation: canonical projects, the document's place,
and indicator names matched against the reference catalog (``pipeline.normalise``)."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from pipeline.normalise import Normaliser, default_gazetteer
from pipeline.normalise.gazetteer import MunicipalityMatch

Row = dict[str, Any]
QUOTED_RE = re.compile(r"[«\"“]([^«»\"“”]{3,120})[»\"”]")
# an act of the federal centre (its lead says so): the places it names are not its author
FEDERAL_AUTHOR_RE = re.compile(
    r"(президент\w*|правительств\w*|министерств\w*)\s+российской\s+федерации", re.IGNORECASE)
AUTHOR_LINES = 3  # the heading lines that name who issued the document
MIN_FULL_TEXT_MENTIONS = 2  # a place named only deep in the text must be named twice
QUOTES = '«»"“” '
NATIONAL_NAMED_RE = re.compile(r"национальн\w+\s+проект\w*\s*[«\"“][^«»\"“”]{2,120}[»\"”]",
                               re.IGNORECASE)


class Naming:
    """One per process: the normaliser and gazetteer are built once and reused."""

    def __init__(self) -> None:
        self.normaliser = Normaliser()
        self.gazetteer = default_gazetteer()

    @staticmethod
    @cache
    def get() -> Naming:
        return Naming()

    def federal_project(self, text: str | None) -> str | None:
        """Canonical federal project named in ``text``; the text itself when unknown."""
        if not text:
            return None
        bare = text.strip(QUOTES)
        return (self.normaliser.match_federal_project(text)
                or self.normaliser.match_federal_project(f"проект «{bare}»"))

    def national_project(self, text: str | None) -> str | None:
        if not text:
            return None
        bare = text.strip(QUOTES)
        return (self.normaliser.match_national_project(text)
                or self.normaliser.match_national_project(f"национальный проект «{bare}»"))

    def national_of(self, federal: list[str], year: int | None = None) -> str | None:
        return self.normaliser.national_of(federal, year)

    def federal_named(self, text: str) -> str | None:
        """The one federal project whose catalog name ``text`` contains (a title such as
        ``(A1-20) … («Культурная среда»)``); None when it names none or several."""
        quoted_names = " ; ".join(QUOTED_RE.findall(text))  # named as a name, in quotes
        found = self.normaliser.projects.federal_projects(quoted_names) if quoted_names else []
        return found[0] if len(found) == 1 else None

    def national_named(self, text: str) -> str | None:
        """The national project ``text`` names as such (``национального проекта «…»``)."""
        for m in NATIONAL_NAMED_RE.finditer(text):
            if found := self.national_project(m.group(0)):
                return found
        return None

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

    def normalise_indicators(self, rows: list[Row], municipality: str | None,
                             region: str | None) -> None:
        """Fill ``indicator_canonical``, ``match_score`` and a canonical ``federal_project``."""
        matches = self.normaliser.match_indicators([r["indicator_raw"] for r in rows])
        for r, m in zip(rows, matches, strict=True):
            r["indicator_canonical"] = m.canonical
            r["match_score"] = round(float(m.score), 2)
            stated = r.get("federal_project")
            canonical = self.federal_project(stated) if stated else None
            r["federal_project"] = canonical or stated or m.federal_project
