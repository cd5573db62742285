"""Words broken inside a narrow table cell.

A word processor breaks a word that does not fit a cell's width wherever the width runs out
("администра" / "ции", "01.02.20" / "22"), and the extractors keep a cell's lines as they were
printed. Joined with a space, both halves would be nonsense; so a line break inside letters is
closed up when the whole is a dictionary word (pymorphy3) and the halves are not both words
(a piece of one or two letters counts as a word only when it is a short word like "и"; a lone
cut-off letter joins when it stands on a line of its own or ends a form of the same word), a
word cut twice ("финан" / "сиров" / "ания") is made whole across both breaks, and a break
inside a date is closed when the halves make a whole ``dd.mm.yyyy`` date.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.grammar.lemma import morph

HEAD_RE = re.compile(r"[а-яё]+$", re.IGNORECASE)  # the letters a line ends with
TAIL_RE = re.compile(r"^[а-яё]+", re.IGNORECASE)  # the letters a line starts with
DATE_BREAK_RE = re.compile(r"(?<![\d.])(\d{1,2}\.\d{1,2}\.\d{0,3})\n(\d{1,4})(?![\d.])")
WHOLE_DATE_RE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}")
# pymorphy3 knows most letter pairs (abbreviations); a cut-off "ия" or "ие" is no word here
SHORT_WORDS = frozenset((
    "а", "в", "и", "к", "о", "с", "у", "я", "не", "ни", "на", "но", "по", "за", "до", "из",
    "от", "об", "во", "со", "ко", "же", "ли", "бы", "да", "то", "ну", "он", "мы", "вы", "их",
    "ее", "её", "им", "ей", "ею", "ты",
))


MAX_CUTS = 4  # line breaks inside one word that are closed up
CONJUNCTIONS = frozenset(("а", "и"))  # "проект / а также": a word of its own, never an ending


@lru_cache(maxsize=65536)
def _known(word: str) -> bool:
    return bool(morph().word_is_known(word.lower()))


def _word(part: str) -> bool:
    """A standalone word; a piece of one or two letters only when it is a short word."""
    return part.lower() in SHORT_WORDS if len(part) <= 2 else _known(part)


def _joins(head: str, tail: str, whole_line: bool) -> bool:
    """``head`` / ``tail`` (the letters on both sides of a line break) are one word."""
    if not head or not tail or tail[0].isupper() or not _known(head + tail):
        return False
    # a lone letter cut off a word ("Количеств" / "о"): on a line of its own, or ending a
    # form of the same word (количеств- is a form of количество, so "о жителей" is its end)
    if len(tail) == 1 and (whole_line or (tail.lower() not in CONJUNCTIONS
                                          and _same_word(head, head + tail))):
        return True
    return not (_word(head) and _word(tail))


@lru_cache(maxsize=65536)
def _same_word(part: str, whole: str) -> bool:
    lemmas = {p.normal_form for p in morph().parse(part.lower())}
    return morph().parse(whole.lower())[0].normal_form in lemmas


def _close_words(text: str) -> str:
    lines = text.split("\n")
    out = [lines[0]]
    i = 1
    while i < len(lines):
        cur = lines[i]
        head_m, tail_m = HEAD_RE.search(out[-1]), TAIL_RE.match(cur)
        head, tail = (head_m.group(0) if head_m else ""), (tail_m.group(0) if tail_m else "")
        whole = tail == cur
        if whole and head and (end := _cut_again(head + tail, lines, i + 1)):
            out[-1] += "".join(lines[i:end])  # a word cut on several lines of a narrow cell
            i = end
            continue
        if _joins(head, tail, whole):
            out[-1] += cur
        else:
            out.append(cur)
        i += 1
    return "\n".join(out)


def _cut_again(start: str, lines: list[str], k: int) -> int | None:
    """A word cut more than once by a very narrow cell ("финан" / "сиров" / "ания",
    "общео" / "бразо" / "вател" / "ьных"): ``start`` is no word, and the letters the next
    lines start with make one; the index after the last line the word takes, else None."""
    if _known(start):
        return None
    joined = start
    for j in range(k, min(len(lines), k + MAX_CUTS - 1)):
        more = TAIL_RE.match(lines[j])
        if more is None or more.group(0)[0].isupper():
            return None
        joined += more.group(0)
        if _known(joined):
            return j + 1
        if more.group(0) != lines[j]:  # only a line that is all one piece goes on
            return None
    return None


def _close_date(m: re.Match[str]) -> str:
    whole = m.group(1) + m.group(2)
    return whole if WHOLE_DATE_RE.fullmatch(whole) else m.group(0)


@lru_cache(maxsize=16384)  # each interpreter reads a table's cells again
def unwrap(text: str) -> str:
    """``text`` with the words and dates that a line break cut in two made whole again."""
    if "\n" not in text:
        return text
    return _close_words(DATE_BREAK_RE.sub(_close_date, text))
