"""DOCX extractor: walks ``word/document.xml`` once with lxml, keeping body order of
paragraphs and tables, resolving ``gridSpan``/``vMerge`` into spans (a merged cell appears
once) and keeping nested tables and line breaks inside cells.

python-docx's ``row.cells`` re-resolves the grid for every call; walking the XML once is
linear in the document size.
"""

from __future__ import annotations

import logging
import re
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lxml import etree

from extractors.model import Cell, Document, Paragraph, Table
from extractors.safezip import Packed, open_checked, safe_parser
from schemas.enums import Format

log = logging.getLogger(__name__)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"
_T, _TAB, _BR, _CR = f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"
_NB_HYPHEN = f"{_W}noBreakHyphen"
_P, _TBL, _TR, _TC, _SDT = f"{_W}p", f"{_W}tbl", f"{_W}tr", f"{_W}tc", f"{_W}sdt"
_TR_PR, _TC_PR, _VAL = f"{_W}trPr", f"{_W}tcPr", f"{_W}val"
_GRID_SPAN, _V_MERGE = f"{_W}gridSpan", f"{_W}vMerge"
_GRID_BEFORE, _GRID_AFTER = f"{_W}gridBefore", f"{_W}gridAfter"
DOCUMENT_PART, STYLES_PART = "word/document.xml", "word/styles.xml"
HEADING_RE = re.compile(r"^(?:heading|заголовок)\s*(\d)$", re.IGNORECASE)


def _val(el: etree._Element | None, default: str | None = None) -> str | None:
    if el is None:
        return default
    return el.get(f"{_W}val", default)


def _text_of(p: etree._Element) -> str:
    """Text of one ``w:p``: runs in order, tabs and breaks kept, deleted text skipped."""
    parts: list[str] = []
    for el in p.iter(_T, _TAB, _BR, _CR, _NB_HYPHEN):
        tag = el.tag
        if tag == _T:
            parts.append(el.text or "")
        elif tag == _TAB:
            # w:tab inside w:tabs (paragraph properties) is a tab stop, not a character
            if etree.QName(el.getparent()).localname != "tabs":
                parts.append("\t")
        elif tag == _NB_HYPHEN:
            parts.append("-")
        else:
            parts.append("\n")
    return "".join(parts)


@lru_cache(maxsize=8)
def heading_styles(part: Packed) -> Mapping[str, int]:
    """Style ids -> heading levels from ``word/styles.xml`` (already checked for DTDs);
    malformed: none (the styles only name the headings). Cached on the part's stored bytes:
    the documents of one template share their styles part, often far larger than the text."""
    try:
        root = etree.fromstring(part.inflate(), safe_parser())
    except (etree.XMLSyntaxError, zipfile.BadZipFile, zlib.error):
        return {}
    out: dict[str, int] = {}
    for st in root.iter(f"{_W}style"):
        sid = st.get(f"{_W}styleId") or ""
        name = _val(st.find(f"{_W}name"), "") or ""
        m = HEADING_RE.match(name.strip()) or HEADING_RE.match(sid)
        if m:
            out[sid] = int(m.group(1))
        elif name.strip().lower() == "title":
            out[sid] = 1
    return out


@dataclass(frozen=True, slots=True)
class _Styles:
    """The styles part, parsed on the first paragraph that names a style (most name none)."""

    part: Packed | None

    def level(self, style: str) -> int | None:
        return heading_styles(self.part).get(style) if self.part is not None else None


def _heading_level(p: etree._Element, styles: _Styles) -> int | None:
    ppr = p.find(f"{_W}pPr")
    if ppr is None:
        return None
    style = _val(ppr.find(f"{_W}pStyle"))
    if style and (level := styles.level(style)) is not None:
        return level
    lvl = _val(ppr.find(f"{_W}outlineLvl"))
    if lvl is not None and lvl.isdigit() and int(lvl) < 9:
        return int(lvl) + 1
    return None


def _content_children(el: etree._Element) -> list[etree._Element]:
    """Direct ``w:p``/``w:tbl`` children, looking through content controls (``w:sdt``)."""
    out: list[etree._Element] = []
    for child in el:
        tag = child.tag
        if tag in (_P, _TBL):
            out.append(child)
        elif tag == _SDT:
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                out.extend(_content_children(content))
        elif tag in (f"{_W}customXml", f"{_W}ins"):
            out.extend(_content_children(child))
    return out


@dataclass
class _CellDraft:
    row: int
    col: int
    text: str
    col_span: int
    row_span: int = 1
    nested: list[Table] = field(default_factory=list)


