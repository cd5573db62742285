"""Text of spreadsheet cell values as a reader sees them (shared by the XLSX readers)."""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from typing import Any

_QUOTED = re.compile(r'"[^"]*"|\\.')


def number_text(value: float | int) -> str:
    """A number as plain text: integral values without ``.0``, others with up to 15
    significant digits (so float noise like ``0.30000000000000004`` reads ``0.3``), never in
    exponent notation."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if math.isnan(value) or math.isinf(value):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.15g}"
    if "e" in text:
        text = format(Decimal(text), "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    return text


def is_percent_format(number_format: str | None) -> bool:
    """Whether a number format shows a percentage (a ``%`` outside quotes and escapes)."""
    return bool(number_format) and "%" in _QUOTED.sub("", number_format or "")


def clean_text(value: str) -> str:
    """A string cell's text: line ends as ``\\n``, outer blanks stripped."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def cell_text(value: Any, number_format: str | None = None) -> str:
    """Text of one cell value as a reader sees it: dates ``dd.mm.yyyy``, percent-formatted
    numbers scaled (``0.85`` with ``0%`` -> ``85%``), other numbers via ``number_text``."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        text = value.strftime("%d.%m.%Y")
        if value.time() != dt.time(0, 0):
            text += value.strftime(" %H:%M")
        return text
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if is_percent_format(number_format):
            return number_text(round(value * 100, 10)) + "%"
        return number_text(value)
    if isinstance(value, bool):
        return number_text(value)
    return clean_text(str(value))
