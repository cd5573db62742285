"""A PDF page's characters, ruling edges and drawing, read by PDFium or else by pdfplumber.

PDFium (``pdfium_page``) reads the content streams in C++; pdfplumber (pdfminer) is kept for
the document's structure (opening, passwords, the page tree, damaged streams, font
dictionaries) and for the pages PDFium would read differently (rotated or offset pages,
turned text), and its table finder runs on the edges either reader gives.
"""

from __future__ import annotations

import logging
import struct
import zlib
from typing import Any

import pypdfium2 as pdfium
from pdfminer.pdfexceptions import PDFException
from pdfminer.pdftypes import LITERALS_FLATE_DECODE, PDFStream, resolve1
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import PdfminerException

from extractors import pdfium_page
from extractors.pdf_cells import FastTableFinder
from extractors.pdfium_page import PageContent

log = logging.getLogger(__name__)

# What pdfium and pdfminer (under pdfplumber) raise on a damaged file: their own errors
# (pdfplumber wraps pdfminer's in PdfminerException when it opens a file), and the plain
# Python errors pdfminer's parser lets escape on malformed objects and streams. Our own errors
# (``ExtractionError``) and the worker's time limit are never among them.
PDF_ERRORS: tuple[type[Exception], ...] = (
    PDFException, PSException, PdfminerException, ValueError, KeyError, TypeError, IndexError,
    AttributeError, AssertionError, ArithmeticError, RecursionError, EOFError, OSError,
    zlib.error, struct.error, pdfium.PdfiumError)


def describe(exc: BaseException) -> str:
    """A reader's error, short, for a warning or a failed row."""
    return (str(exc).strip() or type(exc).__name__)[:200]



class _Edges:
    """What pdfplumber's ``TableFinder`` reads of a page when its strategies are lines."""

    def __init__(self, edges: list[dict[str, Any]]) -> None:
        self.edges = edges


def open_pdfium(path: str, n_pages: int) -> pdfium.PdfDocument | None:
    """The PDF opened by PDFium, or None when PDFium cannot (or counts other pages)."""
    try:
        doc = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        log.info("%s: PDFium cannot open it (%s), reading with pdfplumber", path, exc)
        return None
    if len(doc) != n_pages:
        log.info("%s: PDFium counts %d pages, pdfminer %d: reading with pdfplumber",
                 path, len(doc), n_pages)
        doc.close()
        return None
    return doc


def damaged_streams(page: Any) -> tuple[int, int]:
    """Count the page's Flate content streams that cannot be inflated, out of all its streams."""
    streams = [resolve1(s) for s in page.page_obj.contents]
    streams = [s for s in streams if isinstance(s, PDFStream)]
    bad = 0
    for s in streams:
        filters = s.get_filters()
        if s.rawdata is None or not filters or filters[0][0] not in LITERALS_FLATE_DECODE:
            continue
        data = s.rawdata
        if s.decipher:
            data = s.decipher(s.objid, s.genno, data, s.attrs)
        try:
            zlib.decompressobj().decompress(data)
        except zlib.error:
            bad += 1
    return bad, len(streams)


def _decodes(page: Any) -> bool:
    """Tell whether every content stream of the page decodes through its filters, as pdfminer
    decodes it (it caches the data): PDFium reads a stream that does not as empty, where
    pdfplumber fails the page, which then becomes a warning."""
    for s in page.page_obj.contents:
        stream = resolve1(s)
        if not isinstance(stream, PDFStream):
            continue
        try:
            stream.get_data()
        except Exception:  # any decoder's error: pdfplumber reads the page and reports it
            return False
    return True


def read(plumber_page: Any, doc: pdfium.PdfDocument | None, index: int) -> PageContent:
    """Read page ``index`` with PDFium when it can, else with pdfplumber."""
    if doc is not None and _decodes(plumber_page):
        page = doc[index]
        try:
            fonts = pdfium_page.font_metrics(plumber_page.page_obj.resources)
            return pdfium_page.read(page, fonts)
        except pdfium_page.Unsupported as exc:
            log.debug("page %d read with pdfplumber: %s", index + 1, exc)
        finally:
            page.close()
    p = plumber_page
    return PageContent(p.chars, p.edges, bool(p.rects or p.lines or p.curves), bool(p.images),
                       bool(p.lines or p.rects))


def table_cells(content: PageContent, settings: dict[str, Any],
                chars: list[dict[str, Any]] | None = None) -> list[tuple[Any, Any]]:
    """``(cells, bbox)`` of each ruled table the page's edges draw (pdfplumber's finder),
    a table nested in a cell of another first (it takes its own text, the outer cell keeps
    the rest): a grid inside another one's box, of two columns at least, text in most of
    its cells (``chars`` the page's; None: no grid goes first)."""
    finder = FastTableFinder(_Edges(content.edges), settings)
    found = [(t.cells, t.bbox) for t in finder.tables]
    if chars is None or len(found) < 2:
        return found
    return sorted(found, key=lambda t: not (
        any(_within(t[1], o[1]) for o in found if o is not t) and _filled_grid(t[0], chars)))


def _within(inner: Any, outer: Any) -> bool:
    """``inner`` box lies inside ``outer`` (and is smaller)."""
    return (inner[0] >= outer[0] and inner[1] >= outer[1] and inner[2] <= outer[2]
            and inner[3] <= outer[3] and tuple(inner) != tuple(outer))


def _filled_grid(cells: list[Any], chars: list[dict[str, Any]]) -> bool:
    """Two columns at least, and text in most cells (a chart's plot grid has little)."""
    if len({round(c[0]) for c in cells}) < 2:
        return False
    left, top_ = min(c[0] for c in cells), min(c[1] for c in cells)
    right, low = max(c[2] for c in cells), max(c[3] for c in cells)
    centres = [(x, y) for x, y in (((c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2)
                                   for c in chars if c["text"].strip())
               if left <= x <= right and top_ <= y <= low]
    filled = sum(any(x0 <= x <= x1 and top <= y <= bottom for x, y in centres)
                 for x0, top, x1, bottom in cells)
    return filled * 2 > len(cells)
