"""Whether a text layer reads as words. Some PDFs carry the text layer of their publisher's
failed OCR over the page images (``F o o``, ``t-1 Cd al vF -l FI``): it has text, yet
hardly a word. Such a layer is read like a scan, by OCR.

The test counts the tokens that are not numbers (tables of figures are text too) and the
share of them that are words: three letters or more, with the punctuation words carry. A
real text layer, table-heavy or not, is well over half words; a garbled one is nearly none.
"""

from __future__ import annotations

import re

TOKEN_RE = re.compile(r"\S+")
NUMERIC_RE = re.compile(r"[\d\s.,%()+\-–—/:;№]+")
WORD_RE = re.compile(r"[(«\"'“]?[^\W\d_]{3,}(?:-[^\W\d_]+)*[.,;:!?»\"'”)]*")
MIN_TOKENS = 50  # below this a page says too little to judge
MIN_WORD_SHARE = 0.25


def word_share(text: str) -> tuple[int, float]:
    """``(tokens that are not numbers, the share of them that are words)``."""
    tokens = [t for t in TOKEN_RE.findall(text) if not NUMERIC_RE.fullmatch(t)]
    if not tokens:
        return 0, 0.0
    return len(tokens), sum(1 for t in tokens if WORD_RE.fullmatch(t)) / len(tokens)


def garbled(text: str) -> bool:
    """True when ``text`` is long enough to judge and hardly any of it is words."""
    n, share = word_share(text)
    return n >= MIN_TOKENS and share < MIN_WORD_SHARE
