"""HTML extractor: paragraphs (``p``, ``h1``-``h6``, ``li``, text of ``div`` ...) and tables in
document order; ``rowspan``/``colspan`` placed on a grid the way browsers do, a merged cell
appearing once, nested tables kept in their cell.

Parsing is lxml's HTML parser with network access off; the HTML parser never loads a DTD or
expands declared entities, and scripts, styles and comments are dropped.
"""

from __future__ import annotations

import codecs
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

    def walk(self, el: etree._Element) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""  # comments and PIs have no str tag
        if not tag or tag in SKIP_TAGS:
            pass
        elif tag == "table":
            self.flush()
            self.n_tbl += 1
            caption = el.find("caption")
            if caption is not None:
                self.buffer.append(caption.text_content())
                self.flush()
            self.blocks.append(table_of(el, f"table {self.n_tbl}"))
        elif tag in BLOCK_TAGS:
            self.flush()
            self.level = HEADINGS.get(tag)
            self.inline(el)
            self.flush()
        elif tag == "br":
            self.buffer.append("\n")
        else:
            self.inline(el)
        if el.tail:
            self.buffer.append(el.tail)

    def inline(self, el: etree._Element) -> None:
        if el.text:
            self.buffer.append(el.text)
        for child in el:
            self.walk(child)


def _cell_content(td: etree._Element, locator: str) -> tuple[str, tuple[Table, ...]]:
    """Text of a cell (nested tables excluded, ``br`` and blocks as line breaks) and its
    nested tables."""
    parts: list[str] = []
    nested: list[Table] = []

    def visit(el: etree._Element) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "table":
            nested.append(table_of(el, f"{locator} nested {len(nested) + 1}"))
        elif tag and tag not in SKIP_TAGS:
            block = tag in BLOCK_TAGS or tag == "br"
            if block:
                parts.append("\n")
            if el.text:
                parts.append(el.text)
            for child in el:
                visit(child)
            if block:
                parts.append("\n")
        if el.tail:
            parts.append(el.tail)

    if td.text:
        parts.append(td.text)
    for child in td:
        visit(child)
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


def parse_html(text: str) -> etree._Element:
    """Parse decoded HTML with a parser that never touches the network."""
    parser = lxml_html.HTMLParser(
        no_network=True, remove_comments=True, remove_pis=True, huge_tree=False,
        default_doctype=False,
    )
    return lxml_html.document_fromstring(XML_DECL_RE.sub("", text, count=1), parser=parser)


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
        root = parse_html(text)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise CorruptFile(str(path), f"cannot parse the HTML: {exc}") from None
    blocks = html_to_blocks(root)
    if not blocks:
        raise EmptyFile(str(path), "the HTML page has no text")
    return Document(source=str(path), format=Format.HTML, blocks=blocks, encoding=encoding)
