"""Dates ("01.06.2020", "«27» января 2021 г.") and periods ("Март-сентябрь 2020г", "IV квартал").

Period rules: two time points joined by a dash (or "по"/"до", or only spaces between two exact
dates) give (start of the first, end of the second); one point after "до"/"не позднее"/"по"/"к"
gives (None, its end), after "с"/"начиная с" or before "– ежегодно" gives (its start, None);
a lone exact date is a deadline, (None, date); a lone month, quarter, half-year or year gives
its first and last day; words without a point ("ежегодно", "в течение года") give (None, None).
A month range whose first month has no year and comes after the second ("Сентябрь-май 2020")
starts the year before.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from pipeline.grammar.years import YEAR
from pipeline.vocab import fold

__all__ = ["find_dates", "month_number", "parse_date", "parse_period"]

_MONTH_STEMS: tuple[tuple[str, str], ...] = (
    ("январ", "янв"), ("феврал", "февр?"), ("март", "мар"), ("апрел", "апр"), ("ма", ""),
    ("июн", "июн"), ("июл", "июл"), ("август", "авг"), ("сентябр", "сент?"),
    ("октябр", "окт"), ("ноябр", "нояб?"), ("декабр", "дек"),
)
_MONTH = (
    r"(?<![а-я])(?:(?:январ|феврал|март|апрел|июн|июл|август|сентябр|октябр|ноябр|декабр)"
    r"[а-я]{0,3}|ма[йяею]|ма[ео]м|(?:янв|февр?|мар|апр|июн|июл|авг|сент?|окт|нояб?|дек)\.)"
    r"(?![а-я])")
_POINT_RE = re.compile(
    r"(?<!\d)(?P<iy>\d{4})-(?P<im>\d\d)-(?P<id>\d\d)(?!\d)"
    r"|(?<![\d.])(?P<nd>\d{1,2})[./](?P<nm>\d{1,2})[./](?P<ny>\d{4}|\d{2})(?![\d])"
    rf"|(?<!\d)[«\"]?(?P<td>\d{{1,2}})[»\"]?\s*(?P<tm>{_MONTH})(?:\s*(?P<ty>\d{{4}}))?"
    r"|(?<![а-яa-z\d])(?P<q>iv|iii|ii|i|[1-4])\s*(?:-?(?:й|ый|ой|го))?\s*"
    r"(?:квартал[а-я]*|кв\.(?!\s*м))(?:\s*(?P<qy>\d{4}))?"
    r"|(?<![а-яa-z\d])(?P<h>ii|i|[12])\s*(?:-?(?:е|ое|го|м))?\s*полугоди[а-я]*"
    r"(?:\s*(?P<hy>\d{4}))?"
    rf"|(?P<mm>{_MONTH})(?:\s*(?P<my>\d{{4}}))?"
    rf"|(?<![\d.,])(?P<y>{YEAR})(?![\d.,]\d|\d)"
)
_RANGE_GAP_RE = re.compile(
    r"[\s.*)]*(?:г\.|гг\.?|г|года?)?[\s.*]*(?:[-–—‑]|по|до|\.\.)\s*")
_OPEN_END_RE = re.compile(r"[\s.*)]*(?:г\.?|года?)?[\s.*]*[-–—‑]\s*[а-я]")
_EXACT_GAP_RE = re.compile(r"[\s.*]*")
_END_PREFIX_RE = re.compile(
    r"(?<![а-я])(?:до|не\s+позднее|по|к|до\s+конца|до\s+окончания|в\s+срок\s+до|срок\s+до)\s*$")
_START_PREFIX_RE = re.compile(r"(?:^|[^а-я])(?:с|со|начиная\s+с|с\s+начала)\s*$")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_MIN_YEAR, _MAX_YEAR = 1900, 2100


@dataclass(slots=True)
class _Point:
    """A time point: months m1..m2 of ``year`` (or one exact ``day``) at a text span."""

    start: int
    end: int
    m1: int
    m2: int
    year: int | None
    day: int | None = None

    def first(self) -> date | None:
        return None if self.year is None else date(self.year, self.m1, self.day or 1)

    def last(self) -> date | None:
        if self.year is None:
            return None
        return date(self.year, self.m2, self.day or calendar.monthrange(self.year, self.m2)[1])


def month_number(word: str) -> int | None:
    """Month number of a Russian month word in any case form ("января", "мае", "сент.")."""
    w = fold(word).strip()
    if not re.fullmatch(_MONTH, w):
        return None
    if w.startswith("ма") and not w.startswith("мар"):
        return 5
    for i, (stem, abbr) in enumerate(_MONTH_STEMS, start=1):
        if w.startswith(stem) or (abbr and re.match(abbr + r"\.", w)):
            return i
    return None


def _year(text: str | None) -> int | None:
    if not text:
        return None
    y = int(text)
    return 2000 + y if y < 100 else y


def _exact(y: int | None, m: int, d: int, span: tuple[int, int]) -> _Point | None:
    if y is not None and not _MIN_YEAR <= y <= _MAX_YEAR:
        return None
    try:
        date(y or 2000, m, d)
    except ValueError:
        return None
    return _Point(span[0], span[1], m, m, y, d)


def _numeric_year_ok(g: dict[str, str | None]) -> bool:
    """Two-digit years only with zero-padded day and month ("01.06.20"), not "1.2.10"."""
    ny = g["ny"] or ""
    return len(ny) == 4 or (len(g["nd"] or "") == 2 and len(g["nm"] or "") == 2)


def _point(m: re.Match[str]) -> _Point | None:
    g = m.groupdict()
    span = m.span()
    if g["iy"]:
        return _exact(int(g["iy"]), int(g["im"] or 0), int(g["id"] or 0), span)
    if g["nd"]:
        if not _numeric_year_ok(g):
            return None
        return _exact(_year(g["ny"]), int(g["nm"] or 0), int(g["nd"]), span)
    if g["td"]:
        month = month_number(g["tm"] or "")
        return _exact(_year(g["ty"]), month, int(g["td"]), span) if month else None
    if g["q"]:
        q = _ROMAN.get(g["q"]) or int(g["q"])
        return _Point(*span, 3 * q - 2, 3 * q, _year(g["qy"]))
    if g["h"]:
        h = _ROMAN.get(g["h"]) or int(g["h"])
        return _Point(*span, 6 * h - 5, 6 * h, _year(g["hy"]))
    if g["mm"]:
        month = month_number(g["mm"])
        return _Point(*span, month, month, _year(g["my"])) if month else None
    return _Point(*span, 1, 12, int(g["y"] or 0))


def _points(folded: str) -> list[_Point]:
    return [p for m in _POINT_RE.finditer(folded) if (p := _point(m)) is not None]


def find_dates(text: str | None) -> list[date]:
    """All exact dates (dd.mm.yyyy, ISO, "27 января 2021 г.") in ``text``, in order."""
    if not text:
        return []
    out: list[date] = []
    for p in _points(fold(text)):
        if p.day is not None and p.year is not None and (d := p.first()) is not None:
            out.append(d)
    return out


def parse_date(text: str | None) -> date | None:
    """The date when ``text`` holds exactly one exact date ("Протокол от 27.01.2021 №2")."""
    dates = find_dates(text)
    return dates[0] if len(dates) == 1 else None


def _joined(folded: str, a: _Point, b: _Point) -> bool:
    gap = folded[a.end:b.start]
    if _RANGE_GAP_RE.fullmatch(gap):
        return True
    return a.day is not None and b.day is not None and bool(_EXACT_GAP_RE.fullmatch(gap))


def _fill_years(a: _Point, b: _Point | None, default: int | None) -> None:
    if b is not None and b.year is None:
        b.year = default
    if a.year is None:
        if b is not None and b.year is not None:
            a.year = b.year - 1 if (a.m1, a.day or 1) > (b.m2, b.day or 31) else b.year
        else:
            a.year = default


def parse_period(text: str | None, year: int | None = None) -> tuple[date | None, date | None]:
    """(start, end) of a period text; ``year`` fills points written without one."""
    if not text:
        return None, None
    folded = fold(text)
    points = _points(folded)
    if not points:
        return None, None
    a = points[0]
    b = points[1] if len(points) > 1 and _joined(folded, a, points[1]) else None
    _fill_years(a, b, year)
    if b is not None:
        return a.first(), b.last()
    before = folded[max(0, a.start - 24):a.start]
    if _END_PREFIX_RE.search(before):
        return None, a.last()
    if _START_PREFIX_RE.search(before) or _OPEN_END_RE.match(folded, a.end):
        return a.first(), None
    if a.day is not None:
        return None, a.last()
    return a.first(), a.last()
