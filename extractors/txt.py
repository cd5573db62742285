"""TXT extractor: plain-text dumps of DOCX/PDF reports, with their flattened tables rebuilt.

Two table conventions occur in the dumps and both are read:

* cell per line: every cell starts on a new line with a tab; the lines after it without a
  tab continue that cell (a blank line between them is an empty paragraph of the cell); a
  row's cells are followed by one blank line. A cell's trailing empty paragraphs also give
  blank lines, so rows are rebuilt by grouping the blank-separated chunks of cells so that
  each row fills the table's width. A row lists every cell once, so a short row has merged
  cells: a single cell spans the width, and a header row over a full-width row gets its
  column spans from the empty (vertically merged) and filled (sub-header) cells below it.
* row per line: cells separated by tabs on one line, rows on consecutive lines.

Every other non-blank line is a Paragraph located by its 1-based line number.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass
from itertools import chain, product
from pathlib import Path

from extractors.encoding import MAX_TEXT_BYTES, decode
from extractors.errors import CorruptFile, ResourceLimit
from extractors.model import Block, Cell, Document, Paragraph, Table
from schemas.enums import Format

log = logging.getLogger(__name__)

BLANK, TEXT, CELL, ROW = range(4)  # line kinds: empty, no tab, leading tab, inner tabs only
MAX_ROW_GAP = 3  # blank lines allowed between the rows of a row-per-line table
MAX_CELL_GAP = 3  # blank lines allowed inside a cell of an unfinished row
MODE_WINDOW = 40  # lines looked at to tell the two table conventions apart
MERGE_COST, PAGE_MERGE_COST = 1.05, 2.5  # cost of joining two chunks of cells into one row
MAX_SPAN_RUNS = 10
BREAK_RE = re.compile(r"<br\s*/?>|</p>\s*<p(?:\s[^<>]*)?>", re.IGNORECASE)
TAG_RE = re.compile(
    r"</?(?:p|i|b|u|s|em|strong|span|div|font|sup|sub)(?:\s[^<>]*)?/?>", re.IGNORECASE
)
ENTITY_RE = re.compile(r"&(?:nbsp|laquo|raquo|quot|amp|lt|gt|mdash|ndash|#\d{1,5});")
YEAR_CELL_RE = re.compile(r"(?:19|20)\d\d\s*(?:г\.?|год)?")
NUMBER_CELL_RE = re.compile(r"[\d\s.,%]+")


@dataclass(slots=True)
class _Lines:
    text: list[str]
    kinds: list[int]
    pages: list[int] | None

    def skip_blank(self, j: int) -> int:
        """Index of the first non-blank line at or after ``j``."""
        while j < len(self.kinds) and self.kinds[j] == BLANK:
            j += 1
        return j

    def text_end(self, j: int) -> int:
        """Index after the run of tab-less non-blank lines starting at ``j``."""
        while j < len(self.kinds) and self.kinds[j] in (TEXT, ROW):
            j += 1
        return j

    def page(self, j: int) -> int | None:
        return self.pages[j] if self.pages is not None else None


@dataclass(slots=True)
class _Draft:
    line: int
    gap: int  # blank lines before the cell's first line; 0 when it follows the previous cell
    parts: list[str]

    @property
    def empty(self) -> bool:
        return not any(p.strip() for p in self.parts)


def clean(text: str) -> str:
    """Text without simple HTML/markdown markup; ``<br>``, ``</p><p>`` and ``\\v`` break lines."""
    text = text.replace("\v", "\n")
    if "<" in text:
        text = TAG_RE.sub("", BREAK_RE.sub("\n", text))
    if "&" in text:
        text = ENTITY_RE.sub(lambda m: html.unescape(m.group()), text)
    return text.replace("**", "")


def kind_of(line: str) -> int:
    """Classify one line: blank, plain text, cell start (leading tab) or tab-separated row."""
    if "\t" in line:
        return CELL if line.lstrip(" ").startswith("\t") else ROW
    return TEXT if line.strip() else BLANK


def split_lines(text: str) -> _Lines:
    """Lines with CR/LF normalised; form feeds (if any) give each line its page."""
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    has_pages = "\f" in text
    lines: list[str] = []
    pages: list[int] = []
    page = 1
    for line in raw:
        body = line.lstrip("\f")
        page += len(line) - len(body)
        pages.append(page)
        page += body.count("\f")
        lines.append(body.replace("\f", ""))
    return _Lines(lines, [kind_of(x) for x in lines], pages if has_pages else None)


def _head(line: str) -> str:
    """A cell line without its marker tab."""
    return line.lstrip(" ")[1:].rstrip()


def _is_cell_mode(ls: _Lines, i: int) -> bool:
    """True when the table at line ``i`` is dumped cell per line, not row per line."""
    if ls.kinds[i] == ROW:
        return False
    if "\t" not in _head(ls.text[i]):
        return True
    pure = multi = 0
    for k in range(i, min(len(ls.kinds), i + MODE_WINDOW)):
        if ls.kinds[k] == CELL and "\t" not in _head(ls.text[k]):
            pure += 1
        elif ls.kinds[k] in (CELL, ROW):
            multi += 1
    return pure > multi


def _attached_run(ls: _Lines, j: int, max_segments: int = 50) -> bool:
    """True when text from ``j``, through gaps of few blank lines, leads straight into a cell."""
    n = len(ls.kinds)
    for _ in range(max_segments):
        e = ls.text_end(j)
        if e < n and ls.kinds[e] == CELL:
            return True
        f = ls.skip_blank(e)
        if f >= n or f - e > MAX_CELL_GAP or ls.kinds[f] == CELL:
            return False
        j = f
    return False


@dataclass(slots=True)
class _Row:
    first: bool = True  # still in the table's first row (its width is unknown)
    length: int = 0
    widest: int = 0
    lead_gaps: tuple[int, ...] = ()  # blank lines that pad the text of earlier cells in the row


def _absorbs(ls: _Lines, gap: int, b: int, row: _Row, cell: _Draft) -> bool:
    """Whether the text at ``b``, after ``gap`` blank lines, continues the open cell."""
    n = len(ls.kinds)
    e = ls.text_end(b)
    f = ls.skip_blank(e)
    before_cell = f < n and ls.kinds[f] == CELL and f > e
    if gap == 1 and before_cell and f - e == 1:
        return True  # a paragraph set off by single blank lines, before the next cell
    if cell.empty and not row.first and gap in row.lead_gaps:
        return True  # padded like the other cells of the row
    if row.first:
        return cell.empty and _attached_run(ls, b)
    short = row.length < row.widest
    return short and (_attached_run(ls, b) or before_cell and f - e <= MAX_CELL_GAP)


def _scan_cells(ls: _Lines, start: int) -> tuple[list[_Draft], int]:
    """Cells of a cell-per-line table from ``start``; returns them and the index after it."""
    cells: list[_Draft] = []
    row = _Row()
    j, n = start, len(ls.kinds)
    while j < n:
        kind = ls.kinds[j]
        if kind == CELL or kind != BLANK:
            if kind == CELL:
                cells.append(_Draft(j, 0, [_head(ls.text[j])]))
                row.length += 1
                row.widest = max(row.widest, row.length)
            else:
                cells[-1].parts.append(ls.text[j].rstrip())
            j += 1
            continue
        b = ls.skip_blank(j)
        if b == n:
            break
        if ls.kinds[b] == CELL:
            cells.append(_Draft(b, b - j, [_head(ls.text[b])]))
            row = _Row(False, 1, row.widest)
            j = b + 1
            continue
        if not _absorbs(ls, b - j, b, row, cells[-1]):
            break
        if cells[-1].empty and len(cells[-1].parts) == 1:
            row.lead_gaps = (*row.lead_gaps, b - j)
        e = ls.text_end(b)
        cells[-1].parts.extend([""] * (b - j) + [ls.text[k].rstrip() for k in range(b, e)])
        j = e
    return cells, j


def _eff_len(texts: list[str]) -> int:
    """Number of cells up to the last non-empty one."""
    n = len(texts)
    while n and not texts[n - 1].strip():
        n -= 1
    return n


def _row_cost(chunks: list[list[_Draft]], i: int, j: int, width: int) -> float:
    """Cost of making chunks ``i..j-1`` one row: short rows cost 1, each join costs more."""
    if j - i == 1:
        return 0.0 if len(chunks[i]) >= width else 1.0
    cells = [c for ch in chunks[i:j] for c in ch]
    if len(cells) < width or _eff_len(["" if c.empty else "x" for c in cells]) > width:
        return float("inf")
    return sum(MERGE_COST if ch[0].gap <= 2 else PAGE_MERGE_COST for ch in chunks[i + 1 : j])


def group_rows(cells: list[_Draft]) -> list[list[_Draft]]:
    """Rows from cells: blank-separated chunks joined where together they fill the width."""
    chunks: list[list[_Draft]] = []
    for c in cells:
        if c.gap or not chunks:
            chunks.append([c])
        else:
            chunks[-1].append(c)
    width = max(len(ch) for ch in chunks)
    best = [0.0] + [float("inf")] * len(chunks)
    back = [0] * (len(chunks) + 1)
    for j in range(1, len(chunks) + 1):
        size = 0
        for i in range(j - 1, -1, -1):
            size += len(chunks[i])
            if i < j - 1 and size > 2 * width:
                break
            cost = best[i] + _row_cost(chunks, i, j, width)
            if cost < best[j]:
                best[j], back[j] = cost, i
    rows: list[list[_Draft]] = []
    j = len(chunks)
    while j:
        rows.append([c for ch in chunks[back[j] : j] for c in ch])
        j = back[j]
    return rows[::-1]


def _text(draft: _Draft) -> str:
    return clean("\n".join(draft.parts)).strip()


def _scan_rows(ls: _Lines, start: int) -> tuple[list[int], int]:
    """Lines of a row-per-line table from ``start``; returns them and the index after it."""
    rows, j, n = [start], start + 1, len(ls.kinds)
    while j < n:
        if ls.kinds[j] in (CELL, ROW):
            rows.append(j)
            j += 1
            continue
        if ls.kinds[j] == BLANK:
            b = ls.skip_blank(j)
            if b < n and b - j <= MAX_ROW_GAP and ls.kinds[b] in (CELL, ROW):
                j = b
                continue
        break
    return rows, j


def _norm_row(texts: list[str]) -> tuple[str, ...]:
    return tuple(" ".join(t.split()) for t in texts[: _eff_len(texts)])


def drop_repeated_header(rows: list[list[str]]) -> list[int]:
    """Indices of rows to keep: a header row repeated on a later page is dropped."""
    head = _norm_row(rows[0]) if rows else ()
    if sum(1 for t in head if t) < 2:
        return list(range(len(rows)))
    sub = _norm_row(rows[1]) if len(rows) > 1 else None
    keep, r = [0], 1
    while r < len(rows):
        if _norm_row(rows[r]) == head:
            r += 2 if r + 1 < len(rows) and _norm_row(rows[r + 1]) == sub else 1
            continue
        keep.append(r)
        r += 1
    return keep


def _cell_class(text: str) -> str:
    t = text.strip()
    if YEAR_CELL_RE.fullmatch(t):
        return "year"
    return "number" if NUMBER_CELL_RE.fullmatch(t) else "text"


def _run_options(texts: list[str]) -> list[list[int]]:
    """Ways to cut a run of sub-headers under spanning cells: whole, or at every class change."""
    options = [[len(texts)]]
    cuts = [k for k in range(1, len(texts)) if _cell_class(texts[k]) != _cell_class(texts[k - 1])]
    sizes = [b - a for a, b in zip([0, *cuts], [*cuts, len(texts)], strict=True)]
    if cuts and min(sizes) >= 2:
        options.append(sizes)
    return [o for o in options if min(o) >= 2]


def infer_spans(top: list[str], below: list[str]) -> list[int] | None:
    """Column spans of header row ``top`` over the full-width row ``below``, if unambiguous.

    An empty cell below sits under a one-column header (merged down); a run of filled cells
    below are sub-headers of spanning header cells.
    """
    pieces: list[list[list[int]]] = []
    k = 0
    while k < len(below):
        if not below[k].strip():
            pieces.append([[1]])
            k += 1
            continue
        end = k
        while end < len(below) and below[end].strip():
            end += 1
        options = _run_options(below[k:end])
        if not options:
            return None
        pieces.append(options)
        k = end
    if sum(len(p) > 1 for p in pieces) > MAX_SPAN_RUNS:
        return None
    fits = [list(chain.from_iterable(combo)) for combo in product(*pieces)]
    fits = [f for f in fits if len(f) == len(top)]
    if len(fits) != 1:
        return None
    spans = fits[0]
    if any(s > 1 and not t.strip() for s, t in zip(spans, top, strict=True)):
        return None
    return spans


def _placements(rows: list[list[str]], n_cols: int, merged: bool) -> list[list[list[int]]]:
    """Per row, per cell: ``[col, col_span, row_span]`` (col -1 drops a merged-away cell)."""
    out = [[[k, 1, 1] for k in range(len(row))] for row in rows]
    if not merged:
        return out
    for r, row in enumerate(rows):
        if len(row) == 1 and n_cols > 1:
            out[r][0][1] = n_cols
    for r in range(min(3, len(rows) - 1)):
        if not 1 < len(rows[r]) < n_cols or len(rows[r + 1]) != n_cols:
            continue
        spans = infer_spans(rows[r], rows[r + 1])
        if spans is None:
            continue
        col = 0
        for k, span in enumerate(spans):
            out[r][k] = [col, span, 1]
            if span == 1 and not rows[r + 1][col].strip():
                out[r][k][2] = 2
                out[r + 1][col][0] = -1
            col += span
    return out


def build_table(rows: list[list[str]], lines: list[int], locator: str,
                pages: list[int | None], merged: bool) -> Table:
    """A Table from row texts; ``merged`` when short rows mean merged cells (cell per line)."""
    keep = drop_repeated_header(rows)
    rows = [rows[k] for k in keep]
    n_cols = max(1, max(_eff_len(r) for r in rows))
    rows = [r[:n_cols] for r in rows]
    cells = [
        Cell(r, col, text, row_span, col_span)
        for r, (row, places) in enumerate(zip(rows, _placements(rows, n_cols, merged),
                                              strict=True))
        for text, (col, col_span, row_span) in zip(row, places, strict=True)
        if col >= 0
    ]
    return Table(
        n_rows=len(rows), n_cols=n_cols, cells=tuple(cells), locator=locator,
        row_pages=tuple(pages[k] for k in keep), row_lines=tuple(lines[k] + 1 for k in keep),
    )


def _paragraph(ls: _Lines, i: int) -> Paragraph | None:
    text = clean(ls.text[i]).strip()
    if not text:
        return None
    return Paragraph(text=text, locator=f"line {i + 1}", page=ls.page(i), line=i + 1)


def parse(ls: _Lines) -> list[Block]:
    """Blocks of a text in reading order: paragraphs and rebuilt tables."""
    blocks: list[Block] = []
    i, n = 0, len(ls.kinds)
    while i < n:
        kind = ls.kinds[i]
        if kind == BLANK:
            i += 1
            continue
        cell_mode = kind == CELL and _is_cell_mode(ls, i)
        if cell_mode:
            drafts, end = _scan_cells(ls, i)
            grouped = group_rows(drafts)
            rows = [[_text(c) for c in row] for row in grouped]
            starts = [row[0].line for row in grouped]
        else:
            starts, end = _scan_rows(ls, i) if kind != TEXT else ([i], i + 1)
            rows = [[clean(t).strip() for t in ls.text[k].split("\t")] for k in starts]
        if len(starts) < 2 and not cell_mode:
            if (p := _paragraph(ls, i)) is not None:
                blocks.append(p)
            i += 1
            continue
        locator = f"table {sum(isinstance(b, Table) for b in blocks) + 1}"
        pages = [ls.page(k) for k in starts]
        blocks.append(build_table(rows, starts, locator, pages, cell_mode))
        i = end
    return blocks


def extract(path: Path) -> Document:
    """Read a plain-text report into a Document (encoding detected, tables rebuilt).

    Raises:
        ResourceLimit: the file is larger than ``MAX_TEXT_BYTES``.
        EmptyFile: no text at all.
        CorruptFile: unreadable, binary, or in no encoding that reads as Russian.
    """
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise ResourceLimit(
                str(path), f"text file of {size / 1e6:.1f} MB exceeds the "
                f"{MAX_TEXT_BYTES // (1024 * 1024)} MB limit",
            )
        data = path.read_bytes()
    except OSError as e:
        raise CorruptFile(str(path), f"cannot read the file: {e.strerror or e}") from None
    decoded = decode(data, str(path))
    ls = split_lines(decoded.text)
    blocks = parse(ls)
    log.debug("%s: %s, %d lines, %d blocks", path, decoded.encoding, len(ls.text), len(blocks))
    pages = max(ls.pages) if ls.pages else None
    return Document(source=str(path), format=Format.TXT, blocks=tuple(blocks), pages=pages,
                    encoding=decoded.encoding, warnings=decoded.warnings)