def _children(el: etree._Element, tag: str) -> list[etree._Element]:
    """Direct ``tag`` children (rows ``w:tr`` or cells ``w:tc``), looking through ``w:sdt``."""
    out: list[etree._Element] = []
    for child in el:
        if child.tag == tag:
            out.append(child)
        elif child.tag == _SDT:
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                out.extend(_children(content, tag))
    return out


def _int_val(el: etree._Element | None, default: int) -> int:
    v = _val(el)
    return int(v) if v is not None and v.isdigit() else default


def _first_child(el: etree._Element, tag: str) -> etree._Element | None:
    """``el.find(tag)`` for a plain child tag, without ElementPath's overhead."""
    for child in el:
        if child.tag == tag:
            return child
    return None


def _cell_props(tc: etree._Element) -> tuple[int, str | None]:
    """``(gridSpan, vMerge value)`` of a ``w:tc`` (1 and None when absent; a ``vMerge``
    without a value continues the cell above)."""
    tcpr = tc[0] if len(tc) else None  # the properties come first, when there are any
    if tcpr is None or tcpr.tag != _TC_PR:
        tcpr = _first_child(tc, _TC_PR)
    if tcpr is None:
        return 1, None
    span_el = vmerge = None
    for el in tcpr:
        if el.tag == _GRID_SPAN and span_el is None:
            span_el = el
        elif el.tag == _V_MERGE and vmerge is None:
            vmerge = el
    return (_int_val(span_el, 1),
            vmerge.get(_VAL, "continue") if vmerge is not None else None)


def _table(tbl: etree._Element, locator: str, styles: _Styles) -> Table:
    """One ``w:tbl`` as a Table: spans resolved, each merged cell once, nested tables kept."""
    drafts: list[_CellDraft] = []
    open_vmerge: dict[int, _CellDraft] = {}  # start column -> cell being merged downwards
    n_cols = 0
    rows = _children(tbl, _TR)
    for r, tr in enumerate(rows):
        trpr = _first_child(tr, _TR_PR)
        col = _int_val(_first_child(trpr, _GRID_BEFORE), 0) if trpr is not None else 0
        seen_cols: set[int] = set()
        for tc in _children(tr, _TC):
            span, vval = _cell_props(tc)
            if vval == "continue" and col in open_vmerge:
                open_vmerge[col].row_span = r - open_vmerge[col].row + 1
                seen_cols.add(col)
                col += span
                continue
            texts: list[str] = []
            nested: list[Table] = []
            for k, child in enumerate(_content_children(tc)):
                if child.tag == _P:
                    texts.append(_text_of(child))
                else:
                    nested.append(_table(child, f"{locator} nested {k + 1}", styles))
            text = texts[0].strip() if len(texts) == 1 else "\n".join(texts).strip()
            draft = _CellDraft(r, col, text, span, 1, nested)
            drafts.append(draft)
            if vval is not None:  # restart (or a continue with nothing above: treat as start)
                open_vmerge[col] = draft
                seen_cols.add(col)
            col += span
        for c in list(open_vmerge):
            if c not in seen_cols:
                del open_vmerge[c]
        trailing = _int_val(_first_child(trpr, _GRID_AFTER), 0) if trpr is not None else 0
        n_cols = max(n_cols, col + trailing)
    cells = tuple(
        Cell(d.row, d.col, d.text, d.row_span, d.col_span, tuple(d.nested)) for d in drafts
    )
    return Table(
        n_rows=len(rows), n_cols=n_cols, cells=cells, locator=locator,
        row_pages=(None,) * len(rows),
    )


def extract(path: Path) -> Document:
    """Read a DOCX file into a Document (body order kept; pages unknown, so null).

    Raises:
        CorruptFile: broken container or malformed XML.
        ResourceLimit: the archive would inflate past the caps (decompression bomb).
    """
    parts = open_checked(path, (DOCUMENT_PART,), (STYLES_PART,))
    root = parts.xml(DOCUMENT_PART)
    body = root.find(f"{_W}body")
    styles = _Styles(parts.packed.get(STYLES_PART))
    blocks: list[Paragraph | Table] = []
    n_par = n_tbl = 0
    for el in _content_children(body) if body is not None else []:
        if el.tag == f"{_W}p":
            n_par += 1
            text = _text_of(el)
            if text.strip():
                blocks.append(
                    Paragraph(text=text, locator=f"paragraph {n_par}",
                              heading_level=_heading_level(el, styles))
                )
        else:
            n_tbl += 1
            blocks.append(_table(el, f"table {n_tbl}", styles))
    return Document(source=str(path), format=Format.DOCX, blocks=tuple(blocks))
