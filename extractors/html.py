"""HTML extractor: paragraphs (``p``, ``h1``-``h6``, ``li``, text of ``div`` ...) and tables in
document order; ``rowspan``/``colspan`` placed on a grid the way browsers do, a merged cell
appearing once, nested tables kept in their cell.

Parsing is lxml's HTML parser with network access off; the HTML parser never loads a DTD or
expands declared entities, and scripts, styles and comments are dropped.
"""

from __future__ import annotations

import codecs
import html as html_lib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from extractors.encoding import decode_text
from extractors.errors import CorruptFile, EmptyFile, ResourceLimit
from extractors.model import Cell, Document, Paragraph, Table
from schemas.enums import Format

log = logging.getLogger(__name__)

DEFAULT_MAX_HTML_BYTES = 50 * 1024 * 1024
MAX_SPAN = 1000  # browsers cap colspan at 1000 and rowspan at 65534; we clip both
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title", "meta",
                       "link", "iframe", "object", "embed", "svg", "math", "button", "select"})
HEADINGS = {f"h{i}": i for i in range(1, 7)}
BLOCK_TAGS = frozenset({
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "section", "article",
    "header", "footer", "main", "nav", "aside", "address", "figure", "figcaption", "form",
    "fieldset", "hr", "center", "body", "html", "caption", *HEADINGS,
})
CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)
XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
SCRIPT_RE = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.I | re.S)
TAG_RE = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)[^>]*>")
LINE_TAGS = BLOCK_TAGS | {"br", "tr", "td", "th", "table"}
MAX_DEPTH = 2048  # libxml2's limit on nesting with huge_tree (255 without)
WS_RE = re.compile(r"[ \t\r\n\f\v\u00a0\u200b]+")


def decode_html(data: bytes, source: str = "<bytes>") -> tuple[str, str]:
    """Decode a page: valid UTF-8 wins (a ``<meta charset>`` is often stale), then the meta
    charset, then the Russian code-page detection of ``extractors.encoding`` (BOMs too)."""
    m = CHARSET_RE.search(data[:8192])
    if m and not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
        try:
            enc = codecs.lookup(m.group(1).decode("ascii")).name
            return data.decode(enc), enc
        except (LookupError, UnicodeDecodeError):
            log.debug("%s: meta charset %r does not decode the page", source, m.group(1))
    return decode_text(data, source)


