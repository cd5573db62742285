"""Normalisation of names against the reference catalog and the gazetteer.

Indicators: ``Normaliser(...).match_indicators(names) -> list[Match]``; projects:
``Normaliser.match_federal_project(text)``, ``match_national_project(text)``; places:
``find_municipality(text)``, ``find_region(text)``, ``region_of(municipality)``; review:
``write_review_book(rows, path)``, ``read_review_book(path)``; the per-run step:
``normalise(reading, names)``.
"""

from pipeline.normalise.catalog import Catalog, CatalogError, default_catalog, load_catalog
from pipeline.normalise.document import normalise
from pipeline.normalise.gazetteer import (
    Gazetteer,
    MunicipalityMatch,
    default_gazetteer,
    find_municipality,
    find_region,
    load_gazetteer,
    region_of,
)
from pipeline.normalise.match import (
    DEFAULT_MARGIN,
    DEFAULT_THRESHOLD,
    Match,
    Normaliser,
)
from pipeline.normalise.review_book import read_review_book, write_review_book

__all__ = [
    "DEFAULT_MARGIN",
    "DEFAULT_THRESHOLD",
    "Catalog",
    "CatalogError",
    "Gazetteer",
    "Match",
    "MunicipalityMatch",
    "Normaliser",
    "default_catalog",
    "default_gazetteer",
    "find_municipality",
    "find_region",
    "load_catalog",
    "load_gazetteer",
    "normalise",
    "read_review_book",
    "region_of",
    "write_review_book",
]
