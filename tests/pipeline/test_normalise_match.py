"""Indicator matching: territory- and unit-free names, typos, unrelated names, overrides."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pipeline.grammar.lemma import clean_name
from pipeline.normalise.catalog import CatalogError
from pipeline.normalise.match import DEFAULT_MARGIN, DEFAULT_THRESHOLD, Normaliser

TEACHERS = ("Доля учителей общеобразовательных организаций, вовлеченных в национальную систему "
            "профессионального роста педагогических работников")
YOUNG = ("Доля учителей в возрасте до 35 лет, вовлеченных в различные формы поддержки и "
         "сопровождения в первые три года работы")
EXTRA = "Доля детей в возрасте от 5 до 18 лет, охваченных дополнительным образованием"
LABELS = Path(__file__).resolve().parents[1] / "fixtures" / "indicator_labels.csv"


@pytest.fixture(scope="module")
def norm() -> Normaliser:
    return Normaliser(overrides=None)


def write_overrides(path: Path, rows: list[tuple[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["raw_name", "canonical", "note"])
        writer.writerows([(raw, canonical, "test") for raw, canonical in rows])
    return path


@pytest.mark.parametrize("raw", [
    "Доля учителей общеобразовательных организаций Асиновского района, вовлеченных в "
    "национальную систему профессионального роста педагогических работников",
    "Доля учителей общеобразовательных организаций МО «Асиновский район», вовлеченных в "
    "национальную систему профессионального роста педагогических работников, процент",
    "Доля учителей общеобразовательных организаций Кунгурского муниципального округа, "
    "вовлеченных в национальную систему профессионального роста педагогических работников (%)",
])
def test_municipality_substituted_name_maps_to_federal(norm: Normaliser, raw: str):
    m = norm.match_indicator(raw)
    assert (m.canonical, m.method, m.federal_project) == (TEACHERS, "fuzzy", "Учитель будущего")
    assert m.score >= DEFAULT_THRESHOLD


@pytest.mark.parametrize("raw", [
    "Доля учитилей в возрасте до 35 лет Лужского района, вовлечённых в различные формы "
    "поддержки и сопровожения в первые три года работы, %",
    "Доля детей в возрасте от 5 до 18 лет Сысертского городского округа, охваченых "
    "дополнительным образованием, процент",
])
def test_misspelt_names_map(norm: Normaliser, raw: str):
    assert norm.match_indicator(raw).canonical in (YOUNG, EXTRA)


@pytest.mark.parametrize("raw", [
    "Протяжённость автомобильных дорог общего пользования местного значения, км",
    "Доля вакантных должностей педагогических работников в общеобразовательных организациях",
    "Место Лужского района в региональном рейтинге муниципальных образований по охвату детей "
    "дополнительным образованием (не ниже)",
    "",
])
def test_unrelated_names_stay_unmatched(norm: Normaliser, raw: str):
    m = norm.match_indicator(raw)
    assert m.canonical is None
    assert m.method == "none"
    assert m.federal_project is None


def test_candidates_in_preference_order(norm: Normaliser):
    m = norm.match_indicator("Доля учителей Асиновского района, вовлеченных в различные формы")
    scores = [s for _, s in m.candidates]
    assert len(m.candidates) == 3
    assert all(0 <= s <= 100 for s in scores)
    assert max(scores) - scores[0] < DEFAULT_MARGIN
    assert m.score == scores[0]


def test_head_lemma_breaks_near_ties(norm: Normaliser):
    m = norm.match_indicator("Доля учителей Лужского муниципального района, вовлеченных в "
                             "национальную систему профессионального роста педагогических "
                             "работников, процент")
    assert m.canonical == TEACHERS
    assert m.candidates[1][0].startswith("Внедрена национальная система")


def test_duplicates_matched_once_and_order_kept(norm: Normaliser):
    names = ["Доля учителей в возрасте до 35 лет Лужского района, вовлеченных в различные "
             "формы поддержки и сопровождения в первые три года работы", "x", ""] * 3
    out = norm.match_indicators(names)
    assert len(out) == 9
    assert out[0] is out[3] is out[6]
    assert out[0].canonical == YOUNG
    assert out[1].canonical is None


def test_overrides_win_over_fuzzy(tmp_path: Path):
    raw = "Доля учителей в возрасте до 35 лет Лужского района, вовлеченных в различные формы"
    path = write_overrides(tmp_path / "overrides.csv", [(raw, TEACHERS),
                                                        ("Совсем другой показатель", "")])
    norm = Normaliser(overrides=path)
    m = norm.match_indicator("  " + raw.upper().replace("Е", "Ё", 1) + " ")
    assert (m.canonical, m.method, m.score) == (TEACHERS, "override", 100.0)
    forced = norm.match_indicator("Совсем другой показатель")
    assert (forced.canonical, forced.method) == (None, "override")


def test_override_with_unknown_canonical_is_a_clear_error(tmp_path: Path):
    path = write_overrides(tmp_path / "overrides.csv", [("a", "Нет такого показателя")])
    with pytest.raises(CatalogError, match=r"overrides\.csv row 1: canonical 'Нет такого"):
        Normaliser(overrides=path)


def test_committed_overrides_file_is_valid():
    assert Normaliser().overrides == {}


def test_clean_name_strips_territory_and_units():
    assert clean_name("Доля учителей общеобразовательных организаций Асиновского района, "
                      "вовлеченных в систему, процент") == \
        "Доля учителей общеобразовательных организаций, вовлеченных в систему"
    assert clean_name("Количество мастерских, оснащенных базой, в Колпашевском районе") == \
        "Количество мастерских, оснащенных базой"
    assert clean_name("Число детей Тихвинского района (человек)") == "Число детей"


def test_labelled_dev_names_keep_their_quality(norm: Normaliser):
    with LABELS.open(encoding="utf-8", newline="") as fh:
        labels = [(r["raw_name"], r["canonical"] or None) for r in csv.DictReader(fh)]
    matches = norm.match_indicators([raw for raw, _ in labels])
    tp = sum(1 for (_, g), m in zip(labels, matches, strict=True) if g and m.canonical == g)
    fp = sum(1 for (_, g), m in zip(labels, matches, strict=True)
             if m.canonical and m.canonical != g)
    positives = sum(1 for _, g in labels if g)
    assert tp / (tp + fp) >= 0.95
    assert tp / positives >= 0.9


@pytest.mark.parametrize(("text", "expected"), [
    ("ФП «Учитель будущего»", "Учитель будущего"),
    ("региональный проект «Современная школа»", "Современная школа"),
    ("Успех каждого ребёнка", "Успех каждого ребенка"),
    ("Цифровая образовательная среда (ЦОС)", "Цифровая образовательная среда"),
    ("ЦОС", "Цифровая образовательная среда"),
    ("«Молодые профессионалы (Повышение конкурентоспособности профессионального образования)»",
     "Молодые профессионалы"),
    ("в рамках реализации регионального проекта «Успеха каждого ребенка»",
     "Успех каждого ребенка"),
    ("Патриотическое воспитание граждан Российской Федерации", "Патриотическое воспитание"),
    ("развитие общего образования", None),
])
def test_federal_project(norm: Normaliser, text: str, expected: str | None):
    assert norm.match_federal_project(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("национального проекта «Образование»", "Образование"),
    ("НП «Образование»", "Образование"),
    ("Образование", "Образование"),
    ("качество общего образования", None),
    ("муниципальная программа «Развитие образования»", None),
    ("Безопасные и качественные автомобильные дороги", "Безопасные качественные дороги"),
])
def test_national_project(norm: Normaliser, text: str, expected: str | None):
    assert norm.match_national_project(text) == expected


def test_national_of_federal(norm: Normaliser):
    assert norm.national_of(["Учитель будущего"]) == "Образование"
    assert norm.national_of(["нет такого"]) is None
