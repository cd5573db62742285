"""The normalise step: a ``Reading`` (names as written) -> the same reading with canonical
projects, the document's municipality, region and OKTMO, and matched indicator names."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from pipeline.normalise.names import Names

if TYPE_CHECKING:
    from pipeline.interpret import Reading


def normalise(reading: Reading, names: Names) -> Reading:
    """Canonical names for ``reading``: the document's projects and place first, then every
    indicator row (its stated project, else the document's, else the matched indicator's)."""
    year = reading.meta.report_year
    federal = [c for c in dict.fromkeys(names.federal_project(f) for f in reading.federal) if c]
    if not reading.federal:  # a title naming the project without «региональный проект»
        federal = [c for c in [names.federal_named(reading.lead_text)] if c]
    doc_federal = federal[0] if len(federal) == 1 else None
    municipality, region = names.place(reading.lead_text, reading.wider_text,
                                       reading.full_text, year)
    stated = reading.stated
    national = next((c for c in map(names.national_project, reading.national) if c), None)
    federal_project = doc_federal
    if doc_federal is None and "federal_project" in stated and len(federal) < 2:
        federal_project = names.federal_project(stated["federal_project"])
    if national is None and "national_project" in stated:
        national = names.national_project(stated["national_project"])
    indicators = names.match_rows(reading.indicators,
                                  names.stated_projects(reading.indicators, doc_federal))
    if national is None:  # implied by the projects of stated or matched names
        implied = [*federal, *(r.federal_project for r in indicators if r.federal_project)]
        national = names.national_of(implied, year) or names.national_named(reading.full_text)
    meta = replace(reading.meta, municipality=municipality, region=region,
                   oktmo=names.oktmo(municipality, region, year), national_project=national,
                   federal_project=federal_project)
    return replace(reading, meta=meta, indicators=indicators)
