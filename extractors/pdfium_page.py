"""A PDF page read with PDFium: characters and ruling edges shaped like pdfplumber's objects.

pdfminer (under pdfplumber) interprets every content stream in Python; PDFium does it in C++.
This module turns PDFium's text page and path objects into the dicts our table finding,
stream tables and paragraphs consume (``x0``, ``x1``, ``top``, ``bottom``, ``size``,
``fontname``, ``upright``, ``matrix`` for characters; pdfplumber edges for paths), with
pdfminer's geometry: a character box is its advance wide and its font size high, from the
font's descent under the baseline (the standard 14 fonts take their AFM descent, as in
pdfminer); a path is split at each move into subpaths, a closed axis-aligned four-sided one
is a rectangle (four edges), a single segment a line, anything else a curve whose straight
axis-aligned segments are edges.

Only pages without rotation whose media box starts at the origin are read here (the caller
falls back to pdfplumber for the others, where the coordinate conventions differ).
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.fontmetrics import FONT_METRICS
from pdfminer.pdftypes import PDFStream, resolve1
from pdfminer.psparser import LIT, PSLiteral, literal_name

from extractors import pdfium_calls

Char = dict[str, Any]
Point = tuple[float, float]
Matrix = tuple[float, float, float, float, float, float]

_SUBSET = re.compile(r"^[A-Z]{6}\+")
_HYPHENS = ("\x02", "\ufffe")  # PDFium's marks for a hyphen that ends a line
_MAX_FORM_DEPTH = 16


@dataclass(frozen=True, slots=True)
class PageContent:
    """What the PDF extractor reads of a page: chars, ruling edges and what else is drawn."""

    chars: list[Char]
    edges: list[dict[str, Any]]
    has_paths: bool
    has_images: bool
    ruled: bool  # draws lines or rectangles (a page of curves only has no ruled table)


class Unsupported(Exception):
    """A page this reader would read differently from pdfminer: read it with pdfplumber."""


def supported(page: pdfium.PdfPage) -> bool:
    """Tell whether the page's coordinates map onto pdfplumber's as read here."""
    x0, y0, _, _ = page.get_mediabox()
    return page.get_rotation() == 0 and x0 == 0 and y0 == 0


FontMetrics = dict[str, tuple[str, float]]


def _num(value: Any, default: float = 0.0) -> float:
    value = resolve1(value)
    return float(value) if isinstance(value, int | float) else default


def _font_entry(spec: Any) -> tuple[str, tuple[str, float]] | None:
    """pdfminer's name and descent of one font dictionary (``PDFFont.__init__``'s reading)."""
    spec = resolve1(spec)
    if not isinstance(spec, dict):
        return None
    base = resolve1(spec.get("BaseFont"))
    if not isinstance(base, PSLiteral):
        return None
    name = literal_name(base)
    if name in FONT_METRICS and resolve1(spec.get("Subtype")) is not LIT("Type0"):
        afm = FONT_METRICS[name][0]
        return name, (str(afm.get("FontName", name)), -abs(_num(afm.get("Descent", 0))))
    desc = resolve1(spec.get("FontDescriptor"))
    kids = resolve1(spec.get("DescendantFonts"))
    if not isinstance(desc, dict) and isinstance(kids, list) and kids:
        kid = resolve1(kids[0])
        desc = resolve1(kid.get("FontDescriptor")) if isinstance(kid, dict) else None
    if not isinstance(desc, dict):
        desc = {}
    fontname = resolve1(desc.get("FontName", name))
    fontname = literal_name(fontname) if isinstance(fontname, PSLiteral) else str(fontname)
    return name, (fontname, -abs(_num(desc.get("Descent"))))


def font_metrics(resources: Any, depth: int = 0) -> FontMetrics:
    """The fonts of a page's resources (and of its forms') by base font name: pdfminer's font
    name and descent, which PDFium does not give (it reads the descent from the font file)."""
    out: FontMetrics = {}
    resources = resolve1(resources)
    if not isinstance(resources, dict) or depth > _MAX_FORM_DEPTH:
        return out
    fonts = resolve1(resources.get("Font"))
    for spec in (fonts.values() if isinstance(fonts, dict) else ()):
        entry = _font_entry(spec)
        if entry is not None:  # PDFium names a subset font without its ``ABCDEF+`` tag
            out.setdefault(*entry)
            out.setdefault(_SUBSET.sub("", entry[0]), entry[1])
    xobjects = resolve1(resources.get("XObject"))
    for xobj in (xobjects.values() if isinstance(xobjects, dict) else ()):
        xobj = resolve1(xobj)
        if isinstance(xobj, PDFStream) and resolve1(xobj.get("Subtype")) is LIT("Form"):
            for k, v in font_metrics(xobj.get("Resources"), depth + 1).items():
                out.setdefault(k, v)
    return out


class _Fonts:
    """Per text object: font name and descent (per 1000 units), looked up once per font."""

    def __init__(self, known: FontMetrics) -> None:
        self._known = known
        self._by_font: dict[int, tuple[str, float]] = {}
        self._buf = ctypes.create_string_buffer(512)
        self._out = ctypes.c_float()

    def of(self, textobj: Any) -> tuple[str, float]:
        font = pdfium_c.FPDFTextObj_GetFont(textobj)
        key = ctypes.cast(font, ctypes.c_void_p).value or 0
        known = self._by_font.get(key)
        if known is None:
            known = self._by_font[key] = self._read(font)
        return known

    def _read(self, font: Any) -> tuple[str, float]:
        n = pdfium_c.FPDFFont_GetBaseFontName(font, self._buf, len(self._buf))
        name = self._buf.raw[: max(n - 1, 0)].decode("latin-1") if n else ""
        if name in self._known:
            return self._known[name]
        descent = 0.0
        if pdfium_c.FPDFFont_GetDescent(font, ctypes.c_float(1000.0), ctypes.byref(self._out)):
            descent = -abs(float(self._out.value))
        return name, descent


@dataclass(frozen=True, slots=True)
class _Run:
    """What the chars of one text object share: its matrix, font size, font name and
    descent, and for straight text the offsets of pdfminer's box from the baseline."""

    abcd: tuple[float, float, float, float]
    size: float
    font: str
    straight: bool  # neither turned nor skewed
    low: float  # d * (size * descent / 1000): the box's bottom over the baseline
    high: float  # d * size * (descent / 1000 + 1): its top

    @classmethod
    def of(cls, abcd: tuple[float, float, float, float], size: float, font: str,
           descent: float) -> _Run:
        d = abcd[3]
        return cls(abcd, size, font, abcd[1] == 0 and abcd[2] == 0,
                   d * (size * descent / 1000), d * (size * (descent / 1000 + 1)))


