"""Words broken inside a narrow table cell.

A word processor breaks a word that does not fit a cell's width wherever the width runs out
("администра" / "ции", "01.02.20" / "22"), and the extractors keep a cell's lines as they were
printed. Joined with a space, both halves would be nonsense; so a line break inside letters is
closed up when the whole is a dictionary word (pymorphy3) and the halves are not both words
(a piece of one or two letters counts as a word only when it is a short word like "и"),
and one inside a date when the halves make a whole ``dd.mm.yyyy`` date.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.normalise.lemma import morph

LETTER_BREAK_RE = re.compile(r"([а-яё]+)\n(?=([а-яё]+))", re.IGNORECASE)  # tail not consumed
DATE_BREAK_RE = re.compile(r"(?<![\d.])(\d{1,2}\.\d{1,2}\.\d{0,3})\n(\d{1,4})(?![\d.])")
WHOLE_DATE_RE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}")
# pymorphy3 knows most letter pairs (abbreviations); a cut-off "ия" or "ие" is no word here
SHORT_WORDS = frozenset((
    "а", "в", "и", "к", "о", "с", "у", "я", "не", "ни", "на", "но", "по", "за", "до", "из",
    "от", "об", "во", "со", "ко", "же", "ли", "бы", "да", "то", "ну", "он", "мы", "вы", "их",
    "ее", "её", "им", "ей", "ею", "ты",
))


@lru_cache(maxsize=65536)
def _known(word: str) -> bool:
    return bool(morph().word_is_known(word.lower()))


def _word(part: str) -> bool:
    """A standalone word; a piece of one or two letters only when it is a short word."""
    return part.lower() in SHORT_WORDS if len(part) <= 2 else _known(part)


def _close_word(m: re.Match[str]) -> str:
    head, tail = m.group(1), m.group(2)
    if tail[0].isupper() or (_word(head) and _word(tail)) or not _known(head + tail):
        return m.group(0)
    return head


def _close_date(m: re.Match[str]) -> str:
    whole = m.group(1) + m.group(2)
    return whole if WHOLE_DATE_RE.fullmatch(whole) else m.group(0)


@lru_cache(maxsize=16384)  # each interpreter reads a table's cells again
def unwrap(text: str) -> str:
    """``text`` with the words and dates that a line break cut in two made whole again."""
    if "\n" not in text:
        return text
    return LETTER_BREAK_RE.sub(_close_word, DATE_BREAK_RE.sub(_close_date, text))
