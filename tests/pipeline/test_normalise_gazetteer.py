"""Gazetteer: subjects and municipalities in any case form, МО «…», choice of the mention."""

from __future__ import annotations

import pytest

from pipeline.normalise.gazetteer import (
    default_gazetteer,
    find_municipality,
    find_region,
    region_of,
)

CORPUS_PLACES = [
    ("Асиновский район", "Томская область"),
    ("Кожевниковский район", "Томская область"),
    ("Колпашевский район", "Томская область"),
    ("Асбестовский городской округ", "Свердловская область"),
    ("Каменский городской округ", "Свердловская область"),
    ("Сысертский городской округ", "Свердловская область"),
    ("Волосовский район", "Ленинградская область"),
    ("Лужский район", "Ленинградская область"),
    ("Тихвинский район", "Ленинградская область"),
    ("Верхнебуреинский район", "Хабаровский край"),
    ("Ванинский район", "Хабаровский край"),
    ("Амурский район", "Хабаровский край"),
]


def test_all_89_subjects():
    regions = default_gazetteer().regions
    assert len(regions) == 89
    kinds = [r.kind for r in regions]
    assert (kinds.count("republic"), kinds.count("krai"), kinds.count("oblast")) == (24, 9, 48)
    assert kinds.count("federal_city") == 3
    assert kinds.count("autonomous_okrug") == 4


def test_sources_give_many_municipalities():
    munis = default_gazetteer().municipalities
    assert len(munis) > 1000
    assert {m.kind for m in munis} >= {"district", "urban_okrug", "city_okrug"}


@pytest.mark.parametrize(("name", "region"), CORPUS_PLACES)
def test_corpus_municipalities_resolve_with_region(name: str, region: str):
    assert region_of(name) == region
    found = find_municipality(f"Отчёт о реализации проекта, {name}")
    assert found is not None
    assert (found.name, found.region) == (name, region)


@pytest.mark.parametrize("text", [
    "Асиновский район", "Асиновского района", "Асиновскому району", "Асиновским районом",
    "в Асиновском районе", "МО «Асиновский район»", "Асиновский муниципальный район",
    "муниципального образования «Асиновский район»", "АСИНОВСКОГО МУНИЦИПАЛЬНОГО РАЙОНА",
])
def test_district_forms(text: str):
    found = find_municipality(text)
    assert found is not None
    assert (found.name, found.region) == ("Асиновский район", "Томская область")


def test_mo_quotes_widen_the_span():
    text = "Администрация МО «Асиновский район» сообщает"
    found = find_municipality(text)
    assert found is not None
    assert found.text == "МО «Асиновский район»"
    assert text[found.start:found.end] == found.text


@pytest.mark.parametrize(("text", "name"), [
    ("Асбестовского городского округа", "Асбестовский городской округ"),
    ("в Сысертском городском округе Свердловской области", "Сысертский городской округ"),
    ("на территории Каменского городского округа", "Каменский городской округ"),
    ("Ванинского муниципального района Хабаровского края", "Ванинский район"),
    ("Администрация городского округа «Город Майкоп»", "город Майкоп"),
])
def test_okrug_and_municipal_forms(text: str, name: str):
    found = find_municipality(text)
    assert found is not None
    assert found.name == name


@pytest.mark.parametrize(("text", "region"), [
    ("Томской области", "Томская область"),
    ("Хабаровского края", "Хабаровский край"),
    ("в Свердловской обл.", "Свердловская область"),
    ("Республики Татарстан", "Республика Татарстан"),
    ("Удмуртской Республике", "Удмуртская Республика"),
    ("Республики Саха (Якутия)", "Республика Саха (Якутия)"),
    ("Ханты-Мансийского автономного округа — Югры", "Ханты-Мансийский автономный округ — Югра"),
    ("Кемеровской области", "Кемеровская область — Кузбасс"),
    ("города Санкт-Петербурга", "Санкт-Петербург"),
])
def test_region_forms(text: str, region: str):
    assert find_region(text) == region


def test_region_prefers_a_subject_over_a_bare_capital():
    assert find_region("Минпросвещения России, г. Москва. Отчёт Томской области") == \
        "Томская область"
    assert find_region("Российской Федерации") is None


def test_most_frequent_mention_wins_then_earliest():
    text = ("Лужский район граничит с Волосовским районом. В Волосовском районе … "
            "Волосовского района")
    found = find_municipality(text)
    assert found is not None
    assert found.name == "Волосовский район"
    assert found.mentions == 3
    tie = find_municipality("Лужский район и Волосовский район")
    assert tie is not None
    assert tie.name == "Лужский район"


def test_ambiguous_name_takes_region_from_text():
    g = default_gazetteer()
    assert g.region_of("Каменский район") is None
    found = find_municipality("Каменского района Пензенской области")
    assert found is not None
    assert found.region == "Пензенская область"


def test_unknown_municipality_falls_back_to_the_pattern():
    found = find_municipality("Отчёт Крутоярского муниципального района Красноярского края")
    assert found is not None
    assert (found.name, found.region, found.method) == (
        "Крутоярский район", "Красноярский край", "pattern")


def test_no_municipality():
    assert find_municipality("Национальный проект «Образование», отчёт за 2021 год") is None
