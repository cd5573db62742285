"""The fields of a passport: a key («Объемы и источники финансирования программы», «Целевые
показатели») and its value, from a key/value table's rows or, in a passport read as lines
(a text dump, a PDF without rules), from a line that is a key and the lines after it.

Lines after a key line belong to it while they say figures, go on in lower case or are a
numbered item; the next line in upper case without a figure (the next key) ends it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from extractors.model import Table
from pipeline.grammar.items import is_listed_item
from pipeline.interpret.headers import norm

KV_MAX_COLS = 3  # key and value, maybe a row number before them
KEY_LINE_MAX = 150  # a key is a short line
VALUE_LINES_MAX = 40
INLINE_SPLIT_RE = re.compile(r"\s*(?::|\s[-–—])\s*")


@dataclass(frozen=True, slots=True)
class Field:
    key: str
    value: str
    locator: str
    page: int | None = None


def table_fields(tables: list[Table]) -> list[Field]:
    """The rows of key/value tables: the last two texts of a row."""
    out = []
    for table in tables:
        if not 2 <= table.n_cols <= KV_MAX_COLS:
            continue
        for r, row in enumerate(table.grid()):
            texts = [t for t in dict.fromkeys(row) if t and t.strip()]
            if len(texts) >= 2:
                out.append(Field(texts[-2], texts[-1], table.row_locator(r), table.row_page(r)))
    return out


def line_fields(paragraphs: list[tuple[str, str, int | None]],
                is_key: Callable[[str], bool]) -> list[Field]:
    """Fields of a passport read as lines, for the keys ``is_key`` accepts: the value said on
    the key's line after a colon or dash, else the lines after it."""
    out = []
    lines = [(norm(t), loc, page) for t, loc, page in paragraphs if norm(t)]
    for i, (text, loc, page) in enumerate(lines):
        if len(text) > KEY_LINE_MAX or not is_key(text) or is_listed_item(text):
            continue
        key, value = _inline(text)
        if value is None:
            value = "\n".join(_value_lines(lines[i + 1: i + 1 + VALUE_LINES_MAX]))
        if value:
            out.append(Field(key, value, loc, page))
    return out


def _inline(text: str) -> tuple[str, str | None]:
    """``Ключ: значение`` said on one line; a key line without figures has no value of its
    own."""
    if not re.search(r"\d", text):
        return text, None
    parts = INLINE_SPLIT_RE.split(text, maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else (text, None)


def _value_lines(lines: list[tuple[str, str, int | None]]) -> list[str]:
    out = []
    for text, _, _ in lines:
        goes_on = (re.search(r"\d", text) or text[:1].islower() or is_listed_item(text)
                   or text[:1] in "-–—•")
        if not goes_on:
            break
        out.append(text)
    return out
