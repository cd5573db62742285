"""Gazetteer: the 89 subjects of the Russian Federation and known municipalities, found in
text in any grammatical case (``Асиновского района``, ``МО «Асиновский район»``)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from pipeline.normalise.catalog import CatalogError, read_rows, split_aliases, vocab_dir
from pipeline.normalise.forms import words
from pipeline.normalise.index_cache import cached
from pipeline.normalise.phrases import Mention, PhraseIndex, pick

log = logging.getLogger(__name__)

REGION_FILE = "gazetteer_regions.csv"
MUNICIPALITY_FILE = "gazetteer_municipalities.csv"
REGION_KINDS = frozenset({"republic", "krai", "oblast", "federal_city", "autonomous_oblast",
                          "autonomous_okrug"})
MUNICIPALITY_KINDS = frozenset({"district", "urban_okrug", "municipal_okrug", "city_okrug",
                                "zato", "intra_city"})
DEFAULT_LEAD_CHARS = 2000
ABBREVIATIONS = ((" область", " обл"), ("Республика ", "Респ "), (" автономный округ", " АО"))
MO_PREFIX_RE = re.compile(r"(?:\bМО|муниципальн\w+\s+образовани\w+)\s*[«\"]\s*$", re.IGNORECASE)
MO_SUFFIX_RE = re.compile(r"^\s*[»\"]")


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
    """One version of an upper-level municipality: its name, subject and OKTMO code in the
    years ``valid_from`` (included) to ``valid_to`` (excluded; None while still valid)."""

    name: str
    kind: str
    region: str
    oktmo: str
    source: str
    valid_from: int | None = None
    valid_to: int | None = None
    territory: str = ""
    aliases: tuple[str, ...] = ()

    def valid_in(self, year: int) -> bool:
        """True when this version was the municipality's one in ``year``."""
        return ((self.valid_from is None or self.valid_from <= year)
                and (self.valid_to is None or year < self.valid_to))


@dataclass(frozen=True, slots=True)
class MunicipalityMatch:
    """The municipality a text is about: canonical name, region, OKTMO code (when the
    version is known) and the chosen mention."""

    name: str
    region: str | None
    kind: str
    text: str
    start: int
    end: int
    mentions: int
    method: str = "gazetteer"
    oktmo: str | None = None


def municipality_variants(m: Municipality) -> list[str]:
    """Written variants of a municipality name (``муниципальный район``, ``р-н``, ``ГО``,
    ``г. Томск``) and the directory's own wordings."""
    name, out = m.name, [m.name]
    if m.kind == "district" and name.endswith(" район"):
        stem = name[: -len(" район")]
        out += [f"{stem} муниципальный район", f"{stem} р-н", f"{stem} МР"]
    elif m.kind == "urban_okrug" and name.endswith(" городской округ"):
        out.append(name.replace(" городской округ", " ГО"))
    elif m.kind == "city_okrug" and name.startswith("город "):
        out.append("г. " + name[len("город "):])
    return [*out, *m.aliases]


def region_variants(r: Region) -> list[str]:
    """Written variants of a subject name: the name, its aliases and abbreviations."""
    out = [r.name, *r.aliases]
    for full, short in ABBREVIATIONS:
        out += [v.replace(full, short) for v in out if full in v]
    return out


