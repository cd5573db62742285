"""Whether a text layer reads as words. Some PDFs carry the text layer of their publisher's
failed OCR over the page images (``F o o``, ``t-1 Cd al vF -l FI``): it has text, yet
hardly a word. Such a layer is read like a scan, by OCR.

The test counts the tokens that are not numbers (tables of figures are text too) and the
share of them that are words: three letters or more, with the punctuation words carry. A
real text layer, table-heavy or not, is well over half words; a garbled one is nearly none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

TOKEN_RE = re.compile(r"\S+")
NUMERIC_RE = re.compile(r"[\d\s.,%()+\-–—/:;№]+")
WORD_RE = re.compile(r"[(«\"'“]?[^\W\d_]{3,}(?:-[^\W\d_]+)*[.,;:!?»\"'”)]*")
MIN_TOKENS = 50  # below this a text says too little to judge
SAMPLE_TOKENS = 5000  # a layer garbled at all is garbled throughout: the first ones tell
MIN_WORD_SHARE = 0.25


def word_share(texts: str | Iterable[str]) -> tuple[int, float]:
    """``(tokens that are not numbers, the share of them that are words)`` of ``texts``,
    read lazily up to the first ``SAMPLE_TOKENS`` such tokens."""
    n = words = 0
    for text in [texts] if isinstance(texts, str) else texts:
        for m in TOKEN_RE.finditer(text):
            token = m.group(0)
            if NUMERIC_RE.fullmatch(token):
                continue
            n += 1
            words += bool(WORD_RE.fullmatch(token))
            if n >= SAMPLE_TOKENS:
                return n, words / n
    return n, (words / n if n else 0.0)


def garbled(texts: str | Iterable[str]) -> bool:
    """True when ``texts`` is long enough to judge and hardly any of it is words."""
    n, share = word_share(texts)
    return n >= MIN_TOKENS and share < MIN_WORD_SHARE
