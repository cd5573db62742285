"""Interpretation: a neutral Document -> documents metadata and indicator, activity and
finance rows. Knows nothing of file formats: it reads blocks, tables and their headers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from extractors.model import Document, Paragraph, Table
from pipeline.interpret import metadata as md
from pipeline.interpret.activities import activities_from_table, is_activity_table
from pipeline.interpret.blocks import analysed_blocks
from pipeline.interpret.budget import budget_from_table, is_budget_table
from pipeline.interpret.finance import (
    finance_from_sentences,
    finance_from_table,
    finance_from_year_rows,
    is_finance_table,
    is_year_rows_finance,
)
from pipeline.interpret.headers import Header
from pipeline.interpret.indicators import (
    TableContext,
    indicators_from_table,
    is_indicator_table,
    table_projects,
)
from pipeline.interpret.naming import Naming
from pipeline.interpret.prose import indicators_from_prose
from schemas.enums import DocType

Row = dict[str, Any]
SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])\s+(?=[А-ЯЁA-Z])")


@dataclass(slots=True)
class Interpretation:
    meta: Row = field(default_factory=dict)
    indicators: list[Row] = field(default_factory=list)
    activities: list[Row] = field(default_factory=list)
    finance: list[Row] = field(default_factory=list)


def _paragraphs(doc: Document) -> list[tuple[str, str, int | None]]:
    return [(b.text, b.locator, b.page) for b in doc.blocks if isinstance(b, Paragraph)]


def _sentences(paragraphs: list[tuple[str, str, int | None]]) -> list[tuple[str, str, int | None]]:
    out = []
    for text, loc, page in paragraphs:
        for s in SENTENCE_SPLIT_RE.split(" ".join(text.split())):
            out.append((s, loc, page))
    return out


def _read_tables(tables: list[tuple[Table, Header]], result: Interpretation,
                 ctx: TableContext, year: int | None, stated: dict[str, str]) -> bool:
    """Rows of every table block by what its columns mean; True when a table states money
    (then budget sentences in the prose are not read again)."""
    has_finance_table = False
    for block, h in tables:
        has_finance_table |= is_finance_table(h)
        if block.n_rows < 2 and not (h.roles and not h.n_rows):  # one row continuing a table
            continue
        if is_budget_table(h):  # money per item: before plan / fact tables of values
            has_finance_table = True
            result.finance.extend(budget_from_table(block, h, year))
        elif is_indicator_table(h):
            result.indicators.extend(indicators_from_table(block, h, ctx))
            for role, name in table_projects(block, h).items():
                stated.setdefault(role, name)
        elif is_activity_table(h):
            result.activities.extend(activities_from_table(block, h))
        elif is_finance_table(h):
            result.finance.extend(finance_from_table(block, h))
        elif is_year_rows_finance(h):
            has_finance_table = True
            result.finance.extend(finance_from_year_rows(block, h))
    return has_finance_table


def interpret(doc: Document) -> Interpretation:
    """Read metadata, indicators, activities and finance out of ``doc``."""
    naming = Naming.get()
    tables = analysed_blocks(doc.blocks)
    lead = md.lead_of(doc, md.caption_rows(*tables[0]) if tables else 0)
    dtype, title = md.doc_type_of(lead, (t for b, h in tables[1:]  # read only when needed
                                         for t in md.caption_lines(b, md.caption_rows(b, h))))
    year = md.report_year_of(lead, dtype)
    national, federal, municipal = md.projects_of(lead)
    federal_canon = [c for c in dict.fromkeys(naming.federal_project(f) for f in federal) if c]
    lead_text = "\n".join(lead.lines + list(lead.kv.values()))
    if not federal:  # a title naming the project without «региональный проект»
        federal_canon = [c for c in [naming.federal_named(lead_text)] if c]
    doc_federal = federal_canon[0] if len(federal_canon) == 1 else None
    municipality, region = naming.place(lead_text, "\n".join(lead.all_lines[:60]),
                                        lead.full_text, year)
    result = Interpretation(meta={
        "doc_type": dtype.value,
        "title": title,
        "municipality": municipality,
        "oktmo": naming.oktmo(municipality, region, year),
        "region": region,
        "national_project": next((c for c in map(naming.national_project, national) if c),
                                 None),
        "federal_project": doc_federal,
        "municipal_project": municipal[0] if municipal else None,
        "report_year": year,
        "doc_date": md.doc_date_of(lead),
    })
    ctx = TableContext(doc_year=year if dtype != DocType.PROJECT_PASSPORT else None,
                       federal_project=doc_federal)
    stated: dict[str, str] = {}
    has_finance_table = _read_tables(tables, result, ctx, year, stated)
    paragraphs = _paragraphs(doc)
    result.indicators.extend(indicators_from_prose(paragraphs, year, doc_federal))
    if not has_finance_table:  # budget sentences only where no budget table states the figures
        result.finance.extend(finance_from_sentences(_sentences(paragraphs), year))
    meta = result.meta
    if meta["federal_project"] is None and "federal_project" in stated and len(federal_canon) < 2:
        meta["federal_project"] = naming.federal_project(stated["federal_project"])
    if meta["municipal_project"] is None and "municipal_project" in stated:
        meta["municipal_project"] = stated["municipal_project"]
    if meta["national_project"] is None and "national_project" in stated:
        meta["national_project"] = naming.national_project(stated["national_project"])
    naming.normalise_indicators(result.indicators, municipality, region)
    if meta["national_project"] is None:  # implied by the projects of stated or matched names
        implied = [*federal_canon, *(r["federal_project"] for r in result.indicators
                                     if r["federal_project"])]
        meta["national_project"] = (naming.national_of(implied, year)
                                    or naming.national_named(lead.full_text))
    return result
