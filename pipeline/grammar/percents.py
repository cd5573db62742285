"""Percent cells and phrases ("100%", "300 %", "86,5", "Процент исполнения – 53,8%")."""

from __future__ import annotations

from pipeline.grammar.numbers import parse_number, parse_value
from schemas.enums import Unit

__all__ = ["parse_percent"]


def parse_percent(text: str | None) -> float | None:
    """The percent number of ``text``; None for placeholders or a number in another unit."""
    number = parse_number(text)
    if number is not None:
        return number
    value = parse_value(text)
    if value.unit not in (Unit.PERCENT, None):
        return None
    return value.value
