"""PDF extractor: ruled tables become cell grids and the remaining text paragraphs, page by page.

pdfplumber looks for ruled tables (lines strategy) only on pages that draw lines or rectangles;
all other characters are grouped into lines and the lines into paragraphs. Tables split across
pages are joined by ``pdf_stitch``. A page that cannot be read becomes a warning, not a failure.
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError

from extractors import (
    pdf_content,
    pdf_dedupe,
    pdf_frames,
    pdf_pairs,
    pdf_scan,
    pdf_sides,
    pdf_stitch,
    pdf_stream,
    pdf_turn,
    text_quality,
)
from extractors.errors import CorruptFile, EmptyFile, EncryptedFile, ExtractionError, ResourceLimit
from extractors.model import Block, Document, Paragraph
from schemas.enums import Format

log = logging.getLogger(__name__)

MAX_PAGES = 2000
DEFAULT_TIME_BUDGET_S = 120.0  # CPU seconds of the reading thread, checked between pages
TABLE_SETTINGS: dict[str, Any] = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
DEFAULT_X_TOLERANCE = 3.0
DEFAULT_Y_TOLERANCE = 3.0
DEFAULT_PARAGRAPH_GAP = 0.6  # a gap above this share of the line height ends a paragraph
DEFAULT_INDENT = 12.0  # a line starting this far right of the previous one opens a paragraph

_PAGE_NUMBER = re.compile(
    r"^[\s\-–—]*(?:стр(?:аница)?\.?\s*)?\d{1,4}(?:\s*(?:из|/)\s*\d+)?[\s\-–—]*$"
)
_FOOTNOTE_RULE = re.compile(r"^[_\s]{5,}$")
_CONTINUED = re.compile(r"^(?:продолжение|окончание)\b", re.IGNORECASE)
_ITEM_START = re.compile(r"^(?:[-–—•·*]\s|\d{1,2}(?:\.\d{1,2})*[.)]\s|[а-яa-z]\)\s)")
_SENTENCE_END = (".", ":", ";", "!", "?", "»", '"')

Char = dict[str, Any]


@dataclass(frozen=True, slots=True)
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    first_word: float


@dataclass(frozen=True, slots=True)
class _Item:
    """A block found on a page before numbering: paragraph text or a table fragment."""

    top: float
    text: str = ""
    frag: pdf_stitch.Fragment | None = None


@dataclass(frozen=True, slots=True)
class _PageRead:
    items: tuple[_Item, ...]
    has_text: bool
    blank: bool
    warnings: tuple[str, ...] = ()
    carry: tuple[float, ...] | None = None  # cell edges of an unruled table ending the page


class _PageUnreadable(Exception):
    """A page whose content cannot be parsed at all."""


def _line(words: list[dict[str, Any]]) -> _Line:
    words = sorted(words, key=lambda w: w["x0"])
    chars = [c for w in words for c in w["chars"]]
    size = Counter(round(float(c["size"]), 1) for c in chars).most_common(1)[0][0]
    bold = sum("bold" in c["fontname"].lower() for c in chars) * 2 > len(chars)
    return _Line(
        text=" ".join(w["text"] for w in words),
        x0=words[0]["x0"],
        x1=words[-1]["x1"],
        top=min(w["top"] for w in words),
        bottom=max(w["bottom"] for w in words),
        size=size,
        bold=bold,
        first_word=words[0]["x1"] - words[0]["x0"],
    )


def _lines(groups: list[list[dict[str, Any]]]) -> list[_Line]:
    """Text lines, top to bottom, of the word groups ``pdf_stream.word_lines`` made."""
    return sorted((_line(g) for g in groups), key=lambda ln: ln.top)


def _opens(text: str) -> bool:
    """Tell whether a line starts like a new statement: capital, bullet or enumeration."""
    return text[:1].isupper() or bool(_ITEM_START.match(text))


def _breaks(prev: _Line, line: _Line, right: float) -> bool:
    """Tell whether ``line`` opens a new paragraph after ``prev``."""
    height = max(prev.bottom - prev.top, 1.0)
    flush = prev.x1 >= right - 2 * DEFAULT_X_TOLERANCE
    fits = prev.x1 + 0.3 * prev.size + line.first_word < right - DEFAULT_X_TOLERANCE
    return (
        line.top - prev.bottom > DEFAULT_PARAGRAPH_GAP * height
        or abs(line.size - prev.size) > 0.5
        or line.bold != prev.bold
        or line.x0 > prev.x0 + DEFAULT_INDENT
        or (_opens(line.text) and (fits or (prev.text.endswith(_SENTENCE_END) and not flush)))
    )


def _right_edge(lines: list[_Line]) -> float:
    """Find the text's right margin: where justified lines end, else the longest line's end."""
    ends = Counter(round(ln.x1) for ln in lines)
    edge, count = ends.most_common(1)[0] if ends else (0, 0)
    widest = max((ln.x1 for ln in lines), default=0.0)
    return float(edge) + 1 if count >= 3 and edge >= 0.8 * widest else widest


def _join(a: str, b: str) -> str:
    if len(a) > 1 and a.endswith("-") and a[-2].isalpha():
        return a + b
    return f"{a} {b}"


def _paragraphs(lines: list[_Line]) -> list[_Item]:
    """Group text lines into paragraphs by gaps, font changes, indents and short lines."""
    right = _right_edge(lines)
    items: list[_Item] = []
    prev: _Line | None = None
    for ln in lines:
        if prev is not None and items and not _breaks(prev, ln, right):
            items[-1] = replace(items[-1], text=_join(items[-1].text, ln.text))
        else:
            items.append(_Item(top=ln.top, text=ln.text))
        prev = ln
    return items


def _running_texts(reads: list[tuple[int, _PageRead]]) -> set[str]:
    """Find running headers and footers: paragraph texts printed on at least three pages."""
    pages: dict[str, set[int]] = {}
    for page_no, read in reads:
        for it in read.items:
            if it.frag is None:
                pages.setdefault(it.text, set()).add(page_no)
    return {text for text, on in pages.items() if len(on) >= 3}


def _is_furniture(text: str, running: set[str]) -> bool:
    """Tell page numbers, running titles and 'continued' captions, which may split a table."""
    if text in running or _PAGE_NUMBER.match(text):
        return True
    return len(text) <= 40 and bool(_CONTINUED.match(text))


def _mark_edges(items: Sequence[_Item], running: set[str]) -> list[_Item]:
    """Flag the table fragments that open or close their page's content."""
    tables = [i for i, it in enumerate(items) if it.frag is not None]
    rules = [i for i, it in enumerate(items) if _FOOTNOTE_RULE.match(it.text)]
    rule = next((i for i in rules if tables and i > tables[-1]), len(items))
    body = [  # footnotes under a rule of underscores after the last table are not content
        i
        for i, it in enumerate(items[:rule])
        if it.frag is not None or not _is_furniture(it.text, running)
    ]
    first, last = (body[0], body[-1]) if body else (-1, -1)
    out = list(items)
    for i, it in enumerate(items):
        if it.frag is not None:
            frag = replace(it.frag, first_on_page=i == first, last_on_page=i == last)
            out[i] = replace(it, frag=frag)
    return out


