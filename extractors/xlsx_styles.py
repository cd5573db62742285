"""Number formats of XLSX cell styles as openpyxl's stylesheet reading resolves them: which
style index shows a date, a duration or a percentage."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree
from openpyxl.styles.numbers import (
    BUILTIN_FORMATS,
    BUILTIN_FORMATS_REVERSE,
    is_date_format,
    is_timedelta_format,
)

from extractors.xlsx_text import is_percent_format

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_FIRST_CUSTOM = 164  # custom number formats are numbered from here (openpyxl's rebasing)


@dataclass(frozen=True, slots=True)
class Styles:
    """Per cell style index (``s``): whether its number format is a date, a duration or a
    percentage, and the error reading its format raised (a custom format id that names no
    format), reported when a cell uses the style."""

    dates: frozenset[int]
    durations: frozenset[int]
    percent: tuple[bool, ...]
    broken: tuple[str, ...]


DEFAULT_STYLES = Styles(frozenset(), frozenset(), (False,), ("",))


def styles_of(xfs: etree._Element, custom: dict[int, str | None]) -> Styles:
    """The styles of ``<cellXfs>`` given the custom formats (``numFmtId`` -> code): a custom
    code equal to a built-in one takes the built-in id, the others are renumbered from 164
    in order of first use, a custom id that names no format reads as whichever format got
    that number (or, past them, fails the cells that use it), as openpyxl did.

    Raises:
        ValueError: a ``numFmtId`` is not a number.
    """
    used: list[str | None] = []  # custom formats in order of first use (openpyxl's numbering)
    fmt_ids: list[int] = []
    dates, durations = set(), set()
    for idx, xf in enumerate(el for el in xfs if el.tag == f"{{{NS_MAIN}}}xf"):
        fid = int(xf.get("numFmtId", 0))
        if fid in custom:
            fmt = custom[fid]
            if fmt in BUILTIN_FORMATS_REVERSE:
                fid = BUILTIN_FORMATS_REVERSE[fmt]
            else:
                if fmt not in used:
                    used.append(fmt)
                fid = used.index(fmt) + _FIRST_CUSTOM
        else:
            fmt = BUILTIN_FORMATS.get(fid)
        if is_date_format(fmt):
            dates.add(idx)
        if is_timedelta_format(fmt):
            durations.add(idx)
        fmt_ids.append(fid)
    percent, broken = [], []
    for fid in fmt_ids:
        shown: str | None = BUILTIN_FORMATS.get(fid, "General")
        error = ""
        if fid >= _FIRST_CUSTOM:
            if fid - _FIRST_CUSTOM < len(used):
                shown = used[fid - _FIRST_CUSTOM]
            else:
                shown, error = None, f"number format {fid} is not defined"
        percent.append(is_percent_format(shown))
        broken.append(error)
    return Styles(frozenset(dates), frozenset(durations), tuple(percent), tuple(broken))
