"""PDF extractor: ruled tables become cell grids and the remaining text paragraphs, page by page.

pdfplumber looks for ruled tables (lines strategy) only on pages that draw lines or rectangles;
all other characters are grouped into lines and the lines into paragraphs. Tables split across
pages are joined by ``pdf_stitch``. A page that cannot be read becomes a warning, not a failure.
"""

from __future__ import annotations

import logging
import re
import time
import zlib
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError
from pdfminer.pdftypes import LITERALS_FLATE_DECODE, PDFStream, resolve1
from pdfplumber.utils import cluster_objects, extract_text, extract_words

from extractors import pdf_stitch
from extractors.errors import CorruptFile, EmptyFile, EncryptedFile, NoTextLayer, ResourceLimit
from extractors.model import Block, Cell, Document, Paragraph, Table
from schemas.enums import Format

log = logging.getLogger(__name__)

MAX_PAGES = 2000
DEFAULT_TIME_BUDGET_S = 120.0
TABLE_SETTINGS: dict[str, Any] = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
DEFAULT_SNAP = 2.0
"""Cell edges closer than this (points) are one grid line."""
DEFAULT_X_TOLERANCE = 3.0
DEFAULT_Y_TOLERANCE = 3.0
DEFAULT_PARAGRAPH_GAP = 0.6
"""A vertical gap above this share of the line height starts a new paragraph."""
DEFAULT_INDENT = 12.0
"""A line starting this many points right of the previous one opens a paragraph."""
DEFAULT_OVERFLOW = 0.1
"""A cell's first line starting this share of its font size above the cell is clipped text."""

_PAGE_NUMBER = re.compile(
    r"^[\s\-–—]*(?:стр(?:аница)?\.?\s*)?\d{1,4}(?:\s*(?:из|/)\s*\d+)?[\s\-–—]*$"
)
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
    warning: str | None = None


class _PageUnreadable(Exception):
    """A page whose content cannot be parsed at all."""


def _no_text_layer(path: Path, n_pages: int) -> Document:
    """Handle a PDF none of whose pages has a text layer: for now refuse it.

    OCR HOOK: an OCR helper replaces this module-level function (same signature) with one
    that reads the page images and returns a Document instead of raising.
    """
    raise NoTextLayer(
        str(path),
        f"the PDF has no text layer (its {n_pages} page(s) look like scanned images); "
        "OCR is needed to read it",
    )