def _read_page(page: Any, page_no: int, carry: tuple[float, ...] | None = None,
               doc: Any = None) -> _PageRead:
    """Read one page into table fragments and paragraphs ordered top to bottom; ``carry``
    are the cell edges of an unruled table that ended the page before; ``doc`` the PDFium
    document the page's content is read from (None: pdfplumber reads it)."""
    bad, total = pdf_content.damaged_streams(page)
    if bad and bad == total:
        raise _PageUnreadable("its content stream is damaged and cannot be decompressed")
    notes = []
    if bad:
        notes.append(f"page {page_no} was read only in part: {bad} of {total} streams damaged")
    content = pdf_content.read(page, None if bad else doc, page_no - 1)
    content = pdf_turn.upright(content, float(page.width), float(page.height))
    chars = pdf_dedupe.dedupe(content.chars)
    has_text = any(c["text"].strip() for c in chars)
    items: list[_Item] = []
    if has_text and content.ruled:
        for cells, bbox in pdf_content.table_cells(content, TABLE_SETTINGS, chars):
            if len(cells) < 2 or pdf_frames.frames_unruled(cells, chars):
                continue
            cells = [*cells, *pdf_sides.left_column(cells, chars)]
            frag, rest = pdf_stitch.fragment(cells, chars, page_no)
            if any(c.text for c in frag.table.cells):  # all-empty grids are frames or charts
                items.append(_Item(top=bbox[1], frag=frag))
                chars = rest
    groups = pdf_stream.word_lines(chars, DEFAULT_X_TOLERANCE, DEFAULT_Y_TOLERANCE)
    stream: list[pdf_stream.StreamTable] = []
    if has_text:
        stream, chars = pdf_stream.tables(groups, chars, page_no, carry)
        items.extend(_Item(top=t.top, frag=t.fragment) for t in stream)
    if stream:  # their words are gone from the text
        groups = pdf_stream.word_lines(chars, DEFAULT_X_TOLERANCE, DEFAULT_Y_TOLERANCE)
    if has_text:
        pairs, chars = pdf_pairs.tables(groups, chars, page_no)
        if pairs:
            items.extend(_Item(top=t.top, frag=t.fragment) for t in pairs)
            stream.extend(pairs)
            groups = pdf_stream.word_lines(chars, DEFAULT_X_TOLERANCE, DEFAULT_Y_TOLERANCE)
    items.extend(_paragraphs(_lines(groups)))
    items.sort(key=lambda it: it.top)
    ends = [t for t in stream if items and items[-1].frag is t.fragment]  # may go on overleaf
    blank = not (content.has_images or content.has_paths)
    if not has_text and not blank:
        notes.append(f"page {page_no} has no text layer (scanned image?)")
    return _PageRead(tuple(items), has_text, blank, tuple(notes), ends[0].xs if ends else None)


