"""Money amounts in roubles ("2 002,000 тыс. руб." -> 2002000.0, "15,5" in a млн column)."""

from __future__ import annotations

import re

from pipeline.grammar.numbers import Number, is_null_token, iter_numbers
from pipeline.grammar.units import unit_after
from pipeline.grammar.years import is_year
from pipeline.vocab import fold, scale_words
from schemas.enums import Unit

__all__ = ["parse_money"]

# a scale word right after a figure («2 тыс.», «1,5 млрд»): the words of vocab/money_words.csv
_SCALE_AFTER_RE = re.compile(
    r"[ \t]*(?:" + "|".join(f"(?P<s{i}>{p})" for i, (p, _) in enumerate(scale_words())) + r")"
    r"(?![а-я])")


def _scale_after(folded: str, num: Number) -> float | None:
    m = _SCALE_AFTER_RE.match(folded, num.end)
    return scale_words()[int(m.lastgroup[1:])][1] if m and m.lastgroup else None


def parse_money(text: str | None, default_scale: float = 1.0) -> float | None:
    """Roubles in ``text``: the first number with a rouble unit or a scale word after it, else
    the first number (years skipped) times ``default_scale``; rounded to kopecks."""
    if text is None or is_null_token(text):
        return None
    folded = fold(text)
    numbers = [n for n in iter_numbers(text)
               if not is_year(text[n.start:n.end].lstrip("-−–+"))]
    for num in numbers:
        unit = unit_after(text, num.end)
        if unit is not None and unit.unit == Unit.RUB:
            return round(num.value * unit.multiplier, 2)
        scale = _scale_after(folded, num)
        if scale is not None:
            return round(num.value * scale, 2)
    if not numbers:
        return None
    return round(numbers[0].value * default_scale, 2)
