"""Targets listed in a passport's row «Целевые показатели (индикаторы) программы»: one text of
items, each an indicator's name and its target by a year,

    1. Доля детей …, охваченных дополнительным образованием, – 80 % к 2025 году;
    2. Количество созданных мест … – не менее 550 единиц в 2025 году.
    3. Увеличение доли … с 72 % в 2020 году до 80 % в 2025 году.

An item gives one row: the target (the planned value) of the year it names, and with
``с X … до Y`` the X as the base value. An item that names no year or no number is a name
only and gives no row. Read only where the document has no table of indicator values (that
table states the same targets year by year).
"""

from __future__ import annotations

import re

from pipeline.grammar.years import year_phrase_re
from pipeline.interpret.cells import clean_name
from pipeline.interpret.passport_fields import Field
from pipeline.interpret.plausibility import Origin, RowEvidence
from pipeline.interpret.rowbuild import Reading, indicator_row
from pipeline.interpret.values import find_value
from pipeline.vocab import kind_re
from schemas.rows import IndicatorRow

KEY_RE = kind_re("passport_keys.csv", "targets")
ITEM_SPLIT_RE = re.compile(r"\n|;\s*|(?<=\.)\s+(?=\d{1,2}[.)]\s)")
ITEM_NUMBER_RE = re.compile(r"^\s*\d{1,2}(?:\.\d{1,2})*[.)]?\s+")
NAME_TARGET_RE = re.compile(r"^(?P<name>.+?)\s+[-–—]\s*(?P<target>[^-–—]*\d[^-–—]*)$")
BY_YEAR_RE = year_phrase_re("к", "в", "на", "до")
FROM_TO_RE = re.compile(r"\bс\s+(?P<base>\d[\d\s]*(?:[,.]\d+)?)(?P<rest>.*?)\s+до\s+"
                        r"(?P<target>\d.*)$", re.IGNORECASE)


def is_targets_key(text: str) -> bool:
    """The key of a passport row that lists the indicators' targets."""
    return bool(KEY_RE.search(text))


def targets_from_fields(fields: list[Field]) -> list[IndicatorRow]:
    """The indicator rows of a passport's fields whose key lists the targets."""
    return [row for f in fields if is_targets_key(f.key)
            for row in targets_from_text(f.value, f.locator, f.page)]


def targets_from_text(text: str, locator: str, page: int | None = None) -> list[IndicatorRow]:
    """One row per item of ``text`` that states a target by a year."""
    out = []
    for item in ITEM_SPLIT_RE.split(text):
        item = ITEM_NUMBER_RE.sub("", " ".join(item.split())).rstrip(" .")
        if row := _target(item, locator, page):
            out.append(row)
    return out


def _target(item: str, locator: str, page: int | None) -> IndicatorRow | None:
    if m := NAME_TARGET_RE.match(item):
        name, target = m.group("name"), m.group("target")
    elif m := FROM_TO_RE.search(item):  # «Увеличение доли … с 72 % до 80 % к 2025 году»
        name, target = item[:m.start()], item[m.start():]
    else:
        return None
    base = None
    comparator_ok = True
    if ft := FROM_TO_RE.search(target):
        base_value = find_value(BY_YEAR_RE.sub(" ", ft.group("base") + ft.group("rest")))
        base = base_value.value if base_value else None
        target = ft.group("target")
        comparator_ok = False  # «с 72 % до 80 %»: the «до» ends a range, it bounds nothing
    years = BY_YEAR_RE.findall(target)
    value = find_value(BY_YEAR_RE.sub(" ", target))
    name = clean_name(name.strip(" ,:–—-"))
    if not years or value is None or value.value is None or not name:
        return None
    reading = Reading(planned=value, base=base, planned_text=" ".join(target.split()),
                      comparator_ok=comparator_ok)
    return indicator_row(name, int(years[-1]), reading,
                         evidence=RowEvidence(Origin.PASSPORT_LIST), page=page, locator=locator)
