"""The one rule of what a year is in these reports: four digits from 1980 to 2049 (plans,
reports, programme periods and base years; a 1950 or a 2100 is a number, not a year), and
the phrases that name one («2021 год», «на 2024 год», «в 2021 году», «2019-2024 годы»)."""

from __future__ import annotations

import re
from functools import cache

YEAR = r"(?:19[89]\d|20[0-4]\d)"
YEAR_RE = re.compile(rf"(?<!\d)({YEAR})(?!\d)")  # a year anywhere in a text
# a cell holding a year alone: «2021», «2021 г.», «2021 год»
YEAR_ONLY_RE = re.compile(rf"^\s*({YEAR})\s*(г\.?|год)?\s*$", re.IGNORECASE)

# The year of a phrase: the words around it say it is a year, so any 19xx or 20xx is one.
PHRASE_YEAR = r"(?:19|20)\d\d"
YEAR_WORD = r"(?:год\w*|г\.?)"  # «год», «года», «году», «годы», «г.», «г»
# a clause that opens with a year or says «в 2021 году» («2021 год – 250 000,0 тыс. рублей»)
CLAUSE_YEAR_RE = re.compile(rf"(?:^|\bв\s+)({PHRASE_YEAR})(?:\s*{YEAR_WORD})?(?!\d)",
                            re.IGNORECASE)
# a period of years: «2019-2024 годы», «2019 г. – 2024 гг.», «2015 года - 2025 год»
YEARS_RANGE_RE = re.compile(r"(?<!\d)(20\d\d)\s*(?:г\.?|года?)?\s*[-–—]\s*20\d\d\s*(?:гг|год)",
                            re.IGNORECASE)


@cache
def year_phrase_re(*prepositions: str) -> re.Pattern[str]:
    """«на 2024 год», «к 2024 году», «за 2021 г.»: one of ``prepositions`` (at a word's start),
    a year (group 1) and the word год or г."""
    alternatives = "|".join(rf"\b{p}" for p in prepositions)
    return re.compile(rf"(?:{alternatives})\s+({PHRASE_YEAR})\s*{YEAR_WORD}", re.IGNORECASE)


def is_year(digits: str) -> bool:
    """``digits`` is exactly a year (``2021``; not ``2021.5`` nor ``12021``)."""
    return re.fullmatch(YEAR, digits) is not None