def _clean(text: str) -> str:
    lines = (WS_RE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _span(el: etree._Element, attr: str) -> int:
    raw = (el.get(attr) or "1").strip()
    digits = re.match(r"\d+", raw)
    value = int(digits.group()) if digits else 1
    return max(0, min(value, MAX_SPAN))  # 0 = to the end of the row group (rowspan)


def _rows_of(table: etree._Element) -> list[etree._Element]:
    """The table's own ``tr`` elements in order (thead, tbody, tfoot or direct)."""
    rows: list[etree._Element] = []
    for child in table:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(r for r in child if r.tag == "tr")
    return rows


@dataclass
class _Walker:
    """Walks the tree once, collecting blocks; text outside blocks joins the open paragraph."""

    blocks: list[Paragraph | Table] = field(default_factory=list)
    buffer: list[str] = field(default_factory=list)
    level: int | None = None
    n_par: int = 0
    n_tbl: int = 0

    def flush(self) -> None:
        text = _clean("".join(self.buffer))
        self.buffer.clear()
        if text:
            self.n_par += 1
            self.blocks.append(
                Paragraph(text=text, locator=f"paragraph {self.n_par}", heading_level=self.level)
            )
        self.level = None

    def walk(self, root: etree._Element) -> None:
        """Visit ``root`` and everything under it with a stack of its own, not recursion:
        pages nest thousands of levels deep (unclosed ``<font>``, ``<div>`` in a loop)."""
        stack: list[tuple[etree._Element, bool]] = [(root, False)]
        while stack:
            el, closing = stack.pop()
            tag = el.tag if isinstance(el.tag, str) else ""  # comments and PIs have no str tag
            if closing or not tag or tag in SKIP_TAGS or tag in ("table", "br"):
                self.leave(el, tag, closing)
                continue
            if tag in BLOCK_TAGS:
                self.flush()
                self.level = HEADINGS.get(tag)
            if el.text:
                self.buffer.append(el.text)
            stack.append((el, True))
            stack.extend((child, False) for child in reversed(el))

    def leave(self, el: etree._Element, tag: str, closing: bool) -> None:
        """An element done with: a table or line break placed, a block ended; then its tail."""
        if closing and tag in BLOCK_TAGS:
            self.flush()
        elif not closing and tag == "table":
            self.flush()
            self.n_tbl += 1
            caption = el.find("caption")
            if caption is not None:
                self.buffer.append(caption.text_content())
                self.flush()
            self.blocks.append(table_of(el, f"table {self.n_tbl}"))
        elif not closing and tag == "br":
            self.buffer.append("\n")
        if el.tail:
            self.buffer.append(el.tail)


def _cell_content(td: etree._Element, locator: str) -> tuple[str, tuple[Table, ...]]:
    """Text of a cell (nested tables excluded, ``br`` and blocks as line breaks) and its
    nested tables."""
    parts: list[str] = []
    nested: list[Table] = []
    stack: list[tuple[etree._Element, bool]] = [(child, False) for child in reversed(td)]
    if td.text:
        parts.append(td.text)
    while stack:  # a stack, not recursion: cells nest deep too
        el, closing = stack.pop()
        tag = el.tag if isinstance(el.tag, str) else ""
        block = tag in BLOCK_TAGS or tag == "br"
        if closing or tag == "table" or not tag or tag in SKIP_TAGS:
            if closing and block:
                parts.append("\n")
            elif tag == "table" and not closing:
                nested.append(table_of(el, f"{locator} nested {len(nested) + 1}"))
            if el.tail:
                parts.append(el.tail)
            continue
        if block:
            parts.append("\n")
        if el.text:
            parts.append(el.text)
        stack.append((el, True))
        stack.extend((child, False) for child in reversed(el))
    return _clean("".join(parts)), tuple(nested)


def table_of(table: etree._Element, locator: str) -> Table:
    """One ``table`` element as a Table: the HTML row/column placement algorithm, spans
    clipped to the table, each merged cell once at its top-left position."""
    rows = _rows_of(table)
    n_rows = len(rows)
    occupied: set[tuple[int, int]] = set()
    placed: list[tuple[int, int, int, int, etree._Element]] = []
    for r, tr in enumerate(rows):
        col = 0
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            while (r, col) in occupied:
                col += 1
            col_span = max(1, _span(td, "colspan"))
            row_span = _span(td, "rowspan") or (n_rows - r)
            row_span = min(row_span, n_rows - r)
            for rr in range(r, r + row_span):
                for cc in range(col, col + col_span):
                    occupied.add((rr, cc))
            placed.append((r, col, row_span, col_span, td))
            col += col_span
    n_cols = max((c + 1 for _, c in occupied), default=0)
    cells = []
    for r, c, row_span, col_span, td in placed:
        text, nested = _cell_content(td, locator)
        cells.append(Cell(r, c, text, row_span, col_span, nested))
    return Table(
        n_rows=n_rows, n_cols=n_cols, cells=tuple(cells), locator=locator,
        row_pages=tuple(None for _ in range(n_rows)),
    )


def parse_html(text: str) -> tuple[etree._Element, bool]:
    """Parse decoded HTML with a parser that never touches the network; also say whether
    the page nests deeper than libxml2 builds a tree for (``MAX_DEPTH``), so part is lost.

    ``huge_tree`` lifts the limit from 255 levels to 2048: unclosed ``<font>`` tags reach
    255 on ordinary pages. It never enables entities (the HTML parser expands none).
    """
    parser = lxml_html.HTMLParser(
        no_network=True, remove_comments=True, remove_pis=True, huge_tree=True,
        default_doctype=False,
    )
    root = lxml_html.document_fromstring(XML_DECL_RE.sub("", text, count=1), parser=parser)
    too_deep = any("Excessive depth" in e.message for e in parser.error_log)
    return root, too_deep


def plain_blocks(text: str) -> tuple[Paragraph, ...]:
    """Paragraphs of a page read without its tree: tags dropped, one line per block tag."""
    text = SCRIPT_RE.sub(" ", text)
    text = TAG_RE.sub(lambda m: "\n" if m.group(1).lower() in LINE_TAGS else " ", text)
    lines = _clean(html_lib.unescape(text)).split("\n")
    return tuple(Paragraph(line, f"paragraph {i}") for i, line in enumerate(
        (ln for ln in lines if ln), start=1))


def html_to_blocks(root: etree._Element) -> tuple[Paragraph | Table, ...]:
    """Paragraphs and tables of a parsed page, in document order."""
    walker = _Walker()
    body = root.find("body")
    walker.walk(body if body is not None else root)
    walker.flush()
    return tuple(walker.blocks)


def extract(path: Path) -> Document:
    """Read an HTML page into a Document.

    Raises:
        ResourceLimit: the file is larger than ``DEFAULT_MAX_HTML_BYTES``.
        EmptyFile: the page has no text.
        CorruptFile: binary data, no encoding reads as Russian, or lxml cannot parse it.
    """
    size = path.stat().st_size
    if size > DEFAULT_MAX_HTML_BYTES:
        raise ResourceLimit(
            str(path), f"HTML file of {size / 1e6:.0f} MB exceeds the "
            f"{DEFAULT_MAX_HTML_BYTES // 2**20} MiB cap"
        )
    text, encoding = decode_html(path.read_bytes(), str(path))
    try:
        root, too_deep = parse_html(text)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise CorruptFile(str(path), f"cannot parse the HTML: {exc}") from None
    warnings: tuple[str, ...] = ()
    blocks: tuple[Paragraph | Table, ...] = () if too_deep else html_to_blocks(root)
    if too_deep:
        log.warning("%s: HTML nested deeper than %d levels: read as plain text", path, MAX_DEPTH)
        blocks = plain_blocks(text)
        warnings = (f"HTML nested deeper than {MAX_DEPTH} levels: read as plain text, its "
                    "tables not kept",)
    if not blocks:
        raise EmptyFile(str(path), "the HTML page has no text")
    return Document(source=str(path), format=Format.HTML, blocks=blocks, encoding=encoding,
                    warnings=warnings)