@dataclass(frozen=True)
class Gazetteer:
    """Subjects and municipalities with case-insensitive, all-case phrase lookup."""

    regions: tuple[Region, ...]
    municipalities: tuple[Municipality, ...]
    region_index: PhraseIndex
    municipality_index: PhraseIndex
    by_name: dict[str, tuple[Municipality, ...]]
    by_territory: dict[str, tuple[Municipality, ...]] = field(default_factory=dict)

    @classmethod
    def build(cls, regions: tuple[Region, ...], munis: tuple[Municipality, ...]) -> Gazetteer:
        """Index every case form of every name and variant."""
        region_forms = [(v, r.name) for r in regions for v in region_variants(r)]
        muni_forms = [(v, m.name) for m in munis for v in municipality_variants(m)]
        by_name: dict[str, list[Municipality]] = {}
        by_territory: dict[str, list[Municipality]] = {}
        for m in munis:
            by_name.setdefault(m.name, []).append(m)
            by_territory.setdefault(m.territory or f"{m.region}/{m.name}", []).append(m)
        region_index, muni_index = cached(
            "gazetteer", (region_forms, muni_forms),
            lambda: (PhraseIndex.build(region_forms), PhraseIndex.build(muni_forms)))
        return cls(regions, munis, region_index, muni_index,
                   {k: tuple(v) for k, v in by_name.items()},
                   {k: tuple(v) for k, v in by_territory.items()})

    @cached_property
    def region_kinds(self) -> dict[str, str]:
        """Kind of each subject by canonical name (built once, not per text)."""
        return {r.name: r.kind for r in self.regions}

    def region_mentions(self, text: str) -> list[Mention]:
        """Subject mentions; bare one-word forms and federal cities only when nothing else."""
        kinds = self.region_kinds
        found = self.region_index.scan(text)
        strong = [m for k, m in found if len(k) > 1 and kinds[m.value] != "federal_city"]
        return strong or [m for _, m in found]

    def find_region(self, text: str, lead_chars: int | None = None) -> str | None:
        """Canonical subject most mentioned in ``text`` (``Томской области`` -> Томская)."""
        return pick(self.region_mentions(text), lead_chars)

    def regions_of(self, municipality: str) -> list[str]:
        """Subjects that have a municipality of this name (canonical or any written form)."""
        entries = self.by_name.get(municipality)
        if entries is None:
            found = self.municipality_index.scan(municipality)
            entries = self.by_name.get(found[0][1].value, ()) if found else ()
        return list(dict.fromkeys(e.region for e in entries))

    def region_of(self, municipality: str, text: str | None = None) -> str | None:
        """Subject of a municipality: the only one that has the name, else the one of them
        that ``text`` names most; None when the name is ambiguous and the text names none."""
        regions = self.regions_of(municipality)
        if len(regions) == 1:
            return regions[0]
        named = [m for m in self.region_mentions(text or "") if m.value in regions]
        return pick(named, None)

    def version(self, municipality: str, region: str | None, year: int | None = None,
                ) -> Municipality | None:
        """The version of a named municipality in ``region`` valid in ``year`` (its current
        name may differ: a district that became a municipal okrug); the named version when
        no year is given or none is valid; None when unknown or ambiguous."""
        entries = [e for e in self.by_name.get(municipality or "", ()) if e.region == region]
        territories = list(dict.fromkeys(e.territory for e in entries))
        if len(territories) != 1:
            return None
        named = max(entries, key=lambda e: e.valid_from or 0)
        if year is None:
            return named
        valid = [v for v in self.by_territory.get(named.territory, ()) if v.valid_in(year)]
        return valid[-1] if valid else named

    def oktmo_of(self, municipality: str | None, region: str | None,
                 year: int | None = None) -> str | None:
        """8-digit OKTMO code of a canonical municipality in ``region`` (the version of
        ``year`` when given); None when unknown or when the name is ambiguous."""
        if region is None and municipality:
            regions = self.regions_of(municipality)
            region = regions[0] if len(regions) == 1 else None
        found = self.version(municipality or "", region, year)
        return found.oktmo if found and found.oktmo else None

    def find_municipality(self, text: str, lead_chars: int | None = DEFAULT_LEAD_CHARS,
                          year: int | None = None) -> MunicipalityMatch | None:
        """The municipality a document is about: most mentioned in its lead, ties earliest.
        Districts of a city (``Кировского района Города Томска``) and address lines are not
        candidates; a subject named in the lead narrows the candidates to its own."""
        region = self.find_region(text, lead_chars)
        mentions = own_mentions(text, [m for _, m in self.municipality_index.scan(text)],
                                self.by_name)
        if region is not None:
            mentions = [m for m in mentions if region in self.regions_of(m.value)] or mentions
        name = pick(mentions, lead_chars)
        if name is None:
            return pattern_municipality(text, region)
        chosen = next(m for m in mentions if m.value == name)
        start, end = _extend_mo(text, chosen.start, chosen.end)
        candidates = self.regions_of(name)
        if region is None or region not in candidates:
            region = region or self.region_of(name, text)
        found = self.version(name, region, year)
        kind = found.kind if found else self.by_name[name][0].kind
        return MunicipalityMatch(found.name if found else name, region, kind, text[start:end],
                                 start, end, sum(m.value == name for m in mentions),
                                 oktmo=(found.oktmo or None) if found else None)

    def place_match(self, text: str, year: int | None = None,
                    ) -> tuple[MunicipalityMatch | None, str | None]:
        """The municipality match of a document lead and the region: the match's, else the
        subject the text names."""
        muni = self.find_municipality(text, year=year)
        if muni is not None and muni.region:
            return muni, muni.region
        return muni, self.find_region(text, DEFAULT_LEAD_CHARS)

    def find_place(self, text: str, year: int | None = None) -> tuple[str | None, str | None]:
        """``(municipality, region)`` of a document lead; region falls back to the gazetteer."""
        muni, region = self.place_match(text, year)
        return (muni.name if muni else None), region


