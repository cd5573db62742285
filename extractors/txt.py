"""TXT extractor: plain-text dumps of DOCX/PDF reports, with their flattened tables rebuilt.

Cell per line: each cell starts on a line with a tab, lines without a tab continue it (a
blank line between them is an empty paragraph) and a row ends with a blank line. Empty
paragraphs ending a cell give blank lines too, so rows join blank-separated chunks of cells
that together fill the table's width. Rows list each cell once, so a lone cell spans the
width and a header row over a full-width row takes its spans from the cells below it.
Row per line: tab-separated cells on one line. Other lines are Paragraphs ("line N").
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
BLANKS, TEXTS, FILLED = (BLANK,), (TEXT, ROW), (TEXT, ROW, CELL)
MAX_ROW_GAP = 3  # blank lines allowed between the rows of a row-per-line table
MAX_CELL_GAP = 3  # blank lines allowed inside a cell of an unfinished row
MODE_WINDOW = 40  # lines looked at to tell the two table conventions apart
MERGE_COST, PAGE_MERGE_COST = 1.05, 2.5  # cost of joining two chunks of cells into one row
SECTION_MERGE_COST = 2.0  # extra cost of continuing a single-cell chunk into a longer row
MAX_SPAN_RUNS = 10
BREAK_RE = re.compile(r"<br\s*/?>|</p>\s*<p(?:\s[^<>]*)?>", re.IGNORECASE)
TAG_RE = re.compile(r"</?(?:p|i|b|u|s|em|strong|span|div|font|sup|sub)(?:\s[^<>]*)?/?>", re.I)
ENTITY_RE = re.compile(r"&(?:nbsp|laquo|raquo|quot|amp|lt|gt|mdash|ndash|#\d{1,5});")
YEAR_CELL_RE = re.compile(r"(?:19|20)\d\d\s*(?:г\.?|год)?")
NUMBER_CELL_RE = re.compile(r"[\d\s.,%]+")


@dataclass(slots=True)
class _Lines:
    text: list[str]
    kinds: list[int]
    pages: list[int | None]

    def skip(self, j: int, kinds: tuple[int, ...]) -> int:
        """Index of the first line at or after ``j`` whose kind is not in ``kinds``."""
        while j < len(self.kinds) and self.kinds[j] in kinds:
            j += 1
        return j


@dataclass(slots=True)
class _Draft:
    line: int
    gap: int  # blank lines before the cell's first line; 0 when it follows the previous cell
    parts: list[str]

    @property
    def empty(self) -> bool:
        return not any(p.strip() for p in self.parts)

    @property
    def text(self) -> str:
        return clean("\n".join(self.parts)).strip()


@dataclass(slots=True)
class _Row:
    first: bool = True  # still in the table's first row (its width is unknown)
    length: int = 0
    widest: int = 0
    lead_gaps: tuple[int, ...] = ()  # blank lines that pad the text of earlier cells in the row


def clean(text: str) -> str:
    """Text without simple HTML/markdown markup; ``<br>``, ``</p><p>`` and ``\\v`` break lines."""
    text = text.replace("\v", "\n")
    if "<" in text:
        text = TAG_RE.sub("", BREAK_RE.sub("\n", text))
    text = ENTITY_RE.sub(lambda m: html.unescape(m.group()), text) if "&" in text else text
    return text.replace("**", "")


def kind_of(line: str) -> int:
    """Classify one line: blank, plain text, cell start (leading tab) or tab-separated row."""
    if "\t" not in line:
        return TEXT if line.strip() else BLANK
    return CELL if line.lstrip(" ").startswith("\t") else ROW


def split_lines(text: str) -> _Lines:
    """Lines with CR/LF normalised; form feeds (if any) give each line its page."""
    lines: list[str] = []
    pages: list[int | None] = []
    page, paged = 1, "\f" in text
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        body = line.lstrip("\f")
        page += len(line) - len(body)
        pages.append(page if paged else None)
        page += body.count("\f")
        lines.append(body.replace("\f", ""))
    return _Lines(lines, [kind_of(x) for x in lines], pages)


def _head(line: str) -> str:
    """A cell line without its marker tab."""
    return line.lstrip(" ")[1:].rstrip()


def _is_cell_mode(ls: _Lines, i: int) -> bool:
    """True when the table at cell line ``i`` is dumped cell per line, not row per line."""
    if "\t" not in _head(ls.text[i]):
        return True
    window = range(i, min(len(ls.kinds), i + MODE_WINDOW))
    pure = sum(ls.kinds[k] == CELL and "\t" not in _head(ls.text[k]) for k in window)
    return pure > sum(ls.kinds[k] in (CELL, ROW) for k in window) - pure


def _attached_run(ls: _Lines, j: int, max_segments: int = 50) -> bool:
    """True when text from ``j``, through gaps of few blank lines, leads straight into a cell."""
    n = len(ls.kinds)
    for _ in range(max_segments):
        e = ls.skip(j, TEXTS)
        if e < n and ls.kinds[e] == CELL:
            return True
        f = ls.skip(e, BLANKS)
        if f >= n or f - e > MAX_CELL_GAP or ls.kinds[f] == CELL:
            return False
        j = f
    return False


def _absorbs(ls: _Lines, gap: int, b: int, row: _Row, cell: _Draft) -> bool:
    """Whether the text at ``b``, after ``gap`` blank lines, continues the open cell."""
    e = ls.skip(b, TEXTS)
    f = ls.skip(e, BLANKS)
    before_cell = f < len(ls.kinds) and ls.kinds[f] == CELL and f > e
    if gap == 1 and before_cell and f - e == 1:
        return True  # a paragraph set off by single blank lines, before the next cell
    full_next = before_cell and ls.kinds[f : ls.skip(f, FILLED)].count(CELL) >= row.widest
    if cell.empty and not row.first and (gap in row.lead_gaps or full_next):
        return True  # padded like the other cells of the row, or a full row follows
    if row.first:
        return cell.empty and _attached_run(ls, b)
    short = row.length < row.widest
    return short and (_attached_run(ls, b) or (before_cell and f - e <= MAX_CELL_GAP))


def _scan_cells(ls: _Lines, start: int) -> tuple[list[_Draft], int]:
    """Cells of a cell-per-line table from ``start``; returns them and the index after it."""
    cells: list[_Draft] = []
    row = _Row()
    j, n = start, len(ls.kinds)
    while j < n:
        if ls.kinds[j] != BLANK:
            if ls.kinds[j] == CELL:
                cells.append(_Draft(j, 0, [_head(ls.text[j])]))
                row.length += 1
                row.widest = max(row.widest, row.length)
            else:
                cells[-1].parts.append(ls.text[j].rstrip())
            j += 1
            continue
        b = ls.skip(j, BLANKS)
        if b < n and ls.kinds[b] == CELL:
            cells.append(_Draft(b, b - j, [_head(ls.text[b])]))
            row, j = _Row(False, 1, row.widest), b + 1
            continue
        if b == n or not _absorbs(ls, b - j, b, row, cells[-1]):
            break
        if cells[-1].empty and len(cells[-1].parts) == 1:
            row.lead_gaps = (*row.lead_gaps, b - j)
        e = ls.skip(b, TEXTS)
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
    head = SECTION_MERGE_COST if len(chunks[i]) == 1 else 0.0  # one cell: a full-width row
    return head + sum(MERGE_COST if ch[0].gap <= 2 else PAGE_MERGE_COST for ch in chunks[i + 1 : j])


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


def _resumes_rows(ls: _Lines, b: int) -> bool:
    """Whether a tab line after blank lines continues the table (a signature fills 2 cells)."""
    if ls.kinds[b] not in (CELL, ROW):
        return False
    if ls.kinds[b] == CELL or (b + 1 < len(ls.kinds) and ls.kinds[b + 1] in (CELL, ROW)):
        return True
    return sum(1 for t in ls.text[b].split("\t") if t.strip()) >= 3


def _scan_rows(ls: _Lines, start: int) -> tuple[list[int], int]:
    """Lines of a row-per-line table from ``start``; returns them and the index after it."""
    rows, j, n = [start], start + 1, len(ls.kinds)
    while j < n:
        if ls.kinds[j] in (CELL, ROW):
            rows.append(j)
            j += 1
            continue
        b = ls.skip(j, BLANKS)
        if b in (j, n) or b - j > MAX_ROW_GAP or not _resumes_rows(ls, b):
            break
        j = b
    return rows, j


def _norm_row(texts: list[str]) -> tuple[str, ...]:
    return tuple(" ".join(t.split()) for t in texts[: _eff_len(texts)])


def drop_repeated_header(rows: list[list[str]]) -> list[int]:
    """Indices of rows to keep: a header row (and its sub-header) repeated later is dropped."""
    head = _norm_row(rows[0])
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
    return "year" if YEAR_CELL_RE.fullmatch(t) else "num" if NUMBER_CELL_RE.fullmatch(t) else "text"


def _run_options(texts: list[str]) -> list[list[int]]:
    """Ways to cut a run of sub-headers among spanning cells: whole, or at each class change."""
    cuts = [k for k in range(1, len(texts)) if _cell_class(texts[k]) != _cell_class(texts[k - 1])]
    sizes = [b - a for a, b in zip([0, *cuts], [*cuts, len(texts)], strict=True)]
    return [o for o in ([len(texts)], sizes if cuts else []) if o and min(o) >= 2]


def infer_spans(top: list[str], below: list[str]) -> list[int] | None:
    """Column spans of header row ``top`` over the full-width row ``below``, if unambiguous.

    An empty cell below sits under a one-column header (merged down); a run of filled cells
    below holds the sub-headers of spanning header cells.
    """
    pieces: list[list[list[int]]] = []
    k = 0
    while k < len(below):
        end = k
        while end < len(below) and below[end].strip():
            end += 1
        pieces.append(_run_options(below[k:end]) if end > k else [[1]])
        k = max(end, k + 1)
    if not all(pieces) or sum(len(p) > 1 for p in pieces) > MAX_SPAN_RUNS:
        return None
    fits = [f for f in map(list, map(chain.from_iterable, product(*pieces))) if len(f) == len(top)]
    if len(fits) != 1 or any(s > 1 and not t.strip() for s, t in zip(fits[0], top, strict=True)):
        return None
    return fits[0]


def _placements(rows: list[list[str]], n_cols: int, merged: bool) -> list[list[list[int]]]:
    """Per row, per cell: ``[col, col_span, row_span]``; col -1 drops a cell merged away."""
    out = [[[k, 1, 1] for k in range(len(row))] for row in rows]
    for r, row in enumerate(rows if merged else []):
        if len(row) == 1:
            out[r][0][1] = n_cols
        if r >= 3 or r + 1 == len(rows) or not 1 < len(row) < len(rows[r + 1]) == n_cols:
            continue
        col = 0
        for k, span in enumerate(infer_spans(row, rows[r + 1]) or []):
            out[r][k] = [col, span, 1]
            if span == 1 and not rows[r + 1][col].strip():
                out[r][k][2], out[r + 1][col][0] = 2, -1
            col += span
    return out


def build_table(rows: list[list[str]], lines: list[int], locator: str,
                pages: list[int | None], merged: bool) -> Table:
    """A Table from row texts; ``merged`` when short rows mean merged cells (cell per line)."""
    keep = drop_repeated_header(rows)
    rows = [rows[k] for k in keep]
    n_cols = max(1, max(_eff_len(r) for r in rows))
    rows = [r[:n_cols] for r in rows]
    places = _placements(rows, n_cols, merged)
    cells = [
        Cell(r, col, text, row_span, col_span)
        for r, row in enumerate(rows)
        for text, (col, col_span, row_span) in zip(row, places[r], strict=True)
        if col >= 0
    ]
    return Table(
        n_rows=len(rows), n_cols=n_cols, cells=tuple(cells), locator=locator,
        row_pages=tuple(pages[k] for k in keep), row_lines=tuple(lines[k] + 1 for k in keep),
    )


def _table_at(ls: _Lines, i: int) -> tuple[list[list[str]], list[int], bool, int]:
    """Rows, their first lines, whether cells are merged, and the end of the table at ``i``."""
    if ls.kinds[i] == CELL and _is_cell_mode(ls, i):
        drafts, end = _scan_cells(ls, i)
        grouped = group_rows(drafts)
        return [[c.text for c in row] for row in grouped], [r[0].line for r in grouped], True, end
    starts, end = _scan_rows(ls, i)
    rows = [[clean(t).strip() for t in ls.text[k].split("\t")] for k in starts]
    return rows, starts, False, end


def parse(ls: _Lines) -> list[Block]:
    """Blocks of a text in reading order: paragraphs and rebuilt tables."""
    blocks: list[Block] = []
    n_tables, i = 0, 0
    while i < len(ls.kinds):
        if ls.kinds[i] == BLANK:
            i += 1
            continue
        if ls.kinds[i] != TEXT:
            rows, starts, merged, end = _table_at(ls, i)
            if merged or len(rows) > 1:
                n_tables += 1
                pages = [ls.pages[k] for k in starts]
                blocks.append(build_table(rows, starts, f"table {n_tables}", pages, merged))
                i = end
                continue
        if text := clean(ls.text[i]).strip():
            blocks.append(Paragraph(text, f"line {i + 1}", page=ls.pages[i], line=i + 1))
        i += 1
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
            raise ResourceLimit(str(path), f"text file of {size / 1e6:.1f} MB exceeds the "
                                f"{MAX_TEXT_BYTES // (1024 * 1024)} MB limit")
        data = path.read_bytes()
    except OSError as e:
        raise CorruptFile(str(path), f"cannot read the file: {e.strerror or e}") from None
    decoded = decode(data, str(path))
    ls = split_lines(decoded.text)
    blocks = parse(ls)
    log.debug("%s: %s, %d lines, %d blocks", path, decoded.encoding, len(ls.text), len(blocks))
    pages = max((p for p in ls.pages if p is not None), default=None)
    return Document(source=str(path), format=Format.TXT, blocks=tuple(blocks), pages=pages,
                    encoding=decoded.encoding, warnings=decoded.warnings)
