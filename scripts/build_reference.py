"""Regenerate the normalisation CSVs in pipeline/vocab/ from /work/shared/reference.

Usage: .venv/bin/python scripts/build_reference.py [--reference DIR] [--out DIR]

The committed CSVs are the runtime source; this script documents and reproduces them.
"""

from __future__ import annotations

import argparse
import csv
import logging
import re
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from reference_gazetteer import HEADER as MUNICIPALITY_HEADER  # noqa: E402
from reference_gazetteer import municipality_rows  # noqa: E402

log = logging.getLogger("build_reference")
Row = dict[str, str]

SHORT_FP_NAMES = {"EВ": "Патриотическое воспитание"}  # the corpus truth (dev/120) uses it
TRAILING_PAREN_RE = re.compile(r"\s*\((?!.*\().*\)\s*$")

R, K, OB = "republic", "krai", "oblast"
SUBJECTS: list[tuple[str, str, str, str]] = [  # name, kind, OKTMO prefix, aliases
    ("Республика Адыгея", R, "79", "Адыгея|Республика Адыгея (Адыгея)"),
    ("Республика Алтай", R, "84", ""),
    ("Республика Башкортостан", R, "80", "Башкортостан|Башкирия"),
    ("Республика Бурятия", R, "81", "Бурятия"),
    ("Республика Дагестан", R, "82", "Дагестан"),
    ("Донецкая Народная Республика", R, "21?", "ДНР"),
    ("Республика Ингушетия", R, "26", "Ингушетия"),
    ("Кабардино-Балкарская Республика", R, "83", "Кабардино-Балкария|КБР"),
    ("Республика Калмыкия", R, "85", "Калмыкия"),
    ("Карачаево-Черкесская Республика", R, "91", "Карачаево-Черкесия|КЧР"),
    ("Республика Карелия", R, "86", "Карелия"),
    ("Республика Коми", R, "87", ""),
    ("Республика Крым", R, "35", "Крым"),
    ("Луганская Народная Республика", R, "43?", "ЛНР"),
    ("Республика Марий Эл", R, "88", "Марий Эл"),
    ("Республика Мордовия", R, "89", "Мордовия"),
    ("Республика Саха (Якутия)", R, "98", "Якутия|Республика Якутия|Республика Саха"),
    ("Республика Северная Осетия — Алания", R, "90",
     "Северная Осетия|Республика Северная Осетия|Северная Осетия — Алания"),
    ("Республика Татарстан", R, "92", "Татарстан|Республика Татарстан (Татарстан)"),
    ("Республика Тыва", R, "93", "Тыва|Тува|Республика Тува"),
    ("Удмуртская Республика", R, "94", "Удмуртия"),
    ("Республика Хакасия", R, "95", "Хакасия"),
    ("Чеченская Республика", R, "96", "Чечня"),
    ("Чувашская Республика", R, "97", "Чувашия|Чувашская Республика — Чувашия"),
    ("Алтайский край", K, "01", ""),
    ("Забайкальский край", K, "76", ""),
    ("Камчатский край", K, "30", ""),
    ("Краснодарский край", K, "03", "Кубань"),
    ("Красноярский край", K, "04", ""),
    ("Пермский край", K, "57", ""),
    ("Приморский край", K, "05", "Приморье"),
    ("Ставропольский край", K, "07", "Ставрополье"),
    ("Хабаровский край", K, "08", ""),
    ("Амурская область", OB, "10", ""),
    ("Архангельская область", OB, "11", ""),
    ("Астраханская область", OB, "12", ""),
    ("Белгородская область", OB, "14", ""),
    ("Брянская область", OB, "15", ""),
    ("Владимирская область", OB, "17", ""),
    ("Волгоградская область", OB, "18", ""),
    ("Вологодская область", OB, "19", ""),
    ("Воронежская область", OB, "20", ""),
    ("Запорожская область", OB, "23?", ""),
    ("Ивановская область", OB, "24", ""),
    ("Иркутская область", OB, "25", ""),
    ("Калининградская область", OB, "27", ""),
    ("Калужская область", OB, "29", ""),
    ("Кемеровская область — Кузбасс", OB, "32", "Кемеровская область|Кузбасс"),
    ("Кировская область", OB, "33", ""),
    ("Костромская область", OB, "34", ""),
    ("Курганская область", OB, "37", ""),
    ("Курская область", OB, "38", ""),
    ("Ленинградская область", OB, "41", ""),
    ("Липецкая область", OB, "42", ""),
    ("Магаданская область", OB, "44", ""),
    ("Московская область", OB, "46", "Подмосковье"),
    ("Мурманская область", OB, "47", ""),
    ("Нижегородская область", OB, "22", ""),
    ("Новгородская область", OB, "49", ""),
    ("Новосибирская область", OB, "50", ""),
    ("Омская область", OB, "52", ""),
    ("Оренбургская область", OB, "53", ""),
    ("Орловская область", OB, "54", ""),
    ("Пензенская область", OB, "56", ""),
    ("Псковская область", OB, "58", ""),
    ("Ростовская область", OB, "60", ""),
    ("Рязанская область", OB, "61", ""),
    ("Самарская область", OB, "36", ""),
    ("Саратовская область", OB, "63", ""),
    ("Сахалинская область", OB, "64", ""),
    ("Свердловская область", OB, "65", ""),
    ("Смоленская область", OB, "66", ""),
    ("Тамбовская область", OB, "68", ""),
    ("Тверская область", OB, "28", ""),
    ("Томская область", OB, "69", ""),
    ("Тульская область", OB, "70", ""),
    ("Тюменская область", OB, "71", ""),
    ("Ульяновская область", OB, "73", ""),
    ("Херсонская область", OB, "39?", ""),
    ("Челябинская область", OB, "75", ""),
    ("Ярославская область", OB, "78", ""),
    ("Москва", "federal_city", "45", "г. Москва|город Москва"),
    ("Санкт-Петербург", "federal_city", "40", "г. Санкт-Петербург|город Санкт-Петербург"),
    ("Севастополь", "federal_city", "67", "г. Севастополь|город Севастополь"),
    ("Еврейская автономная область", "autonomous_oblast", "99", "ЕАО|Еврейская АО"),
    ("Ненецкий автономный округ", "autonomous_okrug", "118", "НАО|Ненецкий АО"),
    ("Ханты-Мансийский автономный округ — Югра", "autonomous_okrug", "718",
     "Ханты-Мансийский автономный округ|Югра|ХМАО|ХМАО — Югра|Ханты-Мансийский АО"),
    ("Чукотский автономный округ", "autonomous_okrug", "77", "Чукотка|Чукотский АО"),
    ("Ямало-Ненецкий автономный округ", "autonomous_okrug", "719", "ЯНАО|Ямало-Ненецкий АО"),
]


