"""Units of measure (процент, %, человек, ед., тыс. руб., место, балл …) from the vocabulary."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pipeline.vocab import UnitForm, fold, form_pattern, scale_words, unit_forms
from schemas.enums import Unit

__all__ = ["UnitMatch", "money_scale", "unit_after", "unit_of"]

# words that follow a number without being what it counts ("5 лет", "в 2 раза", "2 тыс.")
_NOT_COUNTED = frozenset({
    "и", "в", "во", "на", "из", "от", "до", "по", "с", "со", "к", "за", "для", "или", "а", "но",
    "что", "чем", "как", "это", "не", "при", "о", "об", "у", "без", "над", "под", "между",
    "тыс", "тысяч", "тысячи", "тысяча", "млн", "млрд", "миллион", "миллиона", "миллионов",
    "миллиард", "миллиарда", "миллиардов", "год", "года", "году", "годы", "годов", "лет", "г",
    "гг", "месяц", "месяца", "месяцев", "мес", "день", "дня", "дней", "неделя", "недели",
    "недель", "час", "часа", "часов", "минут", "раз", "раза", "квартал", "квартала",
    "полугодие", "полугодия", "числа", "номер", "пункт", "пункта", "пунктов", "статья",
    "статьи",
})
_MONTH_RE = re.compile(
    r"(?:январ|феврал|март|апрел|ма[йяе]|июн|июл|август|сентябр|октябр|ноябр|декабр)[а-я]{0,3}$")
_WORD_RE = re.compile(r"[ \t]*\n?[ \t]*(?P<w>[а-я][а-я-]*)")
_GAP_RE = re.compile(r"[ \t]*\n?[ \t]*")
_NUMBERISH_RE = re.compile(r"\d[\d\s.,]*")
_SCALES = scale_words()  # (pattern, roubles per unit): млрд, млн, тыс (vocab/money_words.csv)
_SCALE_RE = re.compile(
    r"(?<![а-я])(?:" + "|".join(f"(?P<s{i}>{p})" for i, (p, _) in enumerate(_SCALES)) + r")"
    r"(?![а-я])")
_MAX_ADJECTIVES = 2


@dataclass(frozen=True, slots=True)
class UnitMatch:
    """A unit found right after a number: the unit, its multiplier and where it ends."""

    unit: Unit
    multiplier: float
    start: int
    end: int
    counted: bool = False


@cache
def _regex(after_number: bool) -> tuple[re.Pattern[str], tuple[UnitForm, ...]]:
    forms = tuple(f for f in unit_forms() if f.after_number == after_number)
    alts = "|".join(f"(?P<f{i}>{form_pattern(f.form)})" for i, f in enumerate(forms))
    return re.compile(alts), forms


def _match_at(folded: str, pos: int, after_number: bool) -> UnitMatch | None:
    regex, forms = _regex(after_number)
    m = regex.match(folded, pos)
    if m is None:
        return None
    form = forms[int((m.lastgroup or "f0")[1:])]
    return UnitMatch(form.unit, form.multiplier, m.start(), m.end())


def _is_counted_word(word: str) -> bool:
    return len(word) >= 3 and word not in _NOT_COUNTED and not _MONTH_RE.match(word)


def _same_phrase(text: str, pos: int, word_start: int) -> bool:
    """A word on the same line, or a lower-case one on the next (a wrapped cell)."""
    return "\n" not in text[pos:word_start] or text[word_start].islower()


def unit_after(text: str, pos: int) -> UnitMatch | None:
    """The unit written right after a number ending at ``pos``: a vocabulary unit ("5 %",
    "2 002,000 тыс. руб.", also on the next line), a person noun after up to two adjectives
    ("5 педагогических работников"), or another counted noun ("4 мастерские", also wrapped to
    the next line in lower case) taken as ``units``."""
    folded = fold(text)
    gap = _GAP_RE.match(folded, pos)
    found = _match_at(folded, gap.end() if gap else pos, after_number=False)
    if found is not None:
        return found
    cursor = pos
    first_word: re.Match[str] | None = None
    for _ in range(_MAX_ADJECTIVES + 1):
        w = _WORD_RE.match(folded, cursor)
        if w is None:
            break
        first_word = first_word or w
        noun = _match_at(folded, w.start("w"), after_number=True)
        if noun is not None and noun.end == w.end("w"):
            return noun
        cursor = w.end()
    if (first_word is not None and _same_phrase(text, pos, first_word.start("w"))
            and _is_counted_word(first_word.group("w").rstrip("-"))):
        return UnitMatch(Unit.UNITS, 1.0, first_word.start("w"), first_word.end("w"), True)
    return None


def unit_at_start(text: str | None) -> Unit | None:
    """The vocabulary unit ``text`` starts with (``кв. м общей площади …`` -> other), or None."""
    if not text:
        return None
    found = _match_at(fold(text).lstrip(), 0, after_number=False)
    return found.unit if found is not None else None


def unit_of(text: str | None) -> Unit | None:
    """The first unit named in ``text`` ("(процент)", "тыс. руб.", "5 организаций")."""
    if not text:
        return None
    folded = fold(text)
    regex, forms = _regex(False)
    m = regex.search(folded)
    if m is not None:
        return forms[int((m.lastgroup or "f0")[1:])].unit
    for num in _NUMBERISH_RE.finditer(folded):
        found = unit_after(folded, num.end())
        if found is not None:
            return found.unit
    return None


def money_scale(text: str | None) -> float:
    """Roubles per unit of a money text or header: тыс. -> 1e3, млн -> 1e6, млрд -> 1e9, else 1."""
    if not text:
        return 1.0
    folded = fold(text)
    regex, forms = _regex(False)
    for m in regex.finditer(folded):
        form = forms[int((m.lastgroup or "f0")[1:])]
        if form.unit == Unit.RUB and form.multiplier != 1.0:
            return form.multiplier
    scale = _SCALE_RE.search(folded)
    if scale is None:
        return 1.0
    return _SCALES[int((scale.lastgroup or "s0")[1:])][1]