PAGE_ERRORS: tuple[type[Exception], ...] = (_PageUnreadable, *pdf_content.PDF_ERRORS)


def _open(path: Path) -> Any:
    """Open the PDF with pdfplumber, mapping password protection and broken structure to errors."""
    try:
        pdf = pdfplumber.open(path)
    except pdf_content.PDF_ERRORS as exc:
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        if isinstance(cause, PDFEncryptionError):
            raise EncryptedFile(
                str(path), "the PDF is password-protected; cannot be opened without the password"
            ) from None
        raise CorruptFile(
            str(path), f"broken PDF: its structure cannot be read ({pdf_content.describe(cause)})"
        ) from None
    return pdf


def _close(pdf: Any) -> None:
    """Close the pages already built and the file, without ``pdf.close()``: that walks the
    page tree again through ``pdf.pages``, which on a self-referencing tree loops after the
    time limit has already stopped the first walk."""
    for page in getattr(pdf, "_pages", ()):
        page.close()
    if not pdf.stream_is_external:
        pdf.stream.close()


def _page_count(path: Path, pdf: Any, max_pages: int) -> int:
    try:
        n = len(pdf.pages)
    except pdf_content.PDF_ERRORS as exc:
        raise CorruptFile(
            str(path), f"broken PDF: its page tree cannot be read ({pdf_content.describe(exc)})"
        ) from None
    if n > max_pages:
        raise ResourceLimit(str(path), f"the PDF has {n} pages, more than the limit of {max_pages}")
    return n


def _read_pages(
    path: Path, pdf: Any, n: int, budget_s: float
) -> tuple[list[tuple[int, _PageRead]], list[str]]:
    doc = pdf_content.open_pdfium(str(path), n)
    try:
        return _read_each(path, pdf, doc, n, budget_s)
    finally:
        if doc is not None:
            doc.close()


