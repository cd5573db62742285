"""National and federal project names found in free text (any case, quotes, ФП/НП prefixes)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.normalise.catalog import Catalog
from pipeline.normalise.forms import words
from pipeline.normalise.lemma import lemma

QUOTED_RE = re.compile(r"[«\"“]([^«»\"“”]{1,200})[»\"”]")
CONTEXT_LEMMAS = frozenset({"проект", "нацпроект", "нп", "программа", "фп", "рп", "мп"})


@dataclass(frozen=True, slots=True)
class Phrase:
    """One written form of a project name, as a lemma tuple, with its canonical name."""

    lemmas: tuple[str, ...]
    canonical: str
    is_alias: bool


def lemma_tuple(text: str) -> tuple[str, ...]:
    """Lemmas of the folded word tokens of ``text``."""
    return tuple(lemma(w) for w in words(text))


def _phrases(pairs: list[tuple[str, str, bool]]) -> tuple[Phrase, ...]:
    out = {}
    for text, canonical, is_alias in pairs:
        lem = lemma_tuple(text)
        if lem and (lem not in out or not is_alias):
            out[lem] = Phrase(lem, canonical, is_alias)
    return tuple(out.values())


def _occurrences(seq: tuple[str, ...], phrase: tuple[str, ...]) -> list[int]:
    n = len(phrase)
    first = phrase[0]
    return [i for i, w in enumerate(seq) if w == first and seq[i: i + n] == phrase]


@dataclass(frozen=True)
class ProjectMatcher:
    """Lemma-phrase lookup of national and federal project names and aliases."""

    national: tuple[Phrase, ...]
    federal: tuple[Phrase, ...]
    national_of_federal: dict[str, str]

    @classmethod
    def build(cls, catalog: Catalog) -> ProjectMatcher:
        """Phrases from every name, canonical name and alias of the catalog."""
        nat = [(p.name, p.name, False) for p in catalog.national_projects]
        nat += [(a, p.name, True) for p in catalog.national_projects for a in p.aliases]
        fed = [(p.canonical, p.canonical, False) for p in catalog.federal_projects]
        fed += [(p.name, p.canonical, False) for p in catalog.federal_projects]
        fed += [(a, p.canonical, True) for p in catalog.federal_projects for a in p.aliases]
        owner = {p.canonical: p.national_project for p in catalog.federal_projects}
        return cls(_phrases(nat), _phrases(fed), owner)

    def _find(self, phrases: tuple[Phrase, ...], text: str) -> list[str]:
        """Canonical names mentioned in ``text``, in order; single words need context."""
        seq = lemma_tuple(text)
        quoted = {lemma_tuple(q) for q in QUOTED_RE.findall(text)}
        hits: list[tuple[int, int, bool, str]] = []
        for ph in phrases:
            for i in _occurrences(seq, ph.lemmas):
                if len(ph.lemmas) == 1 and not _has_context(seq, i, ph.lemmas, quoted):
                    continue
                hits.append((i, -len(ph.lemmas), ph.is_alias, ph.canonical))
        return list(dict.fromkeys(h[3] for h in sorted(hits)))

    def federal_projects(self, text: str) -> list[str]:
        """Every federal project named in ``text``, in order of first mention."""
        return self._find(self.federal, text)

    def federal_project(self, text: str) -> str | None:
        """The first federal project named in ``text`` (canonical output name)."""
        found = self.federal_projects(text)
        return found[0] if found else None

    def national_project(self, text: str) -> str | None:
        """The first national project named in ``text``."""
        found = self._find(self.national, text)
        return found[0] if found else None


def _has_context(seq: tuple[str, ...], i: int, phrase: tuple[str, ...],
                 quoted: set[tuple[str, ...]]) -> bool:
    """A one-word name counts alone, in quotes, or right after ``проект``/``НП``/``ФП``."""
    return len(seq) == 1 or phrase in quoted or (i > 0 and seq[i - 1] in CONTEXT_LEMMAS)
