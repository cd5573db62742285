"""Cell text from upright chars equals pdfplumber's extract_text, on random chars (ties in
``top`` and ``x0``, blanks, ligatures, steps back, overlapping lines)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pdfplumber.utils import extract_text

from extractors.pdf_text import upright_text

TEXTS = st.sampled_from(["а", "Б", "1", ",", " ", "\u00a0", "ﬁ", "x", "%", ""])
COORD = st.integers(0, 60).map(lambda v: v / 2)  # a coarse grid: many ties and near-ties


@st.composite
def chars(draw: st.DrawFn) -> list[dict[str, object]]:
    out = []
    for _ in range(draw(st.integers(1, 25))):
        x0, top = draw(COORD), draw(COORD)
        width, height = draw(st.integers(1, 8)) / 2, draw(st.integers(2, 12)) / 2
        out.append({"text": draw(TEXTS), "x0": x0, "x1": x0 + width, "top": top,
                    "bottom": top + height, "doctop": top, "upright": True, "height": height,
                    "width": width, "size": height, "matrix": (1, 0, 0, 1, x0, top)})
    return out


@settings(max_examples=400, deadline=None)
@given(chars(), st.sampled_from([1.0, 3.0]))
def test_upright_text_is_pdfplumbers(cs: list[dict[str, object]], tol: float) -> None:
    assert upright_text(cs, tol) == extract_text(cs, x_tolerance=tol, y_tolerance=tol)


@pytest.mark.parametrize(("spec", "text"), [
    ([("Д", 0, 5, 0), ("о", 5, 10, 0), ("л", 10, 15, 0), ("я", 15, 20, 0)], "Доля"),
    ([("8", 0, 5, 0), ("0", 9, 14, 0)], "8 0"),  # a gap wider than the tolerance
    ([("a", 0, 5, 0), (" ", 5, 7, 0), ("b", 7, 12, 0)], "a b"),
    ([("a", 0, 5, 0), ("b", 0, 5, 10)], "a\nb"),  # two lines
    ([("ﬁ", 0, 5, 0)], "fi"),
])
def test_upright_text(spec: list[tuple[str, float, float, float]], text: str) -> None:
    cs = [{"text": t, "x0": x0, "x1": x1, "top": top, "bottom": top + 8, "upright": True}
          for t, x0, x1, top in spec]
    assert upright_text(cs, 3.0) == text
