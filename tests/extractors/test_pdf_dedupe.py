"""Characters printed twice at one place (fake bold) are read once."""

from __future__ import annotations

from typing import Any

from extractors.pdf_dedupe import dedupe


def _c(text: str, x0: float, top: float, font: str = "F", size: float = 10.0) -> dict[str, Any]:
    return {"text": text, "fontname": font, "size": size, "x0": x0, "top": top}


def test_a_char_printed_again_within_a_point_is_dropped():
    chars = [_c("a", 10.0, 20.0), _c("a", 10.4, 20.3), _c("b", 10.4, 20.3), _c("a", 12.5, 20.0)]
    assert dedupe(chars) == [chars[0], chars[2], chars[3]]


def test_other_fonts_sizes_and_rows_are_kept():
    chars = [_c("a", 10.0, 20.0), _c("a", 10.0, 20.0, font="G"), _c("a", 10.0, 20.0, size=11),
             _c("a", 10.0, 21.5)]
    assert dedupe(chars) == chars


def test_only_kept_chars_hide_later_ones():
    chars = [_c("a", 0.0, 0.0), _c("a", 0.9, 0.0), _c("a", 1.8, 0.0)]
    assert dedupe(chars) == [chars[0], chars[2]]  # the second is dropped, so it hides nothing
