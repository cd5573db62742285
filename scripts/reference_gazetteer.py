"""Municipality rows of the gazetteer, built from the versioned upper-level directory.

Base: ``ru_municipalities_upper_level_2018_2024.csv`` (every upper-level municipality of the
85 subjects with its OKTMO code and the years each version was valid). The other lists only
add written forms of the same codes: the OKTMO 2019 copy and the two OKTMO volumes (the
classifier's wording, older names) and hflabs/city (which okrug names are cities, district
names of the city list). Used by ``build_reference.py``.
"""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger("build_reference")
Row = dict[str, str]

BASE_FILE = "ru_municipalities_upper_level_2018_2024.csv"
OKTMO_2019_FILE = "oktmo_mo_all_levels_2019_oktmoru.csv"
UPPER_CODE_RE = re.compile(r"^\d\d[678]\d\d000$")
ADJ_RE = re.compile(r"^[А-ЯЁ][а-яё]+(?:-[А-ЯЁа-яё]+)*(?:ий|ый|ой)$")
CITY_WORDS = ("город-курорт ", "город-герой ", "город ")
BASE_KIND = {"district": "district", "municipal_okrug": "municipal_okrug",
             "urban_okrug": "urban_okrug", "zato": "zato", "other": "intra_city"}
HEADER = ["name", "kind", "region", "oktmo", "valid_from", "valid_to", "territory", "aliases",
          "source"]


def read_csv(path: Path, encoding: str = "utf-8") -> list[Row]:
    """Rows of a headed CSV file."""
    with path.open(encoding=encoding, newline="") as fh:
        return list(csv.DictReader(fh))


def _strip(text: str, prefix: str) -> str | None:
    return text[len(prefix):] if text.startswith(prefix) else None


def canonical_name(raw: str, kind: str, cities: set[str]) -> tuple[str, str]:
    """Contract name and kind of a directory name: ``X район``, ``X городской округ``,
    ``город X``, ``X муниципальный округ``; other wordings stay as written."""
    name = " ".join(raw.split())
    if kind == "district":
        if (rest := _strip(name, "муниципальный район ")) is not None:
            return (rest if rest.endswith(" район") else name), "district"
        return name.replace(" муниципальный район", " район"), "district"
    if kind == "municipal_okrug":
        rest = _strip(name, "муниципальный округ ")
        if rest and rest.endswith(" район") and ADJ_RE.match(rest[:-len(" район")]):
            return rest[:-len(" район")] + " муниципальный округ", kind
        if rest and ADJ_RE.match(rest):  # «муниципальный округ Кунгурский»
            return f"{rest} муниципальный округ", kind
        return name, kind
    if kind in ("urban_okrug", "zato"):
        rest = _strip(name, "городской округ ") or name
        if kind == "zato":
            return (rest if rest.startswith("ЗАТО") else f"ЗАТО {rest}"), kind
        for word in CITY_WORDS:
            if (city := _strip(rest, word)) is not None:
                return f"город {city}", "city_okrug"
        if ADJ_RE.match(rest):
            return f"{rest} городской округ", kind
        if rest in cities:
            return f"город {rest}", "city_okrug"
        return name, kind
    return name, BASE_KIND[kind]


def written_forms(raw: str, canonical: str, kind: str) -> list[str]:
    """Other wordings of one version that a report may use (the directory's own wording)."""
    out = [raw] if raw != canonical else []
    if kind == "city_okrug":
        city = canonical[len("город "):]
        out += [f"городской округ {city}", f"городской округ город {city}"]
    if kind == "zato":
        out.append(f"городской округ {canonical}")
    return [f for f in dict.fromkeys(out) if f != canonical]


def base_rows(ext: Path, region_of: Callable[[str], str], cities: dict[str, set[str]]
              ) -> list[Row]:
    """One row per version of every upper-level municipality, in contract form."""
    out = []
    for r in read_csv(ext / BASE_FILE):
        region = region_of(r["region"])
        name, kind = canonical_name(r["name"], r["kind"], cities.get(region, set()))
        out.append({"name": name, "kind": kind, "region": region, "oktmo": r["oktmo"],
                    "valid_from": r["valid_from"], "valid_to": r["valid_to"],
                    "territory": r["territory_id"],
                    "aliases": "|".join(written_forms(r["name"], name, kind)),
                    "source": r["source"].split(";")[0] + f": {r['name']}"})
    return out


def oktmo_2019_names(ext: Path) -> dict[str, list[str]]:
    """8-digit code -> upper-level names as written in the OKTMO 2019 copy."""
    out: dict[str, list[str]] = {}
    for r in read_csv(ext / OKTMO_2019_FILE):
        if r["is_group_header"] == "0" and UPPER_CODE_RE.match(r["oktmo"]):
            out.setdefault(r["oktmo"], []).append(" ".join(r["name"].split()))
    return out


def hflabs_cities(hflabs: list[Row], region_name: Callable[[Row], str]) -> dict[str, set[str]]:
    """Subject -> names of its cities (hflabs city type ``г``)."""
    out: dict[str, set[str]] = {}
    for r in hflabs:
        if r["city_type"] == "г" and r["city"]:
            out.setdefault(region_name(r), set()).add(r["city"])
    return out


def hflabs_districts(hflabs: list[Row]) -> dict[str, str]:
    """8-digit district code -> ``X район`` as written in hflabs/city."""
    return {r["oktmo"][:5] + "000": f"{r['area']} район" for r in hflabs
            if r["area_type"] == "р-н" and r["area"] and r["oktmo"]}


def add_forms(rows: list[Row], forms: dict[str, list[str]], tag: str) -> int:
    """Append the written forms known for a version's code to its aliases (not a bare
    one-word name: ``Кировский`` alone is no place name); count added."""
    added = 0
    for r in rows:
        have = {r["name"], *r["aliases"].split("|")}
        new = [f for f in forms.get(r["oktmo"], ()) if f not in have and " " in f]
        if new:
            r["aliases"] = "|".join(a for a in (r["aliases"], *new) if a)
            r["source"] += f"; {tag}"
            added += len(new)
    return added


def municipality_rows(ext: Path, hflabs: list[Row], region_of: Callable[[str], str],
                      hflabs_region: Callable[[Row], str]) -> list[Row]:
    """The gazetteer's municipalities: every version of the base, forms from the others."""
    rows = base_rows(ext, region_of, hflabs_cities(hflabs, hflabs_region))
    n = add_forms(rows, oktmo_2019_names(ext), "oktmo_2019 forms")
    n += add_forms(rows, {k: [v] for k, v in hflabs_districts(hflabs).items()},
                   "hflabs_city.csv area column")
    log.info("municipalities: %d versions, %d written forms added", len(rows), n)
    return sorted(rows, key=lambda r: (r["region"], r["name"], r["valid_from"]))
