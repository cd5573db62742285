"""Explanatory notes in prose: ``Показатель 1. «…»``, ``Показатель на 2020 год – не менее
5 %``, ``Целевой показатель достигнут …``, ``Процент исполнения – 53,8%``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.interpret.cells import clean_name
from pipeline.interpret.headers import norm
from pipeline.interpret.plausibility import Origin, RowEvidence
from pipeline.interpret.rowbuild import Reading, indicator_row
from pipeline.interpret.values import (
    Value,
    find_value,
    find_values,
    parse_percent,
    status_in_prose,
)
from pipeline.vocab import kind_patterns, kind_re
from schemas.rows import IndicatorRow


def _cues(kind: str) -> str:
    """The cue words of a kind (``prose_cues.csv``) as one group of alternatives."""
    return f"(?:{'|'.join(kind_patterns('prose_cues.csv', kind))})"


PROJECT_RE = re.compile(
    rf"^\s*{_cues('project_start')}\s+проект\w*\s*[«\"“](.+)[»\"”]",
    re.IGNORECASE)
START_RE = re.compile(
    rf"^\s*(?:целев\w+\s+)?{_cues('item_start')}\s*(?:№\s*)?(\d{{1,2}})?\s*[.:)]\s*"
    r"(?=[«\"“]|\S)", re.IGNORECASE)
ACTIVITY_RE = re.compile(rf"^\s*{_cues('activity_start')}\s*:?\s*(.+)",
                         re.IGNORECASE | re.DOTALL)
PLAN_RE = re.compile(
    rf"{_cues('plan_key')}(?:\s+\w+){{0,2}}\s+(?:на|в)\s+(\d{{4}})\s*"
    r"(?:год\w*|г\.?)\s*[-–—:]?\s*(.+)",
    re.IGNORECASE | re.DOTALL)
PCT_RE = re.compile(rf"{_cues('completion_key')}\s*[-–—:]?\s*([\d\s,.]+%?)",
                    re.IGNORECASE)
# a name in quotes, nested quotes kept: «Доля … «Точка роста» …»
QUOTED_NAME_RE = re.compile(r"[«\"“]((?:[^«»\"“”]|«[^«»]*»)+)[»\"”]")
# clauses of what a paragraph says after the name: sentences, and the actual after the plan
CLAUSE_RE = re.compile(r"(?<=[.;])\s+(?=[А-ЯЁ])|,\s+(?=фактическ)", re.IGNORECASE)
ACTUAL_KEY_RE = kind_re("prose_cues.csv", "actual_key")


def quoted(text: str) -> str:
    """The text inside the outermost «…» (nested quotes kept), else the text itself."""
    t = text.strip()
    i = min((t.find(q) for q in "«\"“" if q in t), default=-1)
    if i < 0:
        return t
    j = max(t.rfind(q) for q in "»\"”")
    return t[i + 1: j] if j > i else t[i + 1:]


@dataclass(slots=True)
class _Pending:
    name: str
    locator: str
    page: int | None
    project: str | None
    activity: str | None = None
    year: int | None = None
    planned: Value | None = None
    planned_text: str | None = None
    actual: Value | None = None
    pct: float | None = None
    status: str | None = None
    status_raw: str | None = None
    notes: list[str] = field(default_factory=list)


def _actual_from(text: str, planned: Value | None) -> Value | None:
    values = [v for v in find_values(text) if v.value is not None]
    if not values:
        return None
    want = planned.unit if planned else None
    m = ACTUAL_KEY_RE.search(text)
    if m:
        after = find_value(text[m.end():])
        if after is not None and after.value is not None and (want is None or after.unit in
                                                              (want, None)):
            return after
    if want is not None:
        same = [v for v in values if v.unit == want]
        if same:
            return same[0]
    return None


def _row(p: _Pending, default_year: int | None) -> IndicatorRow:
    reading = Reading(planned=p.planned, actual=p.actual, pct=p.pct,
                      planned_text=p.planned_text)
    return indicator_row(p.name, p.year or default_year, reading,
                         evidence=RowEvidence(Origin.PROSE), federal_project=p.project,
                         activity=p.activity, status_raw=p.status_raw, status=p.status,
                         note=norm(" ".join(p.notes)) or None, page=p.page, locator=p.locator)


def _named_rest(text: str) -> tuple[str, str]:
    """The quoted name that starts ``text`` and what the paragraph says after it; an
    unquoted name is the whole paragraph."""
    t = text.strip()
    if t[:1] not in "«\"“" or not (m := QUOTED_NAME_RE.match(t)):
        return quoted(t), ""
    return m.group(1), t[m.end():]


def _feed(cur: _Pending, t: str) -> None:
    """One paragraph (or clause) after an indicator's name: its activity, plan for a year,
    completion percent, status, actual value or a note."""
    if (m := ACTIVITY_RE.match(t)) and cur.activity is None:
        cur.activity = clean_name(quoted(m.group(1)))
        return
    if (m := PLAN_RE.search(t)) and cur.planned is None and not ACTUAL_KEY_RE.search(t):
        cur.year = int(m.group(1))
        cur.planned_text = norm(m.group(2))
        cur.planned = find_value(m.group(2))
        return
    if m := PCT_RE.search(t):
        cur.pct = parse_percent(m.group(1))
    found = status_in_prose(t)
    if found and cur.status is None:
        cur.status, cur.status_raw = found[0].value, found[1]
    if cur.actual is None and (found or ACTUAL_KEY_RE.search(t)):
        cur.actual = _actual_from(PCT_RE.sub("", t), cur.planned)
    cur.notes.append(t)


def indicators_from_prose(paragraphs: list[tuple[str, str, int | None]],
                          default_year: int | None) -> list[IndicatorRow]:
    """Indicator rows of an explanatory note; ``paragraphs`` are (text, locator, page)."""
    out: list[IndicatorRow] = []
    cur: _Pending | None = None
    current_project: str | None = None  # the project a heading names, as written
    for text, locator, page in paragraphs:
        t = norm(text)
        if not t:
            continue
        if m := PROJECT_RE.match(t):
            current_project = quoted(m.group(0))
            if cur:
                out.append(_row(cur, default_year))
                cur = None
            continue
        start = START_RE.match(t)
        named = start and (start.group(1) or t[start.end():start.end() + 1] in "«\"“")
        if named and start and not PLAN_RE.match(t):
            if cur:
                out.append(_row(cur, default_year))
            name, rest = _named_rest(t[start.end():])
            cur = _Pending(clean_name(name), locator, page, current_project)
            for clause in CLAUSE_RE.split(rest):  # the values said after the name
                if clause.strip(" .:;,"):
                    _feed(cur, clause.strip(" :;,"))
            continue
        if cur is not None:
            _feed(cur, t)
    if cur:
        out.append(_row(cur, default_year))
    return out
