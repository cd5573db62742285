"""National and federal project names found in free text (any case, quotes, ФП/НП prefixes)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.grammar.lemma import lemma
from pipeline.normalise.catalog import Catalog
from pipeline.normalise.forms import words

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


def _positions(seq: tuple[str, ...]) -> dict[str, list[int]]:
    """Where each lemma of ``seq`` stands: a phrase is looked for only where its first word
    is, instead of along the whole text for every phrase of the catalog."""
    out: dict[str, list[int]] = {}
    for i, w in enumerate(seq):
        out.setdefault(w, []).append(i)
    return out


def _occurrences(seq: tuple[str, ...], phrase: tuple[str, ...],
                 positions: dict[str, list[int]]) -> list[int]:
    n = len(phrase)
    return [i for i in positions.get(phrase[0], ()) if seq[i: i + n] == phrase]


Hit = tuple[int, int, bool, str]  # start token, -length, is_alias, canonical


@dataclass(frozen=True)
class ProjectMatcher:
    """Lemma-phrase lookup of national and federal project names and aliases."""

    national: tuple[Phrase, ...]
    federal: tuple[Phrase, ...]
    owners: dict[str, tuple[tuple[str, tuple[int, int] | None], ...]]

    @classmethod
    def build(cls, catalog: Catalog) -> ProjectMatcher:
        """Phrases from every name, canonical name and alias of the catalog."""
        nat = [(p.name, p.name, False) for p in catalog.national_projects]
        nat += [(a, p.name, True) for p in catalog.national_projects for a in p.aliases]
        fed = [(p.canonical, p.canonical, False) for p in catalog.federal_projects]
        fed += [(p.name, p.canonical, False) for p in catalog.federal_projects]
        fed += [(a, p.canonical, True) for p in catalog.federal_projects for a in p.aliases]
        owners: dict[str, list[tuple[str, tuple[int, int] | None]]] = {}
        for p in catalog.federal_projects:
            owners.setdefault(p.canonical, []).append((p.national_project, p.years()))
        return cls(_phrases(nat), _phrases(fed), {k: tuple(v) for k, v in owners.items()})

    @property
    def national_of_federal(self) -> dict[str, str]:
        """Canonical federal project -> its national project, for names with one owner."""
        return {k: v[0][0] for k, v in self.owners.items() if len({o for o, _ in v}) == 1}

    def owner(self, federal: str, year: int | None = None) -> str | None:
        """National project of a canonical federal project; a name that two national
        projects use (``Чистый воздух``) takes the one of ``year``, else None."""
        owners = self.owners.get(federal, ())
        if year is not None and len(owners) > 1:
            owners = tuple(o for o in owners if o[1] is None or o[1][0] <= year <= o[1][1])
        names = {o for o, _ in owners}
        return names.pop() if len(names) == 1 else None

    def _hits(self, phrases: tuple[Phrase, ...], seq: tuple[str, ...],
              quoted: set[tuple[str, ...]], positions: dict[str, list[int]]) -> list[Hit]:
        hits: list[Hit] = []
        for ph in phrases:
            if ph.lemmas[0] not in positions:
                continue
            for i in _occurrences(seq, ph.lemmas, positions):
                if len(ph.lemmas) == 1 and not _has_context(seq, i, ph.lemmas, quoted):
                    continue
                hits.append((i, -len(ph.lemmas), ph.is_alias, ph.canonical))
        return hits

    def _find(self, phrases: tuple[Phrase, ...], text: str) -> list[str]:
        """Canonical names mentioned in ``text``, in order; single words need context. A name
        inside a longer project name of either kind (``Жилье`` in «Жилье и городская среда»,
        ``Дорожная сеть`` in «Региональная и местная дорожная сеть») does not count."""
        seq = lemma_tuple(text)
        quoted = {lemma_tuple(q) for q in QUOTED_RE.findall(text)}
        positions = _positions(seq)
        hits = self._hits(phrases, seq, quoted, positions)
        other = self.federal if phrases is self.national else self.national
        spans = [(i, i - n) for i, n, _, _ in (*hits, *self._hits(other, seq, quoted, positions))]
        kept = [h for h in hits if not any(a <= h[0] and h[0] - h[1] <= b and b - a > -h[1]
                                           for a, b in spans)]
        return list(dict.fromkeys(h[3] for h in sorted(kept)))

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