def _axis(values: Sequence[float], snap: float = DEFAULT_SNAP) -> list[float]:
    """Cluster cell-edge coordinates into the grid lines of a table."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > snap:
            out.append(v)
    return out


def _nearest(axis: Sequence[float], v: float) -> int:
    return min(range(len(axis)), key=lambda i: abs(axis[i] - v))


def _grid(
    bboxes: Sequence[tuple[float, float, float, float]],
) -> tuple[list[float], list[float], list[tuple[int, int, int, int]]]:
    """Resolve cell bboxes to grid lines and ``(row, col, row_span, col_span)`` per cell."""
    xs = _axis([b[0] for b in bboxes] + [b[2] for b in bboxes])
    ys = _axis([b[1] for b in bboxes] + [b[3] for b in bboxes])
    spans = []
    for x0, top, x1, bottom in bboxes:
        col, row = _nearest(xs, x0), _nearest(ys, top)
        spans.append((row, col, max(1, _nearest(ys, bottom) - row), max(1, _nearest(xs, x1) - col)))
    return xs, ys, spans


def _center_cell(
    ch: Char, xs: list[float], ys: list[float], cover: dict[tuple[int, int], int]
) -> int | None:
    x, y = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
    if not (xs[0] <= x <= xs[-1] and ys[0] <= y <= ys[-1]):
        return None
    return cover.get((bisect_right(ys, y) - 1, bisect_right(xs, x) - 1))


def _visible(chars: list[Char]) -> list[Char]:
    return [c for c in chars if c["text"].strip()]


def _first_line(chars: list[Char]) -> list[Char]:
    top = min(c["top"] for c in chars)
    return [c for c in chars if c["top"] - top < 0.5]


def _is_overflow(line: list[Char], above: list[Char], cell_top: float) -> bool:
    """Tell whether a cell's first line is the clipped continuation of the cell above.

    LibreOffice draws a repeated header's extra lines into the next row, where the PDF clips
    them away; such a line starts above the cell's border, in the font of the cell above.
    """
    last_top = max(c["top"] for c in above)
    last = next(c for c in above if c["top"] == last_top)
    first = line[0]
    size = float(first["size"]) or 1.0
    return (
        (first["fontname"], first["size"]) == (last["fontname"], last["size"])
        and first["top"] < cell_top - DEFAULT_OVERFLOW * size
        and 0 < first["top"] - last_top <= 1.6 * size
    )


def _drop_overflow(
    texts: dict[int, list[Char]],
    spans: list[tuple[int, int, int, int]],
    cover: dict[tuple[int, int], int],
    ys: list[float],
) -> None:
    """Remove clipped header lines that spill into the first row under a repeated header."""
    drops: dict[int, set[int]] = {}
    for k, (row, col, _, _) in enumerate(spans):
        above = cover.get((row - 1, col))
        if row == 0 or above is None:
            continue
        mine, theirs = _visible(texts.get(k, [])), _visible(texts.get(above, []))
        if mine and theirs and _is_overflow(_first_line(mine), theirs, ys[row]):
            top = min(c["top"] for c in mine)
            drops[k] = {id(c) for c in texts[k] if c["top"] - top < 0.5}
    for k, ids in drops.items():
        texts[k] = [c for c in texts[k] if id(c) not in ids]


def _cell_text(chars: list[Char]) -> str:
    text = extract_text(chars, x_tolerance=DEFAULT_X_TOLERANCE, y_tolerance=DEFAULT_Y_TOLERANCE)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _table(found: Any, chars: list[Char], page_no: int) -> tuple[pdf_stitch.Fragment, list[Char]]:
    """Turn a pdfplumber table into a Fragment; also return the chars it did not claim."""
    xs, ys, spans = _grid(found.cells)
    cover: dict[tuple[int, int], int] = {}
    for k, (row, col, rs, cs) in enumerate(spans):
        for r in range(row, row + rs):
            for c in range(col, col + cs):
                cover.setdefault((r, c), k)
    texts: dict[int, list[Char]] = {}
    rest: list[Char] = []
    for ch in chars:
        k = _center_cell(ch, xs, ys, cover)
        if k is None:
            rest.append(ch)
        else:
            texts.setdefault(k, []).append(ch)
    _drop_overflow(texts, spans, cover, ys)
    seen: set[tuple[int, int]] = set()
    cells = []
    for k, (row, col, rs, cs) in enumerate(spans):
        if (row, col) not in seen:
            seen.add((row, col))
            cells.append(Cell(row, col, _cell_text(texts.get(k, [])), rs, cs))
    cells.sort(key=lambda c: (c.row, c.col))
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    table = Table(n_rows, n_cols, tuple(cells), "", row_pages=(page_no,) * n_rows)
    return pdf_stitch.Fragment(table, page_no, tuple(xs)), rest


def _line(words: list[dict[str, Any]]) -> _Line:
    words = sorted(words, key=lambda w: w["x0"])
    chars = [c for w in words for c in w["chars"]]
    size = max(float(c["size"]) for c in chars)
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


def _lines(chars: list[Char]) -> list[_Line]:
    """Group characters into words and words into text lines, top to bottom."""
    words = extract_words(
        chars,
        return_chars=True,
        x_tolerance=DEFAULT_X_TOLERANCE,
        y_tolerance=DEFAULT_Y_TOLERANCE,
    )
    groups = cluster_objects(words, "top", DEFAULT_Y_TOLERANCE)
    return sorted((_line(g) for g in groups), key=lambda ln: ln.top)


def _opens(text: str) -> bool:
    """Tell whether a line starts like a new statement: capital, bullet or enumeration."""
    return text[:1].isupper() or bool(_ITEM_START.match(text))


def _breaks(prev: _Line, line: _Line, right: float) -> bool:
    """Tell whether ``line`` opens a new paragraph after ``prev``."""
    height = max(prev.bottom - prev.top, 1.0)
    ends = prev.text.endswith(_SENTENCE_END)
    fits = prev.x1 + 0.3 * prev.size + line.first_word < right - DEFAULT_X_TOLERANCE
    return (
        line.top - prev.bottom > DEFAULT_PARAGRAPH_GAP * height
        or abs(line.size - prev.size) > 0.5
        or line.bold != prev.bold
        or line.x0 > prev.x0 + DEFAULT_INDENT
        or (_opens(line.text) and (ends or fits))
    )


def _join(a: str, b: str) -> str:
    if len(a) > 1 and a.endswith("-") and a[-2].isalpha():
        return a + b
    return f"{a} {b}"


def _paragraphs(lines: list[_Line]) -> list[_Item]:
    """Group text lines into paragraphs by gaps, font changes, indents and short lines."""
    right = max((ln.x1 for ln in lines), default=0.0)
    items: list[_Item] = []
    prev: _Line | None = None
    for ln in lines:
        if prev is not None and items and not _breaks(prev, ln, right):
            items[-1] = replace(items[-1], text=_join(items[-1].text, ln.text))
        else:
            items.append(_Item(top=ln.top, text=ln.text))
        prev = ln
    return items


def _is_furniture(text: str) -> bool:
    """Tell page numbers and 'continued' captions, which may sit between a table's parts."""
    return bool(_PAGE_NUMBER.match(text)) or (len(text) <= 40 and bool(_CONTINUED.match(text)))


