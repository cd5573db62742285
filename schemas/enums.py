"""Enumerations of the output contract (shared/contract/OUTPUT.md)."""

from enum import StrEnum


class Format(StrEnum):
    DOCX = "docx"
    PDF = "pdf"
    TXT = "txt"
    DOC = "doc"
    ODT = "odt"
    RTF = "rtf"
    XLSX = "xlsx"
    HTML = "html"


class DocType(StrEnum):
    EXECUTION_REPORT = "execution_report"
    EXPLANATORY_NOTE = "explanatory_note"
    PROJECT_PASSPORT = "project_passport"
    ROADMAP_REPORT = "roadmap_report"
    ORDER = "order"
    OTHER = "other"


class DocStatus(StrEnum):
    OK = "ok"
    PARTIAL = "partial"
    FAILED = "failed"


class Status(StrEnum):
    DONE = "done"
    IN_PROGRESS = "in_progress"
    NOT_DONE = "not_done"
    PARTIALLY_DONE = "partially_done"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"


class Unit(StrEnum):
    PERCENT = "percent"
    PERSONS = "persons"
    UNITS = "units"
    RUB = "rub"
    RANK = "rank"
    SCORE = "score"
    OTHER = "other"


class Comparator(StrEnum):
    GE = ">="
    LE = "<="
    EQ = "="


class FinanceSource(StrEnum):
    FEDERAL = "federal"
    REGIONAL = "regional"
    MUNICIPAL = "municipal"
    EXTRABUDGETARY = "extrabudgetary"
    TOTAL = "total"
    UNKNOWN = "unknown"


class MoneyKind(StrEnum):
    """Which amount of a finance row a figure is: allocated or spent (the column it fills)."""

    PLANNED = "planned_rub"
    SPENT = "spent_rub"


class IndicatorFlag(StrEnum):
    """Consistency flags of an indicator row (``indicators.flags``)."""

    PCT_MISMATCH = "pct_mismatch"
    VALUE_UNPARSED = "value_unparsed"
    STATUS_CONFLICT = "status_conflict"


FLAG_MEANINGS: dict[IndicatorFlag, str] = {
    IndicatorFlag.PCT_MISMATCH: "the completion percent stated in the document disagrees with "
    "actual / planned (and with planned / actual, for a target to stay below) by more than one "
    "percentage point",
    IndicatorFlag.VALUE_UNPARSED: "a planned or actual cell holds text that is not a number "
    "(kept in planned_text / actual_text); the value column is null",
    IndicatorFlag.STATUS_CONFLICT: "the status says done, but the actual value misses the "
    "planned one (below it; above it when the comparator is <=)",
}


class ValueSource(StrEnum):
    """Where a series value comes from: the document states it, or it is computed."""

    STATED = "stated"
    DERIVED = "derived"


class SeriesFlag(StrEnum):
    """Check flags of a row of the series (``series.flags``)."""

    TARGET_CHANGED = "target_changed"
    PLAN_DIFFERS_FROM_TARGET = "plan_differs_from_target"
    FACTS_DISAGREE = "facts_disagree"
    MISSING_FACT = "missing_fact"


SERIES_FLAG_MEANINGS: dict[SeriesFlag, str] = {
    SeriesFlag.TARGET_CHANGED: "passports or orders of different dates (or two such documents) "
    "state different targets for the year; target_value is the latest one's",
    SeriesFlag.PLAN_DIFFERS_FROM_TARGET: "the plan of the execution report differs from the "
    "target of the passport",
    SeriesFlag.FACTS_DISAGREE: "two execution reports state different actual values for the "
    "year; actual_value is the latest report's",
    SeriesFlag.MISSING_FACT: "the year has a target and lies before the latest report year of "
    "the municipality, but no report states its actual value",
}
