"""Execution statuses ("исполнено", "Не исполнено (причина …)", "Целевой показатель достигнут").

Matching is leftmost-longest over the vocabulary, so a negated or qualified form ("не исполнено",
"исполнено частично") wins over the bare positive word it contains. A done form still followed
by a partial qualifier ("достигнут частично", "исполнено не в полном объеме") becomes
partially_done, and one preceded by "не" becomes not_done.
"""

from __future__ import annotations

import re
from functools import cache

from pipeline.vocab import StatusForm, fold, form_pattern, status_forms
from schemas.enums import Status

__all__ = ["status_in_prose", "status_of"]

_LEAD_RE = re.compile(r"[\s\-–—‑•*·>]*")
_DASHES_ONLY_RE = re.compile(r"[\s\-–—‑]+")
_PARTIAL_AFTER_RE = re.compile(
    r"[\s,%]*(?:частично|не\s+в\s+полном\s+объеме|не\s+полностью)(?![а-я])")
_NEGATION_BEFORE_RE = re.compile(r"(?<![а-я])не\s+$")
_FUTURE_BEFORE_RE = re.compile(r"(?<![а-я])(?:будет|будут|планируется|должно\s+быть)\s+(?:не\s+)?$")
# How far before a status form the two patterns above look: far enough for either, and the
# search stays linear in the text (a search from the start of a long text for every form
# found in it would be quadratic).
_BEFORE_WINDOW = 80


@cache
def _regex(prose_only: bool) -> tuple[re.Pattern[str], tuple[StatusForm, ...]]:
    forms = tuple(f for f in status_forms()
                  if any(c.isalpha() for c in f.form) and (f.prose or not prose_only))
    alts = "|".join(f"(?P<f{i}>{form_pattern(f.form)})" for i, f in enumerate(forms))
    return re.compile(alts), forms


@cache
def _dash_status() -> Status | None:
    return next((f.status for f in status_forms() if _DASHES_ONLY_RE.fullmatch(f.form)), None)


def _qualified(folded: str, m: re.Match[str], status: Status) -> tuple[Status, int, int]:
    """Apply a partial qualifier after, or a negation before, a done form."""
    start, end = m.span()
    if status != Status.DONE:
        return status, start, end
    if q := _PARTIAL_AFTER_RE.match(folded, end):
        return Status.PARTIALLY_DONE, start, q.end()
    if n := _NEGATION_BEFORE_RE.search(folded, max(0, start - _BEFORE_WINDOW), start):
        return Status.NOT_DONE, n.start(), end
    return status, start, end


def _first(regex: re.Pattern[str], folded: str) -> re.Match[str] | None:
    """The first match not in the future tense ("будет выполнено" is a plan, not a status)."""
    return next((m for m in regex.finditer(folded)
                 if not _FUTURE_BEFORE_RE.search(folded, max(0, m.start() - _BEFORE_WINDOW),
                                                 m.start())), None)


def _resolve(folded: str, m: re.Match[str], forms: tuple[StatusForm, ...]
             ) -> tuple[Status, int, int]:
    form = forms[int((m.lastgroup or "f0")[1:])]
    return _qualified(folded, m, form.status)


def status_of(text: str | None) -> Status | None:
    """Status of a status cell: the form it starts with, else the first form inside it; a cell
    of dashes only is ``unknown`` (as the vocabulary says); None when nothing is stated."""
    if not text or not text.strip():
        return None
    folded = fold(text)
    if _DASHES_ONLY_RE.fullmatch(folded):
        return _dash_status()
    regex, forms = _regex(prose_only=False)
    lead = _LEAD_RE.match(folded)
    m = regex.match(folded, lead.end() if lead else 0) or _first(regex, folded)
    return _resolve(folded, m, forms)[0] if m else None


def status_in_prose(text: str | None) -> tuple[Status, str] | None:
    """First status phrase in a sentence ("Целевой показатель достигнут" -> done) and the
    phrase as written, for ``status_raw``; ambiguous cell words ("в работе") are not used."""
    if not text:
        return None
    folded = fold(text)
    regex, forms = _regex(prose_only=True)
    m = _first(regex, folded)
    if m is None:
        return None
    status, start, end = _resolve(folded, m, forms)
    return status, " ".join(text[start:end].split())
