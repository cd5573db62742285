"""Gazetteer: the 89 subjects of the Russian Federation and known municipalities, found in
text in any grammatical case (``Асиновского района``, ``МО «Асиновский район»``)."""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pipeline.normalise.catalog import CatalogError, read_rows, split_aliases, vocab_dir
from pipeline.normalise.forms import phrase_forms, word_spans, words

log = logging.getLogger(__name__)

REGION_FILE = "gazetteer_regions.csv"
MUNICIPALITY_FILE = "gazetteer_municipalities.csv"
REGION_KINDS = frozenset({"republic", "krai", "oblast", "federal_city", "autonomous_oblast",
                          "autonomous_okrug"})
MUNICIPALITY_KINDS = frozenset({"district", "urban_okrug", "municipal_okrug", "city_okrug"})
DEFAULT_LEAD_CHARS = 2000
ABBREVIATIONS = ((" область", " обл"), ("Республика ", "Респ "), (" автономный округ", " АО"))
MO_PREFIX_RE = re.compile(r"(?:\bМО|муниципальн\w+\s+образовани\w+)\s*[«\"]\s*$", re.IGNORECASE)
MO_SUFFIX_RE = re.compile(r"^\s*[»\"]")
Key = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Region:
    """One subject of the Russian Federation."""

    name: str
    kind: str
    oktmo: str
    aliases: tuple[str, ...]
    source: str


@dataclass(frozen=True, slots=True)
class Municipality:
    """One municipal district or okrug with its subject."""

    name: str
    kind: str
    region: str
    oktmo: str
    source: str


@dataclass(frozen=True, slots=True)
class MunicipalityMatch:
    """The municipality a text is about: canonical name, region and the chosen mention."""

    name: str
    region: str | None
    kind: str
    text: str
    start: int
    end: int
    mentions: int
    method: str = "gazetteer"


@dataclass(frozen=True, slots=True)
class Mention:
    """One occurrence of an index key in a text."""

    value: str
    start: int
    end: int


def municipality_variants(m: Municipality) -> list[str]:
    """Written variants of a municipality name (``муниципальный район``, ``р-н``, ``ГО``)."""
    name = m.name
    if m.kind == "district" and name.endswith(" район"):
        stem = name[: -len(" район")]
        return [name, f"{stem} муниципальный район", f"{stem} р-н", f"{stem} МР"]
    if m.kind == "urban_okrug" and name.endswith(" городской округ"):
        return [name, name.replace(" городской округ", " ГО")]
    return [name]


def region_variants(r: Region) -> list[str]:
    """Written variants of a subject name: the name, its aliases and abbreviations."""
    out = [r.name, *r.aliases]
    for full, short in ABBREVIATIONS:
        out += [v.replace(full, short) for v in out if full in v]
    return out


@dataclass(frozen=True)
class PhraseIndex:
    """Token tuples of every case form -> canonical names, scanned longest-first."""

    keys: dict[Key, tuple[str, ...]]
    lengths: dict[str, tuple[int, ...]] = field(default_factory=dict)

    @classmethod
    def build(cls, forms: list[tuple[str, str]]) -> PhraseIndex:
        """Index ``(written variant, canonical)`` pairs by all their case forms."""
        keys: dict[Key, dict[str, None]] = {}
        for variant, canonical in forms:
            for key in phrase_forms(variant):
                keys.setdefault(key, {})[canonical] = None
        lengths: dict[str, set[int]] = {}
        for key in keys:
            lengths.setdefault(key[0], set()).add(len(key))
        return cls({k: tuple(v) for k, v in keys.items()},
                   {w: tuple(sorted(ns, reverse=True)) for w, ns in lengths.items()})

    def scan(self, text: str) -> list[tuple[Key, Mention]]:
        """Every non-overlapping mention in ``text``, left to right, longest key first."""
        spans = word_spans(text)
        toks = [s.word for s in spans]
        out, i = [], 0
        while i < len(toks):
            step = 1
            for n in self.lengths.get(toks[i], ()):
                key = tuple(toks[i: i + n])
                if len(key) == n and key in self.keys:
                    for value in self.keys[key]:
                        out.append((key, Mention(value, spans[i].start, spans[i + n - 1].end)))
                    step = n
                    break
            i += step
        return out