ADDRESS_RE = re.compile(r"\b\d{6}\b")
CITY_PARTS_GAP = 3


def own_mentions(text: str, mentions: list[Mention],
                 by_name: dict[str, tuple[Municipality, ...]]) -> list[Mention]:
    """Mentions that may name the document's own place: not a district right before a city
    (``Кировского района Города Томска`` is a part of the city), not in an address line."""
    out = []
    for m in mentions:
        nxt = next((x for x in mentions if x.start >= m.end), None)
        if (nxt is not None and words(text[m.start:m.end])[-1].startswith("район")
                and nxt.start - m.end <= CITY_PARTS_GAP and not text[m.end: nxt.start].strip()
                and any(e.kind == "city_okrug" for e in by_name.get(nxt.value, ()))):
            continue
        line_start = text.rfind("\n", 0, m.start) + 1
        if ADDRESS_RE.search(text, line_start, m.start):
            continue
        out.append(m)
    return out


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


def _year(file_row: int, col: str, value: str) -> int | None:
    if not value:
        return None
    if not (value.isdigit() and len(value) == 4):
        raise CatalogError(MUNICIPALITY_FILE, file_row, f"{col} {value!r} is not a year")
    return int(value)


def parse_municipalities(rows: list[tuple[int, dict[str, str]]],
                         regions: set[str]) -> tuple[Municipality, ...]:
    """Municipalities from their CSV rows: known kind and subject, one version of a name per
    subject and first year, OKTMO codes of 8 digits."""
    seen: dict[tuple[str, str, str], int] = {}
    out = []
    for n, r in rows:
        if r["kind"] not in MUNICIPALITY_KINDS:
            raise CatalogError(MUNICIPALITY_FILE, n, f"kind {r['kind']!r} is not one of "
                               f"{', '.join(sorted(MUNICIPALITY_KINDS))}")
        if r["region"] not in regions:
            raise CatalogError(MUNICIPALITY_FILE, n, f"region {r['region']!r} is not in "
                               f"{REGION_FILE}")
        oktmo = r.get("oktmo", "")
        if oktmo and not (oktmo.isdigit() and len(oktmo) == 8):
            raise CatalogError(MUNICIPALITY_FILE, n, f"oktmo {oktmo!r} is not 8 digits")
        key = (r["name"], r["region"], r.get("valid_from", ""))
        if key in seen:
            raise CatalogError(MUNICIPALITY_FILE, n, f"duplicate {r['name']!r} in "
                               f"{r['region']} (first at row {seen[key]})")
        seen[key] = n
        out.append(Municipality(r["name"], r["kind"], r["region"], oktmo, r.get("source", ""),
                                _year(n, "valid_from", r.get("valid_from", "")),
                                _year(n, "valid_to", r.get("valid_to", "")),
                                r.get("territory", ""), split_aliases(r.get("aliases", ""))))
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


def region_of(municipality: str, text: str | None = None) -> str | None:
    """The subject of a municipality, or None when unknown or ambiguous (see
    ``Gazetteer.region_of``)."""
    return default_gazetteer().region_of(municipality, text)