def read_csv(path: Path, encoding: str = "utf-8") -> list[Row]:
    """Rows of a headed CSV file."""
    with path.open(encoding=encoding, newline="") as fh:
        return list(csv.DictReader(fh))


def write_csv(path: Path, header: list[str], rows: Iterable[Row]) -> int:
    """Write rows under ``header``; return how many were written."""
    rows = list(rows)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: r.get(k, "") for k in header} for r in rows)
    log.info("wrote %s (%d rows)", path, len(rows))
    return len(rows)


def national_rows(ref: Path) -> list[Row]:
    """National projects with stable ids."""
    rows = read_csv(ref / "national_projects.csv")
    return [{"id": f"np{i:02d}", **r} for i, r in enumerate(rows, 1)]


def short_fp_name(code: str, name: str) -> str:
    """The output name of a federal project: the catalog name without a trailing bracket."""
    return SHORT_FP_NAMES.get(code) or TRAILING_PAREN_RE.sub("", name).strip() or name


def federal_rows(ref: Path) -> list[Row]:
    """Federal projects with ids (budget code, else ``fpNN``) and short canonical names: the
    curated catalog first, then every sourced row of ``external/federal_projects_all.csv``
    (one row per name and national project; a row already there gains the other source)."""
    out = []
    for i, r in enumerate(read_csv(ref / "federal_projects.csv"), 1):
        canonical = short_fp_name(r["code"], r["name"])
        aliases = [a for a in r["aliases"].split("|") if a]
        if canonical != r["name"]:
            aliases.insert(0, r["name"])
        out.append({**r, "id": r["code"] or f"fp{i:02d}", "canonical": canonical,
                    "aliases": "|".join(dict.fromkeys(aliases))})
    return out + all_federal_rows(ref / "external" / "federal_projects_all.csv", out)


def all_federal_rows(path: Path, known: list[Row]) -> list[Row]:
    """Rows of the all-projects list that the curated catalog lacks; sources added to those
    it has. Codes only where the list gives them."""
    by_key = {(r["national_project"], name): r for r in known
              for name in (r["canonical"], r["name"])}
    ids = {r["id"] for r in known}
    number = max(int(i[2:]) for i in ids if re.fullmatch(r"fp\d+", i))
    out = []
    for r in read_csv(path):
        canonical = short_fp_name(r["code"], r["federal_project"])
        source = f"federal_projects_all.csv: {r['source']}"
        old = (by_key.get((r["national_project"], canonical))
               or by_key.get((r["national_project"], r["federal_project"])))
        if old is not None:
            old["source"] = f"{old['source']}; {source}"
            old["code"] = old["code"] or r["code"]
            continue
        if r["code"] and r["code"] not in ids:
            new_id = r["code"]
        else:
            number += 1
            new_id = f"fp{number:02d}"
        ids.add(new_id)
        aliases = [r["federal_project"]] if canonical != r["federal_project"] else []
        row = {"id": new_id, "code": r["code"], "name": r["federal_project"],
               "canonical": canonical, "national_project": r["national_project"],
               "period": r["period"], "aliases": "|".join(aliases),
               "confidence": r["confidence"], "source": source}
        by_key[(r["national_project"], canonical)] = row
        out.append(row)
    return out