def _pick(mentions: list[Mention], lead_chars: int | None) -> str | None:
    """Most frequent value among those mentioned in the lead (ties: earliest), else overall."""
    if not mentions:
        return None
    lead = [m for m in mentions if lead_chars is None or m.start < lead_chars] or mentions
    counts = Counter(m.value for m in mentions)
    first: dict[str, int] = {}
    for m in mentions:
        first.setdefault(m.value, m.start)
    return max({m.value for m in lead}, key=lambda v: (counts[v], -first[v]))


@dataclass(frozen=True)
class Gazetteer:
    """Subjects and municipalities with case-insensitive, all-case phrase lookup."""

    regions: tuple[Region, ...]
    municipalities: tuple[Municipality, ...]
    region_index: PhraseIndex
    municipality_index: PhraseIndex
    by_name: dict[str, tuple[Municipality, ...]]

    @classmethod
    def build(cls, regions: tuple[Region, ...], munis: tuple[Municipality, ...]) -> Gazetteer:
        """Index every case form of every name and variant."""
        region_forms = [(v, r.name) for r in regions for v in region_variants(r)]
        muni_forms = [(v, m.name) for m in munis for v in municipality_variants(m)]
        by_name: dict[str, list[Municipality]] = {}
        for m in munis:
            by_name.setdefault(m.name, []).append(m)
        return cls(regions, munis, PhraseIndex.build(region_forms),
                   PhraseIndex.build(muni_forms), {k: tuple(v) for k, v in by_name.items()})

    def region_mentions(self, text: str) -> list[Mention]:
        """Subject mentions; bare one-word forms and federal cities only when nothing else."""
        kinds = {r.name: r.kind for r in self.regions}
        found = self.region_index.scan(text)
        strong = [m for k, m in found if len(k) > 1 and kinds[m.value] != "federal_city"]
        return strong or [m for _, m in found]

    def find_region(self, text: str, lead_chars: int | None = None) -> str | None:
        """Canonical subject most mentioned in ``text`` (``Томской области`` -> Томская)."""
        return _pick(self.region_mentions(text), lead_chars)

    def region_of(self, municipality: str, text_region: str | None = None) -> str | None:
        """Subject of a municipality (canonical or any written form); None when ambiguous."""
        entries = self.by_name.get(municipality)
        if entries is None:
            found = self.municipality_index.scan(municipality)
            entries = self.by_name.get(found[0][1].value, ()) if found else ()
        regions = list(dict.fromkeys(e.region for e in entries))
        if text_region in regions or len(regions) == 1:
            return text_region if text_region in regions else regions[0]
        corpus = [e.region for e in entries if "corpus truth" in e.source]
        return corpus[0] if len(corpus) == 1 else None

    def oktmo_of(self, municipality: str | None, region: str | None) -> str | None:
        """8-digit OKTMO code of a canonical municipality in ``region``; None when unknown
        or when the name is ambiguous without its region."""
        entries = [e for e in self.by_name.get(municipality or "", ())
                   if e.oktmo and (region is None or e.region == region)]
        codes = {e.oktmo for e in entries}
        return codes.pop() if len(codes) == 1 else None

    def find_municipality(self, text: str, lead_chars: int | None = DEFAULT_LEAD_CHARS,
                          ) -> MunicipalityMatch | None:
        """The municipality a document is about: most mentioned in its lead, ties earliest."""
        mentions = [m for _, m in self.municipality_index.scan(text)]
        name = _pick(mentions, lead_chars)
        if name is None:
            return pattern_municipality(text, self.find_region(text, lead_chars))
        chosen = next(m for m in mentions if m.value == name)
        start, end = _extend_mo(text, chosen.start, chosen.end)
        region = self.region_of(name, self.find_region(text, lead_chars))
        return MunicipalityMatch(name, region, self.by_name[name][0].kind, text[start:end],
                                 start, end, sum(m.value == name for m in mentions))

    def find_place(self, text: str) -> tuple[str | None, str | None]:
        """``(municipality, region)`` of a document lead; region falls back to the gazetteer."""
        muni = self.find_municipality(text)
        region = self.find_region(text, DEFAULT_LEAD_CHARS)
        if muni is None:
            return None, region
        return muni.name, muni.region or region