def _chars(textpage: pdfium.PdfTextPage, height: float, known: FontMetrics) -> list[Char]:
    """The page's characters in content order, PDFium's generated spaces and breaks left out."""
    n = textpage.count_chars()
    text = textpage.get_text_range(0, n) if n else ""
    fonts = _Fonts(known)
    rect, m = pdfium_c.FS_RECTF(), pdfium_c.FS_MATRIX()
    ox, oy, fs = ctypes.c_double(), ctypes.c_double(), ctypes.c_float()
    out: list[Char] = []
    runs: dict[int, _Run] = {}
    tp = textpage.raw
    is_generated, get_unicode = pdfium_c.FPDFText_IsGenerated, pdfium_c.FPDFText_GetUnicode
    loose_box, origin = pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_GetCharOrigin
    object_at = pdfium_calls.text_object_address()
    whole = len(text) == n
    for i in range(n):
        ch = text[i] if whole else chr(get_unicode(tp, i))
        if is_generated(tp, i):
            if ch == " " and out and out[-1]["text"] != " ":  # stands for a space it dropped
                prev = out[-1]
                out.append({**prev, "text": " ", "x0": prev["x1"], "width": 0.0})
            continue
        key = object_at(tp, i)
        if not key:
            continue
        run = runs.get(key)
        if run is None:  # a text object's chars share its matrix, font and size
            obj = pdfium_c.FPDFText_GetTextObject(tp, i)
            pdfium_c.FPDFText_GetMatrix(tp, i, m)
            pdfium_c.FPDFTextObj_GetFontSize(obj, fs)
            run = runs[key] = _Run.of((m.a, m.b, m.c, m.d), fs.value, *fonts.of(obj))
        loose_box(tp, i, rect)
        origin(tp, i, ox, oy)
        out.append(_char("-" if ch in _HYPHENS else ch, rect, run, ox.value, oy.value, height))
    return out