def _mark_edges(items: list[_Item]) -> list[_Item]:
    """Flag the table fragments that open or close their page's content."""
    body = [i for i, it in enumerate(items) if it.frag is not None or not _is_furniture(it.text)]
    out = list(items)
    for i, it in enumerate(items):
        if it.frag is not None:
            frag = replace(it.frag, first_on_page=i == body[0], last_on_page=i == body[-1])
            out[i] = replace(it, frag=frag)
    return out


def _damaged_streams(page: Any) -> tuple[int, int]:
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


def _dedupe(chars: list[Char]) -> list[Char]:
    """Drop characters printed twice at one place (fake bold, shadows), within one point."""
    seen: dict[tuple[Any, ...], list[Char]] = {}
    out = []
    for c in chars:
        gx, gy = round(c["x0"]), round(c["top"])
        near = (
            o
            for dx in (-1, 0, 1)
            for dy in (-1, 0, 1)
            for o in seen.get((c["text"], c["fontname"], c["size"], gx + dx, gy + dy), ())
        )
        if any(abs(o["x0"] - c["x0"]) <= 1 and abs(o["top"] - c["top"]) <= 1 for o in near):
            continue
        seen.setdefault((c["text"], c["fontname"], c["size"], gx, gy), []).append(c)
        out.append(c)
    return out


def _read_page(page: Any, page_no: int) -> _PageRead:
    """Read one page into table fragments and paragraphs ordered top to bottom."""
    bad, total = _damaged_streams(page)
    if bad and bad == total:
        raise _PageUnreadable("its content stream is damaged and cannot be decompressed")
    warning = None
    if bad:
        warning = f"page {page_no} was read only in part: {bad} of {total} content streams damaged"
    chars = _dedupe(page.chars)
    has_text = any(c["text"].strip() for c in chars)
    items: list[_Item] = []
    if has_text and (page.lines or page.rects):
        for found in page.find_tables(TABLE_SETTINGS):
            if len(found.cells) < 2:
                continue
            frag, chars = _table(found, chars, page_no)
            items.append(_Item(top=found.bbox[1], frag=frag))
    items.extend(_paragraphs(_lines(chars)))
    items.sort(key=lambda it: it.top)
    blank = not (page.images or page.rects or page.lines or page.curves)
    return _PageRead(tuple(_mark_edges(items)), has_text, blank, warning)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."