def _extend_mo(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span to a surrounding ``МО «…»`` / ``муниципального образования «…»``."""
    w0 = max(0, start - 40)
    m = MO_PREFIX_RE.search(text[w0:start])
    tail = MO_SUFFIX_RE.match(text[end: end + 3])
    if m and tail:
        return w0 + m.start(), end + tail.end()
    return start, end


PATTERN_RE = re.compile(
    r"\b([А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)*(?:ск|цк|н))(?:ий|ый|ого|ому|им|ым|ом)\s+"
    r"(?:(муниципальн\w+)\s+)?(район\w*|городск\w+\s+округ\w*|муниципальн\w+\s+округ\w*)")


def pattern_municipality(text: str, region: str | None) -> MunicipalityMatch | None:
    """A municipality not in the gazetteer, from the pattern ``<Adj>ского района`` and kin."""
    m = PATTERN_RE.search(text)
    if m is None:
        return None
    stem, kind_words = m.group(1), words(m.group(3))
    adj = stem + ("ый" if stem.endswith("н") else "ий")
    if kind_words[0].startswith("район"):
        name, kind = f"{adj} район", "district"
    elif kind_words[0].startswith("городск"):
        name, kind = f"{adj} городской округ", "urban_okrug"
    else:
        name, kind = f"{adj} муниципальный округ", "municipal_okrug"
    count = sum(1 for x in PATTERN_RE.finditer(text) if x.group(1) == stem)
    return MunicipalityMatch(name, region, kind, m.group(0), m.start(), m.end(), count, "pattern")


def parse_regions(rows: list[tuple[int, dict[str, str]]]) -> tuple[Region, ...]:
    """Subjects from their CSV rows, validated."""
    seen: dict[str, int] = {}
    out = []
    for n, r in rows:
        if r["kind"] not in REGION_KINDS:
            raise CatalogError(REGION_FILE, n, f"kind {r['kind']!r} is not one of "
                               f"{', '.join(sorted(REGION_KINDS))}")
        if r["name"] in seen:
            raise CatalogError(REGION_FILE, n, f"duplicate name {r['name']!r} "
                               f"(first at row {seen[r['name']]})")
        seen[r["name"]] = n
        out.append(Region(r["name"], r["kind"], r.get("oktmo", ""),
                          split_aliases(r.get("aliases", "")), r.get("source", "")))
    return tuple(out)


def parse_municipalities(rows: list[tuple[int, dict[str, str]]],
                         regions: set[str]) -> tuple[Municipality, ...]:
    """Municipalities from their CSV rows: known kind and subject, unique per subject."""
    seen: dict[tuple[str, str], int] = {}
    out = []
    for n, r in rows:
        if r["kind"] not in MUNICIPALITY_KINDS:
            raise CatalogError(MUNICIPALITY_FILE, n, f"kind {r['kind']!r} is not one of "
                               f"{', '.join(sorted(MUNICIPALITY_KINDS))}")
        if r["region"] not in regions:
            raise CatalogError(MUNICIPALITY_FILE, n, f"region {r['region']!r} is not in "
                               f"{REGION_FILE}")
        key = (r["name"], r["region"])
        if key in seen:
            raise CatalogError(MUNICIPALITY_FILE, n, f"duplicate {r['name']!r} in "
                               f"{r['region']} (first at row {seen[key]})")
        seen[key] = n
        out.append(Municipality(r["name"], r["kind"], r["region"], r.get("oktmo", ""),
                                r.get("source", "")))
    return tuple(out)


def load_gazetteer(folder: Path | None = None) -> Gazetteer:
    """Read, validate and index the two gazetteer CSVs (default: ``pipeline/vocab``)."""
    folder = folder or vocab_dir()
    regions = parse_regions(read_rows(folder / REGION_FILE, ("name", "kind")))
    munis = parse_municipalities(read_rows(folder / MUNICIPALITY_FILE,
                                           ("name", "kind", "region")),
                                 {r.name for r in regions})
    log.debug("gazetteer: %d subjects, %d municipalities", len(regions), len(munis))
    return Gazetteer.build(regions, munis)


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The packaged gazetteer, built once per process."""
    return load_gazetteer()


def find_municipality(text: str) -> MunicipalityMatch | None:
    """The municipality a document's text is about (see ``Gazetteer.find_municipality``)."""
    return default_gazetteer().find_municipality(text)


def find_region(text: str) -> str | None:
    """The subject most mentioned in ``text``, in canonical form."""
    return default_gazetteer().find_region(text)


def region_of(municipality: str) -> str | None:
    """The subject of a municipality, or None when unknown or ambiguous."""
    return default_gazetteer().region_of(municipality)
