"""The one rule of what a year is in these reports: four digits from 1980 to 2049 (plans,
reports, programme periods and base years; a 1950 or a 2100 is a number, not a year)."""

from __future__ import annotations

import re

YEAR = r"(?:19[89]\d|20[0-4]\d)"
YEAR_RE = re.compile(rf"(?<!\d)({YEAR})(?!\d)")  # a year anywhere in a text
# a cell holding a year alone: «2021», «2021 г.», «2021 год»
YEAR_ONLY_RE = re.compile(rf"^\s*({YEAR})\s*(г\.?|год)?\s*$", re.IGNORECASE)


def is_year(digits: str) -> bool:
    """``digits`` is exactly a year (``2021``; not ``2021.5`` nor ``12021``)."""
    return re.fullmatch(YEAR, digits) is not None
