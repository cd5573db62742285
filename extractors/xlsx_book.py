"""The parts of an XLSX package a reader needs, out of one guarded opening of the archive
(``safezip.open_checked``: size caps, every part scanned for a DTD): the sheets in workbook
order, the date system, the shared strings and the cell styles; XML parsed entity-free."""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH

from extractors.errors import CorruptFile
from extractors.safezip import Parts, open_checked
from extractors.xlsx_styles import DEFAULT_STYLES, Styles, styles_of
from extractors.xlsx_text import clean_text

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKBOOK, WORKBOOK_RELS = "xl/workbook.xml", "xl/_rels/workbook.xml.rels"
STYLES, CONTENT_TYPES = "xl/styles.xml", "[Content_Types].xml"
SHARED_STRINGS_TYPE = f"{NS_REL}/sharedStrings"
_SI = f"{{{NS_MAIN}}}si"


@dataclass(frozen=True, slots=True)
class Sheet:
    """One worksheet: its name, its zip member, or None for a chartsheet (no cells)."""

    name: str
    member: str | None


class Workbook:
    """The parts of one checked XLSX package, read as needed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            with zipfile.ZipFile(path) as zf:
                names = zf.namelist()
        except (zipfile.BadZipFile, OSError, EOFError):
            raise CorruptFile(str(path), "broken ZIP container (truncated or damaged file)"
                              ) from None
        wanted = tuple(n for n in names if n.startswith("xl/worksheets/")
                       or n.endswith("sharedStrings.xml"))
        self.names = frozenset(names)
        self.parts: Parts = open_checked(path, wanted, (WORKBOOK, WORKBOOK_RELS, STYLES))
        if CONTENT_TYPES not in self.names:
            raise CorruptFile(str(path), f"document part {CONTENT_TYPES} is missing")
        wb = self.xml(WORKBOOK)
        rels = self.xml(WORKBOOK_RELS)
        self.targets = {r.get("Id"): (r.get("Type", ""), _member(r.get("Target", "")))
                        for r in rels.iter(f"{{{NS_PKG_REL}}}Relationship")}
        self.sheets = self._sheets(wb)
        pr = wb.find(f"{{{NS_MAIN}}}workbookPr")
        flag = pr.get("date1904") if pr is not None else None
        self.epoch = CALENDAR_MAC_1904 if flag and flag not in ("false", "f", "0") \
            else WINDOWS_EPOCH

    def raw(self, member: str) -> bytes:
        """The bytes of a member (every member was checked when the archive was opened).

        Raises:
            CorruptFile: the member is missing or cannot be decompressed.
        """
        if member in self.parts.data:
            return self.parts.data[member]
        try:
            if member in self.parts.packed:
                return self.parts.packed[member].inflate()
            with zipfile.ZipFile(self.path) as zf:
                return zf.read(member)
        except KeyError:
            raise CorruptFile(str(self.path), f"document part {member} is missing") from None
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
            raise CorruptFile(str(self.path), f"cannot decompress {member}: {exc}") from None

    def xml(self, member: str) -> etree._Element:
        return Parts(self.path, {member: self.raw(member)}).xml(member)

    def _sheets(self, wb: etree._Element) -> list[Sheet]:
        """Sheets in workbook order; a sheet whose part is missing is left out, and a name
        repeated reads the first sheet of that name (as openpyxl did)."""
        out: list[Sheet] = []
        first: dict[str, Sheet] = {}
        for el in wb.iter(f"{{{NS_MAIN}}}sheet"):
            name = el.get("name", "")
            kind, member = self.targets.get(el.get(f"{{{NS_REL}}}id"), ("", ""))
            if member not in self.names:
                continue
            sheet = Sheet(name, None if "chartsheet" in kind else member)
            out.append(first.setdefault(name, sheet))
        return out

    def shared_strings(self) -> list[str]:
        """The shared string table, each string as cell text: its plain text then its runs'
        (phonetic runs left out), ``x005F_`` escapes dropped as openpyxl did."""
        member = next((m for kind, m in self.targets.values()
                       if kind == SHARED_STRINGS_TYPE and m in self.names), None)
        if member is None:
            return []
        out: list[str] = []
        for el in iter_elements(self.path, member, self.raw(member), (_SI,), (_SI,)):
            out.append(clean_text(text_content(el).replace("x005F_", "")))
            el.clear()
        return out

    def styles(self) -> Styles:
        """Date, duration and percent formats of the cell styles (``cellXfs``)."""
        if STYLES not in self.names:
            return DEFAULT_STYLES
        root = self.xml(STYLES)
        custom = {el.get("numFmtId"): el.get("formatCode")
                  for el in root.iter(f"{{{NS_MAIN}}}numFmt")}
        xfs = root.find(f"{{{NS_MAIN}}}cellXfs")
        if xfs is None or not len(xfs):
            return DEFAULT_STYLES
        try:
            custom_ids = {int(k): v for k, v in custom.items() if k is not None}
            return styles_of(xfs, custom_ids)
        except (ValueError, TypeError) as exc:
            raise CorruptFile(str(self.path), f"malformed styles in {STYLES}: {exc}") from None


def _member(target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join("xl", target))


def text_content(el: etree._Element) -> str:
    """openpyxl's ``Text.content``: the last ``t`` child, then the ``t`` of each ``r`` run."""
    plain: str | None = None
    runs: list[str] = []
    for child in el:
        local = etree.QName(child).localname if isinstance(child.tag, str) else ""
        if local == "t":
            plain = child.text
        elif local == "r":
            t = None
            for sub in child:
                if isinstance(sub.tag, str) and etree.QName(sub).localname == "t":
                    t = sub.text
            if t is not None:
                runs.append(t)
    return "".join(([plain] if plain is not None else []) + runs)


def iter_elements(path: Path, member: str, data: bytes, tags: tuple[str, ...],
          drop: tuple[str, ...]) -> Iterator[etree._Element]:
    """Elements ``tags`` of a member as they end, entity-free; once the caller is done with
    one of the ``drop`` tags, its earlier siblings are dropped.

    Raises:
        CorruptFile: malformed XML.
    """
    try:
        for _, el in etree.iterparse(
            io.BytesIO(data), events=("end",), tag=tags, resolve_entities=False,
            no_network=True, load_dtd=False, huge_tree=False, remove_comments=True,
            remove_pis=True,
        ):
            yield el
            if el.tag in drop:
                while el.getprevious() is not None:
                    del el.getparent()[0]
    except etree.XMLSyntaxError as exc:
        raise CorruptFile(str(path), f"malformed XML in {member} (file truncated or "
                          f"damaged): {exc}") from None
