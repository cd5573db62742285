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
