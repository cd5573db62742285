"""The output shown in Russian where a Russian analyst reads it (the run report, the export
workbook, the review workbook, the notebooks): failure reasons, locators, table names, units and
the series' check flags. The stored
columns stay as they are (``documents.error`` keeps its stable English text, ``locator`` its
``table 2 row 31``); these functions only show them.

Failure reasons are translated by the vocabulary ``pipeline/vocab/error_texts.csv``: a regular
expression matching a whole English reason (one of several joined by ``; ``), its Russian
text with the expression's named groups filled in, and a stable ``kind``. A group named
``detail`` is itself translated when it is a known reason; a reason no row matches is shown
as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pipeline.vocab import read_rows
from schemas.enums import SeriesFlag

TABLE_NAMES = {"documents": "Документы", "indicators": "Показатели", "series": "Ряды",
               "activities": "Мероприятия", "finance": "Финансы"}
UNITS = {"percent": "%", "persons": "чел.", "units": "ед.", "rub": "руб.", "rank": "место",
         "score": "балл", "other": "другое"}
# the series' check flags: a short name and what it means
FLAG_TEXT: dict[str, tuple[str, str]] = {
    SeriesFlag.TARGET_CHANGED: ("цель изменилась", "паспорта или приказы разных дат дают за "
                                "год разные цели; в ряду — цель последнего"),
    SeriesFlag.PLAN_DIFFERS_FROM_TARGET: ("план отчёта отличается от цели", "план в отчёте "
                                          "об исполнении не равен цели паспорта"),
    SeriesFlag.FACTS_DISAGREE: ("факты отчётов расходятся", "два отчёта за один год дают "
                                "разные факты; в ряду — факт последнего"),
    SeriesFlag.MISSING_FACT: ("нет факта за прошедший год", "у года есть цель, он раньше "
                              "последнего отчёта муниципалитета, но факта за него нет"),
}
JOIN = "; "
MAX_JOINED = 3  # a reason may itself hold "; " (joined with the next parts to match)

_TABLE_RE = re.compile(r"table (\d+)(?: \(sheet (.*?)\)(?= row | nested |$))?")
_STEP_RE = re.compile(r"(row|line|page|paragraph|nested) (\d+)")
_SHEET_RE = re.compile(r"sheet (.+)")
_WORDS = {"row": "строка", "line": "строка текста", "page": "страница",
          "paragraph": "абзац", "nested": "вложенная таблица"}


@dataclass(frozen=True, slots=True)
class ErrorText:
    """A row of ``error_texts.csv``: the reasons ``pattern`` matches are of ``kind``."""

    kind: str
    pattern: re.Pattern[str]
    text_ru: str


@cache
def error_texts() -> tuple[ErrorText, ...]:
    return tuple(ErrorText(r["kind"], re.compile(r["pattern"], re.DOTALL), r["text_ru"])
                 for r in read_rows("error_texts.csv"))


def locator_ru(locator: str | None) -> str:
    """A locator in Russian: ``table 2 (sheet Лист1) row 31`` → ``таблица 2, лист «Лист1»,
    строка 31``; ``page 3 paragraph 4`` → ``страница 3, абзац 4``. A locator of another
    shape is returned as it is."""
    if not locator:
        return ""
    if sheet := _SHEET_RE.fullmatch(locator):
        return f"лист «{sheet.group(1)}»"
    parts: list[str] = []
    pos = 0
    table = _TABLE_RE.match(locator)
    if table:
        parts.append(f"таблица {table.group(1)}")
        if table.group(2) is not None:
            parts.append(f"лист «{table.group(2)}»")
        pos = table.end()
    while pos < len(locator):
        step = _STEP_RE.match(locator, pos + 1 if locator[pos] == " " else pos)
        if step is None:
            return locator
        parts.append(f"{_WORDS[step.group(1)]} {step.group(2)}")
        pos = step.end()
    return ", ".join(parts) if parts else locator


def _match(text: str) -> tuple[ErrorText, re.Match[str]] | None:
    for row in error_texts():
        found = row.pattern.fullmatch(text)
        if found:
            return row, found
    return None


def _fill(row: ErrorText, found: re.Match[str], depth: int) -> str:
    groups = {k: v or "" for k, v in found.groupdict().items()}
    if depth < 2 and groups.get("detail"):
        groups["detail"] = _translate(groups["detail"], depth + 1)[0]
    return row.text_ru.format(**groups)


def _translate(text: str, depth: int = 0) -> tuple[str, list[str]]:
    parts = text.split(JOIN)
    out: list[str] = []
    kinds: list[str] = []
    i = 0
    while i < len(parts):
        for j in range(min(len(parts), i + MAX_JOINED), i, -1):
            hit = _match(JOIN.join(parts[i:j]))
            if hit is not None:
                out.append(_fill(*hit, depth))
                kinds.append(hit[0].kind)
                i = j
                break
        else:
            out.append(parts[i])
            i += 1
    return JOIN.join(out), kinds


def error_ru(error: str | None) -> str:
    """The Russian text of a failure reason (``documents.error``); "" for none."""
    return _translate(error)[0] if error else ""


def error_kind(error: str | None) -> str | None:
    """The stable kind of a failure reason's first known part (``corrupt_zip`` …), or
    None."""
    if not error:
        return None
    kinds = _translate(error)[1]
    return kinds[0] if kinds else None