def _char(text: str, rect: Any, run: _Run, e: float, f: float, height: float) -> Char:
    a, b, c, d = run.abcd
    if run.straight:  # pdfminer's box: the advance wide, the font size high
        x0, x1 = rect.left, rect.right
        y0, y1 = f + run.low, f + run.high
        if y1 < y0:
            y0, y1 = y1, y0
    else:  # turned text is read by pdfplumber (``read``); PDFium's own box as a last resort
        x0, x1, y0, y1 = rect.left, rect.right, rect.bottom, rect.top
    top, bottom = height - y1, height - y0
    return {
        "text": text, "fontname": run.font, "x0": x0, "x1": x1, "y0": y0, "y1": y1,
        "top": top, "bottom": bottom, "doctop": top, "width": x1 - x0, "height": y1 - y0,
        "size": y1 - y0 if run.straight else x1 - x0,
        "upright": a * d > 0 and b * c <= 0, "matrix": (a, b, c, d, e, f),
    }


def _mult(m: Matrix, n: Matrix) -> Matrix:
    """``m`` then ``n`` (PDF row-vector convention)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def _matrix(obj: Any) -> Matrix:
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, m):
        return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _objects(page: pdfium.PdfPage) -> Iterator[tuple[int, Any, Matrix]]:
    """Every page object with its type and its matrix to page space, inside forms too."""
    stack: list[tuple[Any, Matrix, int]] = []
    count = pdfium_c.FPDFPage_CountObjects(page.raw)
    top = [(pdfium_c.FPDFPage_GetObject(page.raw, i), None) for i in range(count)]
    ident: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    stack = [(obj, ident, 0) for obj, _ in reversed(top)]
    while stack:
        obj, outer, depth = stack.pop()
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        mat = _mult(_matrix(obj), outer)
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < _MAX_FORM_DEPTH:
            n = pdfium_c.FPDFFormObj_CountObjects(obj)
            kids = [pdfium_c.FPDFFormObj_GetObject(obj, i) for i in range(n)]
            stack.extend((k, mat, depth + 1) for k in reversed(kids))
        yield kind, obj, mat


_MOVETO, _LINETO, _BEZIERTO = (pdfium_c.FPDF_SEGMENT_MOVETO, pdfium_c.FPDF_SEGMENT_LINETO,
                               pdfium_c.FPDF_SEGMENT_BEZIERTO)


def _subpaths(obj: Any, mat: Matrix) -> list[tuple[str, list[Point]]]:
    """The path's subpaths as pdfminer paints them: op letters and end points, in page space."""
    a, b, c, d, e, f = mat
    fx, fy = ctypes.c_float(), ctypes.c_float()
    calls = pdfium_calls.segment_calls()
    get, kind_of, point, closes = calls.get, calls.kind, calls.point, calls.closes
    subs: list[tuple[str, list[Point]]] = []
    shape, pts = "", list[Point]()
    n = pdfium_c.FPDFPath_CountSegments(obj)
    k = 0
    while k < n:
        seg = get(obj, k)
        kind = kind_of(seg)
        if kind == _BEZIERTO:  # two control points, then the end
            k = min(k + 2, n - 1)
            seg = get(obj, k)
        point(seg, fx, fy)
        x, y = fx.value, fy.value
        pt = (a * x + c * y + e, b * x + d * y + f)
        if kind == _MOVETO:
            if shape:
                subs.append((shape, pts))
            shape, pts = "m", [pt]
        elif shape:
            shape += "l" if kind == _LINETO else "c"
            pts.append(pt)
            if closes(seg):
                shape += "h"
                pts.append(pts[0])
        k += 1
    if shape:
        subs.append((shape, pts))
    return [(s, p) for s, p in subs if len(s) > 1]


