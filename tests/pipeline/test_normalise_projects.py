"""Federal and regional projects of every national project resolve to their catalog names
and owners; a name inside a longer project name does not count."""

from __future__ import annotations

import pytest

from pipeline.normalise import Normaliser, default_catalog


@pytest.fixture(scope="module")
def norm() -> Normaliser:
    return Normaliser(overrides=None)


@pytest.mark.parametrize(("text", "federal", "national"), [
    ("региональный проект «Культурная среда»", "Культурная среда", "Культура"),
    ("(A1-20) Обеспечение качественно нового уровня развития инфраструктуры культуры "
     "(«Культурная среда») (Воронежская область)", "Культурная среда", "Культура"),
    ("РП «Творческие люди»", "Творческие люди", "Культура"),
    ("региональный проект «Спорт – норма жизни»", "Спорт - норма жизни", "Демография"),
    ("федерального проекта «Региональная и местная дорожная сеть»",
     "Региональная и местная дорожная сеть", "Безопасные качественные дороги"),
    ("регионального проекта «Обеспечение устойчивого сокращения непригодного для "
     "проживания жилищного фонда»",
     "Обеспечение устойчивого сокращения непригодного для проживания жилищного фонда",
     "Жилье и городская среда"),
    ("региональный проект «Современная школа»", "Современная школа", "Образование"),
])
def test_project_resolves_with_its_national_project(norm: Normaliser, text: str,
                                                    federal: str, national: str):
    assert norm.match_federal_project(text) == federal
    assert norm.national_of([federal]) == national


@pytest.mark.parametrize(("text", "federal", "national"), [
    # «Жилье» is a federal project, but here it is a word of the national project's name
    ("национального проекта «Жилье и городская среда»", None, "Жилье и городская среда"),
    # «Кадры» is a national project, but here it is a word of a federal project's name
    ("федеральный проект «Кадры для цифровой экономики»", "Кадры для цифровой экономики", None),
    ("проект «Дорожная сеть»", "Дорожная сеть", None),
])
def test_a_name_inside_a_longer_name_does_not_count(norm: Normaliser, text: str,
                                                    federal: str | None, national: str | None):
    assert norm.match_federal_project(text) == federal
    assert norm.match_national_project(text) == national


@pytest.mark.parametrize(("federal", "year", "national"), [
    ("Чистый воздух", 2021, "Экология"),
    ("Чистый воздух", 2026, "Экологическое благополучие"),
    ("Чистый воздух", None, None),  # two owners and no year: null beats wrong
    ("Формирование комфортной городской среды", 2020, "Жилье и городская среда"),
    ("Формирование комфортной городской среды", 2025, "Инфраструктура для жизни"),
    ("Старшее поколение", 2019, "Демография"),
    ("Старшее поколение", 2027, "Семья"),
])
def test_a_name_two_national_projects_share_resolves_by_year(
        norm: Normaliser, federal: str, year: int | None, national: str | None):
    assert norm.national_of([federal], year) == national


def test_every_federal_project_keeps_a_source_and_a_known_owner():
    cat = default_catalog()
    owners = {p.name for p in cat.national_projects}
    assert all(p.source and p.national_project in owners for p in cat.federal_projects)
    covered = {p.national_project for p in cat.federal_projects}
    assert {"Культура", "Демография", "Экология", "Жилье и городская среда", "Семья",
            "Безопасные качественные дороги", "Образование"} <= covered
