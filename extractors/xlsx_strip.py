"""Empty styled cells dropped from a worksheet's bytes before it is parsed.

Real reports carry ~1000 formatted empty cells a row (``<c r="AB7" s="3"/>``); building an
element for each is most of the cost of reading them. Such a cell is dropped from the bytes
when nothing can depend on it:

* it has no content (self-closing or ``></c>``), so no value;
* its style index is one of the workbook's styles (``below``: the decimal numbers under the
  count of styles), so reading it could not fail;
* the next cell follows at once and has a coordinate, so no cell's place is counted from it,
  and it is not its row's last cell (a row is as wide as its last cell).

Nothing is dropped from a part with CDATA sections (whose text could hold such markup). What
matches inside a comment or processing instruction is dropped with no effect: the parser
removes those anyway.
"""

from __future__ import annotations

import re
from functools import lru_cache

_CDATA = b"<![CDATA["


def below(n: int) -> str:
    """A regular expression of the decimal numbers ``0 … n - 1`` without leading zeros
    (nothing matches when ``n <= 0``)."""
    if n <= 0:
        return "(?!)"
    top = str(n - 1)
    alts = ["[0-9]"] if len(top) > 1 else []
    alts += [f"[1-9][0-9]{{{d - 1}}}" for d in range(2, len(top))]
    for i, digit in enumerate(top):
        low = 1 if i == 0 and len(top) > 1 else 0
        if int(digit) > low:
            rest = len(top) - i - 1
            alts.append(top[:i] + f"[{low}-{int(digit) - 1}]" + (f"[0-9]{{{rest}}}" if rest
                                                                   else ""))
    alts.append(top)
    return "(?:" + "|".join(alts) + ")"


@lru_cache(maxsize=32)
def _pattern(n_styles: int) -> re.Pattern[bytes]:
    style = below(n_styles)
    return re.compile(
        rf'<c r="[A-Z]{{1,3}}[0-9]{{1,7}}"(?: s="{style}")?(?: t="[a-zA-Z]{{1,9}}")?'
        rf'(?:/>|></c>)(?=[ \t\r\n]*<c r=")'.encode())


def strip_empty_cells(data: bytes, n_styles: int) -> bytes:
    """``data`` without the empty cells nothing depends on (see the module docstring)."""
    if _CDATA in data:
        return data
    return _pattern(n_styles).sub(b"", data)
