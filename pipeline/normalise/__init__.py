"""Normalisation of names against the reference catalog and the gazetteer.

Indicators: ``Normaliser(...).match_indicators(names) -> list[Match]``; projects:
``Normaliser.match_federal_project(text)``, ``match_national_project(text)``; places:
``find_municipality(text)``, ``find_region(text)``, ``region_of(municipality)``; the names a
review should see: ``pipeline.normalise.review``; the per-run step:
``normalise(reading, names)``. The review workbook itself is written and read by
``pipeline.batch.review.book``.
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
    "region_of",
]