def _box(pts: list[Point], height: float) -> dict[str, Any]:
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    return {"x0": x0, "x1": x1, "top": height - y1, "bottom": height - y0, "doctop": height - y1,
            "width": x1 - x0, "height": y1 - y0}


def _edges_of(shape: str, pts: list[Point], height: float) -> list[dict[str, Any]]:
    """pdfplumber's edges of one subpath: ``line_to_edge``, ``rect_to_edges``,
    ``curve_to_edges`` on pdfminer's LTLine, LTRect and LTCurve."""
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape, pts = shape[:-1], pts[:-1]
    if shape in {"mlh", "ml"}:
        box = _box(pts[:2], height)
        return [{**box, "object_type": "line",
                 "orientation": "h" if box["top"] == box["bottom"] else "v"}]
    if shape in {"mlllh", "mllll"}:
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (
            y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        if pts[0] == pts[4] and square:
            return _rect_edges(_box(pts, height))
    return _curve_edges(pts, height)


def _rect_edges(box: dict[str, Any]) -> list[dict[str, Any]]:
    top, bottom, x0, x1 = box["top"], box["bottom"], box["x0"], box["x1"]
    h = {"object_type": "rect_edge", "x0": x0, "x1": x1, "width": x1 - x0, "height": 0,
         "orientation": "h"}
    v = {"object_type": "rect_edge", "top": top, "bottom": bottom, "doctop": top,
         "height": bottom - top, "width": 0, "orientation": "v"}
    return [
        {**h, "top": top, "bottom": top, "doctop": top},
        {**h, "top": bottom, "bottom": bottom, "doctop": bottom},
        {**v, "x0": x0, "x1": x0},
        {**v, "x0": x1, "x1": x1},
    ]


def _curve_edges(pts: list[Point], height: float) -> list[dict[str, Any]]:
    out = []
    for p0, p1 in pairwise(pts):
        box = _box([p0, p1], height)
        orient = "v" if p0[0] == p1[0] else ("h" if p0[1] == p1[1] else None)
        out.append({**box, "object_type": "curve_edge", "orientation": orient})
    return out


def read(page: pdfium.PdfPage, fonts: FontMetrics) -> PageContent:
    """Read a page's characters, ruling edges and whether it draws paths or images; ``fonts``
    are the page's ``font_metrics``.

    Raises:
        Unsupported: the page is rotated or offset, or prints turned text (PDFium's text page
            leaves such text out).
    """
    if not supported(page):
        raise Unsupported("rotated or offset page")
    height = float(page.get_height())
    edges: list[dict[str, Any]] = []
    has_paths = has_images = ruled = False
    for kind, obj, mat in _objects(page):
        if kind == pdfium_c.FPDF_PAGEOBJ_TEXT and (mat[1] != 0 or mat[2] != 0):
            raise Unsupported("turned text")
        if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            has_images = True
        elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            subs = _subpaths(obj, mat)
            has_paths = has_paths or bool(subs)
            for shape, pts in subs:
                found = _edges_of(shape, pts, height)
                ruled = ruled or found[0]["object_type"] != "curve_edge"
                edges.extend(found)
    textpage = page.get_textpage()
    try:
        chars = _chars(textpage, height, fonts)
    finally:
        textpage.close()
    return PageContent(chars, edges, has_paths, has_images, ruled)
