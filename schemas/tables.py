"""pyarrow schemas of the output tables: the single source of column names and types.

Each field carries its contract description as metadata (``description``), from which
``docs/DATA.md`` is generated.
"""

import pyarrow as pa

SCHEMA_VERSION = "1.2"  # 1.1: indicators.federal_project_stated, review_reason, match_candidates;
# 1.2: indicators.confidence, finance.confidence, activities.actual_date


def _f(name: str, type_: pa.DataType, description: str) -> pa.Field:
    return pa.field(name, type_, nullable=True, metadata={"description": description})


DOCUMENTS = pa.schema(
    [
        _f("doc_id", pa.string(), "sha256 of the file bytes, first 16 hex digits"),
        _f("source_path", pa.string(), "path relative to the input folder"),
        _f("format", pa.string(), "docx, pdf, txt, doc, odt, rtf, xlsx, html"),
        _f("doc_type", pa.string(),
           "execution_report, explanatory_note, project_passport, roadmap_report, order, other"),
        _f("title", pa.string(), "the document's own title line, as written"),
        _f("municipality", pa.string(), "normalised municipality name"),
        _f("oktmo", pa.string(),
           "8-digit OKTMO code of that municipality when the gazetteer knows it, else null"),
        _f("region", pa.string(), "subject of the Russian Federation, null if not inferable"),
        _f("national_project", pa.string(), "canonical national project name"),
        _f("federal_project", pa.string(), "canonical federal/regional project name"),
        _f("municipal_project", pa.string(), "municipal project name as written"),
        _f("report_year", pa.int32(), "year the report covers (passport: first year)"),
        _f("doc_date", pa.date32(), "date of the document when stated"),
        _f("status", pa.string(), "ok, partial, failed"),
        _f("error", pa.string(), "human-readable reason when status is not ok"),
        _f("pages", pa.int32(), "pages (PDF) or null"),
        _f("extractor_version", pa.string(), "package version that produced the row"),
        _f("encoding", pa.string(), "text encoding detected (TXT) or null"),
        _f("warnings", pa.list_(pa.string()), "non-fatal problems met while reading"),
    ],
    metadata={"table": "documents"},
)

INDICATORS = pa.schema(
    [
        _f("doc_id", pa.string(), "references documents.doc_id"),
        _f("indicator_raw", pa.string(), "the name exactly as written (whitespace collapsed)"),
        _f("indicator_canonical", pa.string(), "best catalog match, null below threshold"),
        _f("match_score", pa.float64(), "0-100 fuzzy score of that match"),
        _f("federal_project", pa.string(), "canonical federal project the row belongs to"),
        _f("activity", pa.string(), "the event reported under the indicator, if any"),
        _f("year", pa.int32(), "the year of the values"),
        _f("base_value", pa.float64(), "base value, when given"),
        _f("planned_value", pa.float64(), "planned/target number"),
        _f("planned_text", pa.string(), "raw planned cell text"),
        _f("comparator", pa.string(), ">=, <=, = or null"),
        _f("actual_value", pa.float64(), "actual number"),
        _f("actual_text", pa.string(), "raw actual cell text"),
        _f("unit", pa.string(), "percent, persons, units, rub, rank, score, other"),
        _f("completion_pct", pa.float64(), "percent of execution as stated in the document"),
        _f("status_raw", pa.string(), "status as written"),
        _f("status", pa.string(),
           "done, in_progress, not_done, partially_done, postponed, cancelled, unknown"),
        _f("note", pa.string(), "note / comment text"),
        _f("flags", pa.list_(pa.string()),
           "consistency flags: pct_mismatch, value_unparsed, status_conflict (see Flags)"),
        _f("page", pa.int32(), "1-based page (PDF) or null"),
        _f("locator", pa.string(), "where in the file, e.g. 'table 2 row 5', 'line 41'"),
        _f("federal_project_stated", pa.string(),
           "federal project the document states for the row (canonical when known), before "
           "any fallback to the matched indicator's project"),
        _f("review_reason", pa.string(),
           "why the name match needs an analyst's look: below_threshold, ambiguous; else null"),
        _f("match_candidates", pa.list_(pa.struct([("name", pa.string()),
                                                   ("score", pa.float64())])),
           "best catalog names with their scores, when review_reason is set"),
        _f("confidence", pa.float64(),
           "0-1: how sure the reading is that the row is an indicator of the document with "
           "these values (see Confidence); rows under 0.5 are listed for review"),
    ],
    metadata={"table": "indicators"},
)

