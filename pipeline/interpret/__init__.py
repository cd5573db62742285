"""Interpretation: a neutral Document -> documents metadata and indicator, activity and
finance rows. Knows nothing of file formats: it reads blocks, tables and their headers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from extractors.model import Document, Paragraph, Table
from pipeline.interpret import metadata as md
from pipeline.interpret.blocks import analysed_blocks
from pipeline.interpret.finance import finance_from_sentences
from pipeline.interpret.headers import Header
from pipeline.interpret.indicators import TableContext, table_projects
from pipeline.interpret.passport_fields import line_fields, table_fields
from pipeline.interpret.passport_finance import finance_from_fields, is_finance_key
from pipeline.interpret.passport_targets import is_targets_key, targets_from_fields
from pipeline.interpret.plan import Context, Gives, plan_table, table_rows
from pipeline.interpret.plausibility import Origin
from pipeline.interpret.prose import indicators_from_prose
from pipeline.interpret.rowbuild import carry_bases, finance_row
from pipeline.interpret.view import TableView
from schemas.enums import DocType
from schemas.rows import ActivityRow, DocumentRow, FinanceRow, IndicatorRow

SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])\s+(?=[А-ЯЁA-Z])")


@dataclass(slots=True)
class Reading:
    """What a document says, names as written: ``pipeline.normalise.normalise`` makes the
    projects and places canonical and matches the indicator names."""

    # the document's own fields as read (type, title, report year, date, municipal project);
    # normalisation adds the place and the canonical projects, the run the file's own fields
    meta: DocumentRow = field(default_factory=DocumentRow)
    national: list[str] = field(default_factory=list)  # project names of the lead, as written
    federal: list[str] = field(default_factory=list)
    stated: dict[str, str] = field(default_factory=dict)  # projects named in table columns
    lead_text: str = ""  # the title lines and key/value fields
    wider_text: str = ""  # the first lines of the document
    full_text: str = ""
    indicators: list[IndicatorRow] = field(default_factory=list)
    activities: list[ActivityRow] = field(default_factory=list)
    finance: list[FinanceRow] = field(default_factory=list)


def _paragraphs(doc: Document) -> list[tuple[str, str, int | None]]:
    return [(b.text, b.locator, b.page) for b in doc.blocks if isinstance(b, Paragraph)]


def _sentences(paragraphs: list[tuple[str, str, int | None]]) -> list[tuple[str, str, int | None]]:
    out = []
    for text, loc, page in paragraphs:
        for s in SENTENCE_SPLIT_RE.split(" ".join(text.split())):
            out.append((s, loc, page))
    return out


def _read_tables(tables: list[tuple[Table, Header]], result: Reading,
                 ctx: Context) -> bool:
    """Rows of every table block by what its value columns measure (``plan.py``); True when a
    table states money (then budget sentences in the prose are not read again)."""
    states_money = False
    for block, h in tables:
        plan = plan_table(h)
        if block.n_rows < 2 and not (h.roles and not h.n_rows):  # one row continuing a table
            states_money |= plan.money_header
            continue
        states_money |= plan.states_money
        view = TableView(block)  # its grids, shared by the emitters, go with it
        for row in table_rows(view, plan, ctx):
            if isinstance(row, IndicatorRow):
                result.indicators.append(row)
            elif isinstance(row, ActivityRow):
                result.activities.append(row)
            else:
                result.finance.append(row)
        if plan.gives == Gives.QUANTITIES:
            for role, name in table_projects(view, h).items():
                result.stated.setdefault(role, name)
    return states_money


def interpret(doc: Document) -> Reading:
    """Read metadata, indicators, activities and finance out of ``doc`` (no name is
    normalised here: the rows carry names as written)."""
    tables = analysed_blocks(doc.blocks)
    lead = md.lead_of(doc, md.caption_rows(*tables[0]) if tables else 0)
    def more_titles() -> Iterator[str]:  # the other tables' titles, read only when needed
        return (t for b, h in tables[1:] for t in md.caption_lines(b, md.caption_rows(b, h)))

    dtype, title = md.doc_type_of(lead, more_titles())
    year = md.report_year_of(lead, dtype, more_titles())
    national, federal, municipal = md.projects_of(lead)
    result = Reading(
        meta=DocumentRow(doc_type=dtype.value, title=title,
                         municipal_project=municipal[0] if municipal else None,
                         report_year=year, doc_date=md.doc_date_of(lead)),
        national=national, federal=federal,
        lead_text="\n".join(lead.lines + list(lead.kv.values())),
        wider_text="\n".join(lead.all_lines[:60]), full_text=lead.full_text,
    )
    ctx = Context(TableContext(doc_year=year if dtype != DocType.PROJECT_PASSPORT else None,
                               targets=dtype in (DocType.PROJECT_PASSPORT, DocType.ORDER)),
                  report_year=year)
    has_finance_table = _read_tables(tables, result, ctx)
    result.indicators[:] = carry_bases(result.indicators)
    result.finance[:] = [finance_row(r, Origin.TABLE) for r in result.finance]
    paragraphs = _paragraphs(doc)
    result.indicators.extend(indicators_from_prose(paragraphs, year))
    fields = table_fields([b for b, _ in tables])
    if dtype == DocType.PROJECT_PASSPORT:  # a passport read as lines: key lines, values after
        fields += line_fields(paragraphs, lambda t: is_finance_key(t) or is_targets_key(t))
    if not result.indicators:  # a passport listing its targets instead of a table of them
        result.indicators.extend(targets_from_fields(fields))
    if not has_finance_table:  # a passport's finance field, else budget sentences, only where
        passport = finance_from_fields(fields)  # no table states the money
        if passport:
            result.finance.extend(finance_row(r, Origin.PASSPORT_LIST) for r in passport)
        else:
            result.finance.extend(finance_row(r, Origin.PROSE) for r in
                                  finance_from_sentences(_sentences(paragraphs), year))
    if result.meta.municipal_project is None and "municipal_project" in result.stated:
        result.meta = replace(result.meta, municipal_project=result.stated["municipal_project"])
    return result
