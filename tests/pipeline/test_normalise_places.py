"""Place resolution, table-driven: same-name districts in different subjects, a city okrug
against the district of the same root, intra-city districts as co-executors, renamed
municipalities by year, and OKTMO codes checked against the classifier."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pipeline.normalise.gazetteer import default_gazetteer
from pipeline.normalise.names import Names, NamesSpec

CLASSIFIER = Path("/work/shared/reference/external/ru_municipalities_upper_level_2018_2024.csv")

# text, report year, expected (municipality, region, oktmo)
PLACES = [
    # one name, six subjects: the subject named in the text decides
    ("Администрация Первомайского района Томской области", None,
     ("Первомайский район", "Томская область", "69648000")),
    ("Отчёт Первомайского муниципального района Ярославской области", 2021,
     ("Первомайский район", "Ярославская область", "78629000")),
    ("МО «Первомайский район» Оренбургской области", 2021,
     ("Первомайский район", "Оренбургская область", "53636000")),
    ("Первомайский район Республики Крым", 2020,
     ("Первомайский район", "Республика Крым", "35635000")),
    ("Рыбинского муниципального района Красноярского края", 2020,
     ("Рыбинский район", "Красноярский край", "04647000")),
    ("Рыбинского муниципального района Ярославской области", 2020,
     ("Рыбинский район", "Ярославская область", "78640000")),
    # no subject named: the name stays, region and code stay null (null beats wrong)
    ("Отчёт администрации Первомайского муниципального района", 2021,
     ("Первомайский район", None, None)),
    ("Рыбинского муниципального района", None, ("Рыбинский район", None, None)),
    # a city okrug against the district of the same root
    ("Администрация Города Томска", 2020, ("город Томск", "Томская область", "69701000")),
    ("муниципального образования «Город Томск»", None,
     ("город Томск", "Томская область", "69701000")),
    ("г. Томск, отчёт за 2020 год", 2020, ("город Томск", "Томская область", "69701000")),
    ("Администрация Томского района", 2020, ("Томский район", "Томская область", "69654000")),
    ("в Томском муниципальном районе", None, ("Томский район", "Томская область", "69654000")),
    # an intra-city district is a part of its city, not a municipality
    ("Администрация Кировского района Города Томска", 2020,
     ("город Томск", "Томская область", "69701000")),
    ("Ответственный исполнитель: департамент администрации Города Томска\n"
     "Соисполнители: администрация Октябрьского района Города Томска, администрация "
     "Советского района Города Томска, администрация Кировского района Города Томска, "
     "администрация Ленинского района Города Томска", 2017,
     ("город Томск", "Томская область", "69701000")),
    # an address line is no place of the document
    ("634050, Томская область, г. Томск, пр. Ленина, 73\n"
     "Администрация Асиновского района", 2021,
     ("Асиновский район", "Томская область", "69608000")),
    # renamed: the version valid in the report's year, the named one without a year
    ("Алнашский район Удмуртской Республики", 2023,
     ("Алнашский муниципальный округ", "Удмуртская Республика", "94502000")),
    ("Алнашский муниципальный округ Удмуртской Республики", 2020,
     ("Алнашский район", "Удмуртская Республика", "94602000")),
    ("Алнашский район Удмуртской Республики", None,
     ("Алнашский район", "Удмуртская Республика", "94602000")),
    ("Первомайского района Тамбовской области", 2024,
     ("Первомайский муниципальный округ", "Тамбовская область", "68522000")),
    ("Первомайского района Тамбовской области", 2022,
     ("Первомайский район", "Тамбовская область", "68622000")),
]


@pytest.mark.parametrize(("text", "year", "expected"), PLACES)
def test_place_resolution(text: str, year: int | None,
                          expected: tuple[str, str | None, str | None]):
    naming = Names.of(NamesSpec())
    muni, region = naming.place(text, text, text, year)
    assert (muni, region, naming.oktmo(muni, region, year)) == expected


@pytest.mark.parametrize(("lead", "full", "expected"), [
    # the lead names the subject: it wins over any other subject of the name
    ("Первомайский муниципальный район Томской области", "Ярославской области " * 3,
     ("Первомайский район", "Томская область")),
    # nothing in the lead: a subject the document names elsewhere settles the name
    ("Отчёт", "Рыбинского муниципального района … спорта Ярославской области",
     ("Рыбинский район", "Ярославская область")),
    # a city named once deep in a federal text (a list of cities) is not its author
    ("УКАЗ\nПРЕЗИДЕНТА РОССИЙСКОЙ ФЕДЕРАЦИИ", "снижение выбросов, включая города Братск",
     (None, None)),
    # a regional report that lists the subject's districts is about the subject
    ("Отчёт о ходе реализации регионального проекта (Воронежская область)",
     "Информация администрации Павловского муниципального района Воронежской области",
     (None, "Воронежская область")),
])
def test_region_named_in_the_document(lead: str, full: str,
                                      expected: tuple[str | None, str | None]):
    assert Names.of(NamesSpec()).place(lead, lead, full) == expected


def classifier_rows() -> list[dict[str, str]]:
    with CLASSIFIER.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.skipif(not CLASSIFIER.is_file(), reason="shared classifier not available")
def test_oktmo_of_every_municipality_matches_the_classifier():
    """Each version of the classifier, written as the classifier writes it with its subject,
    resolves to the classifier's code in a year it was valid."""
    g = default_gazetteer()
    rows = classifier_rows()
    same = {}
    for r in rows:
        same.setdefault((r["name"], r["region"]), set()).add(r["territory_id"])
    checked, wrong = 0, []
    for r in rows:
        if len(same[(r["name"], r["region"])]) > 1:
            continue  # two territories of one name in one subject: no code is right
        region = g.find_region(r["region"])
        year = int(r["valid_from"])
        found = g.find_municipality(f"{r['name']}, {r['region']}", year=year)
        checked += 1
        if found is None or found.region != region or found.oktmo != r["oktmo"]:
            wrong.append((r["name"], r["region"], year, found and found.oktmo, r["oktmo"]))
    assert checked > 3000
    assert wrong == []


@pytest.mark.skipif(not CLASSIFIER.is_file(), reason="shared classifier not available")
def test_gazetteer_holds_every_version_of_the_classifier():
    g = default_gazetteer()
    assert len(g.municipalities) == len(classifier_rows()) == 3101
    current = [m for m in g.municipalities if m.valid_to is None]
    assert len(current) == 2594
    assert all(len(m.oktmo) == 8 and m.oktmo.isdigit() for m in g.municipalities)
    assert {m.kind for m in current} == {"district", "municipal_okrug", "urban_okrug",
                                         "city_okrug", "zato", "intra_city"}