ACTIVITIES = pa.schema(
    [
        _f("doc_id", pa.string(), "references documents.doc_id"),
        _f("number", pa.string(), "item number as written, trailing dot removed"),
        _f("name", pa.string(), "name of the event"),
        _f("start_date", pa.date32(), "start, when a date is given"),
        _f("end_date", pa.date32(), "end / deadline, when a date is given"),
        _f("actual_date", pa.date32(),
           "date the event actually took place (фактическая дата), when given"),
        _f("period_text", pa.string(), "raw period text"),
        _f("responsible", pa.string(), "responsible person(s) or body as written"),
        _f("result_form", pa.string(), "form of the result / document"),
        _f("status_raw", pa.string(), "status as written"),
        _f("status", pa.string(), "same enum as indicators.status"),
        _f("report", pa.string(), "text reporting on execution"),
        _f("page", pa.int32(), "1-based page (PDF) or null"),
        _f("locator", pa.string(), "where in the file"),
    ],
    metadata={"table": "activities"},
)

FINANCE = pa.schema(
    [
        _f("doc_id", pa.string(), "references documents.doc_id"),
        _f("year", pa.int32(), "budget year"),
        _f("source", pa.string(), "federal, regional, municipal, extrabudgetary, total, unknown"),
        _f("planned_rub", pa.float64(), "allocated amount in roubles"),
        _f("spent_rub", pa.float64(), "spent amount in roubles"),
        _f("text", pa.string(), "the sentence or row it came from"),
        _f("page", pa.int32(), "1-based page (PDF) or null"),
        _f("locator", pa.string(), "where in the file"),
        _f("confidence", pa.float64(),
           "0-1: how sure the reading is of the figure's year, source and amount (see "
           "Confidence)"),
    ],
    metadata={"table": "finance"},
)

TABLES: dict[str, pa.Schema] = {
    "documents": DOCUMENTS,
    "indicators": INDICATORS,
    "activities": ACTIVITIES,
    "finance": FINANCE,
}

# The series is derived from the tables above at the end of a run (not from the input files):
# it is not in TABLES (the manifest's tables), and it carries a version of its own.
SERIES_VERSION = "1.0"

SERIES = pa.schema(
    [
        _f("region", pa.string(), "subject of the Russian Federation (of the latest document)"),
        _f("oktmo", pa.string(), "8-digit OKTMO code of the municipality when known"),
        _f("municipality", pa.string(), "normalised municipality name (the row's key is the "
           "oktmo where known, else this name)"),
        _f("national_project", pa.string(), "canonical national project name"),
        _f("federal_project", pa.string(), "canonical federal/regional project name"),
        _f("indicator", pa.string(),
           "display name: the canonical name when matched, else the latest name as written"),
        _f("indicator_key", pa.string(),
           "indicator_canonical when matched, else indicator_raw lower-cased, ё as е, "
           "punctuation, footnote marks, territory and unit words removed, words lemmatised"),
        _f("unit", pa.string(), "percent, persons, units, rub, rank, score, other"),
        _f("year", pa.int32(), "the year of the values"),
        _f("target_value", pa.float64(),
           "target of the latest passport or order (by doc_date, then report_year)"),
        _f("target_comparator", pa.string(), ">=, <=, = or null, of that target"),
        _f("target_doc_id", pa.string(), "documents.doc_id of the target"),
        _f("target_locator", pa.string(), "where in that document"),
        _f("target_page", pa.int32(), "1-based page (PDF) of the target, or null"),
        _f("planned_value", pa.float64(),
           "plan stated by the report of the actual value, else by the latest report stating "
           "one"),
        _f("actual_value", pa.float64(),
           "actual value of the latest execution report for the year that states one"),
        _f("fact_doc_id", pa.string(),
           "documents.doc_id of the actual value (the latest report when none states one)"),
        _f("fact_locator", pa.string(), "where in that document"),
        _f("fact_page", pa.int32(), "1-based page (PDF) of the fact, or null"),
        _f("completion_pct", pa.float64(),
           "percent of execution: as stated, else actual / planned * 100 (planned / actual "
           "for a target to stay below)"),
        _f("completion_source", pa.string(), "stated, derived; null without a percent"),
        _f("status", pa.string(),
           "done, in_progress, not_done, partially_done, postponed, cancelled, unknown: as "
           "stated, else derived from the actual value against the plan (else the target) "
           "and the comparator"),
        _f("status_source", pa.string(), "stated, derived; null without a status"),
        _f("n_documents", pa.int32(), "documents with an indicator row of the key"),
        _f("doc_ids", pa.list_(pa.string()),
           "those documents' doc_id, oldest first (by doc_date, then report_year)"),
        _f("confidence", pa.float64(),
           "the least confidence of the indicator rows the values come from"),
        _f("flags", pa.list_(pa.string()),
           "check flags: target_changed, plan_differs_from_target, facts_disagree, "
           "missing_fact (see the series' check flags)"),
    ],
    metadata={"table": "series"},
)

DERIVED: dict[str, pa.Schema] = {"series": SERIES}