def _read_each(
    path: Path, pdf: Any, doc: Any, n: int, budget_s: float
) -> tuple[list[tuple[int, _PageRead]], list[str]]:
    """Read every page within the time budget; unreadable pages become warnings."""
    start = time.thread_time()
    reads: list[tuple[int, _PageRead]] = []
    warnings: list[str] = []
    for page_no, page in enumerate(pdf.pages, start=1):
        if time.thread_time() - start > budget_s:
            raise ResourceLimit(
                str(path),
                f"reading the PDF used more than its budget of {budget_s:g} s of CPU time "
                f"(stopped before page {page_no} of {n})",
            )
        carry = reads[-1][1].carry if reads and reads[-1][0] == page_no - 1 else None
        try:
            read = _read_page(page, page_no, carry, doc)
        except ExtractionError:
            raise
        except PAGE_ERRORS as exc:  # one bad page must not lose the others
            log.warning("%s: page %d unreadable: %r", path, page_no, exc)
            warnings.append(f"page {page_no} could not be read: {pdf_content.describe(exc)}")
            continue
        finally:
            page.close()
        reads.append((page_no, read))
        warnings.extend(read.warnings)
    return reads, warnings


def _layer_texts(reads: list[tuple[int, _PageRead]]) -> Iterator[str]:
    """The text of the pages read, item by item: paragraphs and table cells."""
    for _, read in reads:
        for it in read.items:
            if it.frag is None:
                yield it.text
            else:
                yield from (c.text for c in it.frag.table.cells)


def _assemble(reads: list[tuple[int, _PageRead]]) -> tuple[Block, ...]:
    """Number paragraphs per page and tables in document order, after stitching."""
    running = _running_texts(reads)
    pages = [(page_no, _mark_edges(read.items, running)) for page_no, read in reads]
    frags = [it.frag for _, items in pages for it in items if it.frag is not None]
    heads = dict(pdf_stitch.stitch(frags))
    blocks: list[Block] = []
    frag_i = n_tables = 0
    for page_no, items in pages:
        n_par = 0
        for it in items:
            if it.frag is None:
                n_par += 1
                loc = f"page {page_no} paragraph {n_par}"
                blocks.append(Paragraph(it.text, loc, page=page_no))
                continue
            table = heads.get(frag_i)
            frag_i += 1
            if table is not None:
                n_tables += 1
                blocks.append(replace(table, locator=f"table {n_tables}"))
    return tuple(blocks)


def extract(
    path: Path, *, time_budget_s: float = DEFAULT_TIME_BUDGET_S, max_pages: int = MAX_PAGES,
    memory_mb: int | None = None, ocr_time_s: float | None = None,
    ocr_page_s: float | None = None,
) -> Document:
    """Read a PDF into paragraphs and stitched tables, page by page (a scan by OCR within
    ``ocr_time_s`` and ``ocr_page_s``, its converters capped by ``memory_mb``, the worker's
    memory limit).

    Raises:
        EmptyFile: the file has no bytes, or no page has any content.
        EncryptedFile: the PDF needs a password.
        CorruptFile: the PDF structure is broken, or no page can be read.
        ResourceLimit: too many pages, or reading exceeds ``time_budget_s``.
        NoTextLayer: no page has text (scanned images) and OCR is unavailable.
    """
    if path.stat().st_size == 0:
        raise EmptyFile(str(path), "empty file (0 bytes)")
    pdf = _open(path)
    try:
        n = _page_count(path, pdf, max_pages)
        reads, warnings = _read_pages(path, pdf, n, time_budget_s)
    finally:
        _close(pdf)
    if not reads:
        raise CorruptFile(str(path), f"broken PDF: none of its {n} page(s) could be read")
    if not any(r.has_text for _, r in reads):
        if all(r.blank for _, r in reads):
            raise EmptyFile(str(path), f"the PDF has no text or images on any of its {n} page(s)")
        return pdf_scan.read_as_scan(path, n, memory_mb, ocr_time_s, ocr_page_s)
    if text_quality.garbled(_layer_texts(reads)):
        return pdf_scan.read_as_scan(path, n, memory_mb, ocr_time_s, ocr_page_s,
                                     pdf_scan.GARBLED_LAYER)
    return Document(str(path), Format.PDF, _assemble(reads), pages=n, warnings=tuple(warnings))
