"""Output contract: enums and pyarrow schemas of the four tables and the series derived from
them (imports nothing of ours)."""

from schemas.enums import Comparator, DocStatus, DocType, FinanceSource, Format, Status, Unit
from schemas.tables import (
    ACTIVITIES,
    DERIVED,
    DOCUMENTS,
    FINANCE,
    INDICATORS,
    SCHEMA_VERSION,
    SERIES,
    SERIES_VERSION,
    TABLES,
)

__all__ = [
    "ACTIVITIES",
    "DERIVED",
    "DOCUMENTS",
    "FINANCE",
    "INDICATORS",
    "SCHEMA_VERSION",
    "SERIES",
    "SERIES_VERSION",
    "TABLES",
    "Comparator",
    "DocStatus",
    "DocType",
    "FinanceSource",
    "Format",
    "Status",
    "Unit",
]