def indicator_rows(ref: Path, federal: list[Row], national: list[Row]) -> list[Row]:
    """Indicators and results, linked to a federal project id or only a national project."""
    fp_by_code = {r["code"]: r for r in federal if r["code"]}
    np_by_code = {r["code"]: r for r in national if r["code"]}
    out = []
    for i, r in enumerate(read_csv(ref / "indicators.csv"), 1):
        code = r["federal_project_code"]
        fp = fp_by_code.get(code)
        national_project = fp["national_project"] if fp else np_by_code[code]["name"]
        out.append({**r, "id": f"ind{i:02d}", "federal_project_id": fp["id"] if fp else "",
                    "national_project": national_project, "name": r["indicator_name"]})
    return out


def region_rows(hflabs: list[Row]) -> list[Row]:
    """The 89 subjects, marked with hflabs when the city list names them too."""
    seen = {hflabs_region(r) for r in hflabs}
    out = []
    for name, kind, oktmo, aliases in SUBJECTS:
        source = "constitution art. 65 (names); OKTMO codes from background knowledge"
        if name in seen:
            source += "; hflabs_city.csv region column"
        out.append({"name": name, "kind": kind, "oktmo": oktmo, "aliases": aliases,
                    "source": source})
    return out


def hflabs_region(row: Row) -> str:
    """Canonical subject name of an hflabs row's region columns."""
    rtype, region = row["region_type"], row["region"].replace("/", " ").strip()
    region = " ".join(region.replace("(", " ").replace(")", " ").split())
    by_words = {frozenset(n.replace("—", " ").replace("(", " ").replace(")", " ").lower().split())
                : n for n, *_ in SUBJECTS}
    if rtype == "обл" and " - " not in region:
        return f"{region} область"
    if rtype == "край":
        return f"{region} край"
    if rtype == "г":
        return region
    words = set(region.replace(" - ", " ").lower().split())
    for key, name in by_words.items():
        if words <= key:
            return name
    raise ValueError(f"hflabs region not mapped: {rtype} {region}")


def subject_of(name: str) -> str:
    """Canonical subject of a region name as the municipal directory writes it."""
    by_name = {n: n for n, *_ in SUBJECTS}
    by_name.update({a: n for n, _, _, aliases in SUBJECTS for a in aliases.split("|") if a})
    if name in by_name:
        return by_name[name]
    raise ValueError(f"region not mapped: {name}")


def check_codes(hflabs: list[Row]) -> None:
    """Warn where hflabs OKTMO prefixes disagree with the subject table."""
    code_of = {name: oktmo for name, _, oktmo, _ in SUBJECTS}
    for r in hflabs:
        name = hflabs_region(r)
        if r["oktmo"] and not r["oktmo"].startswith(code_of[name].rstrip("?")[:2]):
            log.warning("OKTMO prefix of %s is %s in hflabs", name, r["oktmo"][:2])


def main(argv: list[str] | None = None) -> int:
    """Build every CSV of the normalisation catalog and gazetteer."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reference", type=Path, default=Path("/work/shared/reference"))
    ap.add_argument("--out", type=Path, default=ROOT / "pipeline" / "vocab")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    ref, ext = args.reference, args.reference / "external"
    national = national_rows(ref)
    federal = federal_rows(ref)
    indicators = indicator_rows(ref, federal, national)
    hflabs = read_csv(ext / "hflabs_city.csv")
    check_codes(hflabs)
    out = args.out
    write_csv(out / "catalog_national_projects.csv",
              ["id", "code", "name", "period", "aliases", "confidence", "source"], national)
    write_csv(out / "catalog_federal_projects.csv",
              ["id", "code", "name", "canonical", "national_project", "period", "aliases",
               "confidence", "source"], federal)
    write_csv(out / "catalog_indicators.csv",
              ["id", "federal_project_id", "national_project", "name", "unit", "unit_enum",
               "kind", "comparator", "targets", "level", "aliases", "confidence", "source"],
              indicators)
    write_csv(out / "gazetteer_regions.csv", ["name", "kind", "oktmo", "aliases", "source"],
              region_rows(hflabs))
    munis = municipality_rows(ext, hflabs, subject_of, hflabs_region)
    write_csv(out / "gazetteer_municipalities.csv", MUNICIPALITY_HEADER, munis)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