def _open(path: Path) -> Any:
    """Open the PDF with pdfplumber, mapping password protection and broken structure to errors."""
    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        if isinstance(cause, PDFEncryptionError):
            raise EncryptedFile(
                str(path), "the PDF is password-protected; cannot be opened without the password"
            ) from None
        raise CorruptFile(
            str(path), f"broken PDF: its structure cannot be read ({_describe(cause)})"
        ) from None
    return pdf


def _page_count(path: Path, pdf: Any, max_pages: int) -> int:
    try:
        n = len(pdf.pages)
    except Exception as exc:
        raise CorruptFile(
            str(path), f"broken PDF: its page tree cannot be read ({_describe(exc)})"
        ) from None
    if n > max_pages:
        raise ResourceLimit(str(path), f"the PDF has {n} pages, more than the limit of {max_pages}")
    return n


def _read_pages(
    path: Path, pdf: Any, n: int, budget_s: float
) -> tuple[list[tuple[int, _PageRead]], list[str]]:
    """Read every page within the time budget; unreadable pages become warnings."""
    start = time.monotonic()
    reads: list[tuple[int, _PageRead]] = []
    warnings: list[str] = []
    for page_no, page in enumerate(pdf.pages, start=1):
        if time.monotonic() - start > budget_s:
            raise ResourceLimit(
                str(path),
                f"reading the PDF took longer than the {budget_s:g} s budget "
                f"(stopped at page {page_no} of {n})",
            )
        try:
            read = _read_page(page, page_no)
        except Exception as exc:  # one bad page must not lose the others
            log.warning("%s: page %d unreadable: %r", path, page_no, exc)
            warnings.append(f"page {page_no} could not be read: {_describe(exc)}")
            continue
        finally:
            page.close()
        reads.append((page_no, read))
        if read.warning:
            warnings.append(read.warning)
    return reads, warnings


def _assemble(reads: list[tuple[int, _PageRead]]) -> tuple[Block, ...]:
    """Number paragraphs per page and tables in document order, after stitching."""
    frags = [it.frag for _, r in reads for it in r.items if it.frag is not None]
    heads = dict(pdf_stitch.stitch(frags))
    blocks: list[Block] = []
    frag_i = n_tables = 0
    for page_no, read in reads:
        n_par = 0
        for it in read.items:
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
    path: Path, *, time_budget_s: float = DEFAULT_TIME_BUDGET_S, max_pages: int = MAX_PAGES
) -> Document:
    """Read a PDF into paragraphs and stitched tables, page by page.

    Raises:
        EmptyFile: the file has no bytes, or no page has any content.
        EncryptedFile: the PDF needs a password.
        CorruptFile: the PDF structure is broken, or no page can be read.
        ResourceLimit: too many pages, or reading exceeds ``time_budget_s``.
        NoTextLayer: no page has text (scanned images) and OCR is unavailable.
    """
    if path.stat().st_size == 0:
        raise EmptyFile(str(path), "empty file (0 bytes)")
    with _open(path) as pdf:
        n = _page_count(path, pdf, max_pages)
        reads, warnings = _read_pages(path, pdf, n, time_budget_s)
    if not reads:
        raise CorruptFile(str(path), f"broken PDF: none of its {n} page(s) could be read")
    if not any(r.has_text for _, r in reads):
        if all(r.blank for _, r in reads):
            raise EmptyFile(str(path), f"the PDF has no text or images on any of its {n} page(s)")
        return _no_text_layer(path, n)
    for page_no, read in reads:
        if not read.has_text and not read.blank:
            warnings.append(f"page {page_no} has no text layer (scanned image?)")
    warnings.sort(key=_page_of)
    return Document(str(path), Format.PDF, _assemble(reads), pages=n, warnings=tuple(warnings))


def _page_of(warning: str) -> int:
    m = re.match(r"page (\d+)", warning)
    return int(m.group(1)) if m else 0
