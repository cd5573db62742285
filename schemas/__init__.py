"""Output contract: enums and pyarrow schemas of the four tables (imports nothing of ours)."""

from schemas.enums import Comparator, DocStatus, DocType, FinanceSource, Format, Status, Unit
from schemas.tables import ACTIVITIES, DOCUMENTS, FINANCE, INDICATORS, SCHEMA_VERSION, TABLES

__all__ = [
    "ACTIVITIES",
    "DOCUMENTS",
    "FINANCE",
    "INDICATORS",
    "SCHEMA_VERSION",
    "TABLES",
    "Comparator",
    "DocStatus",
    "DocType",
    "FinanceSource",
    "Format",
    "Status",
    "Unit",
]
