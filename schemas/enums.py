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
