"""The one rule of what an item number is in these reports: levels of one or two digits joined
by dots («1», «1.2», «1.2.3», written with or without a final dot) — the numbers of a plan's
events, of a programme's indicators, of a passport's listed items. Three digits are a figure
(«100»), not an item."""

from __future__ import annotations

import re

__all__ = [
    "ITEM",
    "is_item_number",
    "is_listed_item",
    "item_number",
    "leading_item_number",
    "starts_with_item_number",
    "strip_list_mark",
]

ITEM = r"\d{1,2}(?:\.\d{1,2})*"  # «1», «1.2», «1.2.3»
ITEM_CELL_RE = re.compile(rf"^\s*({ITEM})\.?\s*$")  # a cell holding an item number alone
LEADING_ITEM_RE = re.compile(rf"^\s*({ITEM})\.?\s+(?=\S)")  # «1.2. Name», «1 Name»
STARTS_WITH_ITEM_RE = re.compile(rf"^\s*{ITEM}\.?(?:\s|$)")  # «1.2», «1.2. Name», «1 Name»
LISTED_ITEM_RE = re.compile(rf"^\s*{ITEM}[.)]\s")  # a listed line: «1. Name», «2) Name»
LIST_MARK_RE = re.compile(rf"^\s*{ITEM}[.)]?\s+")  # the mark of a listed line, to cut off


def item_number(text: str | None) -> str | None:
    """``1.1.3.`` -> ``1.1.3``; None when the text is not an item number alone."""
    m = ITEM_CELL_RE.match(text or "")
    return m.group(1) if m else None


def is_item_number(text: str | None) -> bool:
    """``text`` is an item number alone (``1``, ``1.2.``, `` 3.1 ``; not ``100`` nor ``1.a``)."""
    return item_number(text) is not None


def leading_item_number(text: str) -> tuple[str | None, str, bool]:
    """``1.2. Name`` -> ``("1.2", "Name", True)``: the number a text starts with, the text after
    it and whether a dot was written in or after the number (``1 Name`` has none: it may be a
    quantity, ``44 лучших учителя``); ``(None, text, False)`` when no number starts it."""
    m = LEADING_ITEM_RE.match(text)
    if m is None:
        return None, text, False
    return m.group(1), text[m.end():], "." in m.group(0)


def starts_with_item_number(text: str) -> bool:
    """``text`` starts with an item number followed by a space or nothing (``1.2``, ``3. Name``)."""
    return STARTS_WITH_ITEM_RE.match(text) is not None


def is_listed_item(text: str) -> bool:
    """A line of a numbered list: an item number then ``.`` or ``)`` and a space (``1. Доля``,
    ``2) Число``)."""
    return LISTED_ITEM_RE.match(text) is not None


def strip_list_mark(text: str) -> str:
    """``1. Доля …`` / ``2) Число …`` / ``3 Доля …`` -> the text after the item number."""
    return LIST_MARK_RE.sub("", text, count=1)
