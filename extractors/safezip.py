"""Guarded reading of ZIP-based documents (DOCX, XLSX, ODT).

A decompression bomb is refused from the central directory alone, before anything is
inflated. Every member that is XML is then streamed whole (in chunks, never held in memory)
and the file is refused if one declares a DTD or entities (``<!DOCTYPE``, ``<!ENTITY``):
no Office part needs them, and the parsers behind openpyxl (expat) and LibreOffice would
expand them (billion laughs). Our own lxml parsing also runs with entities and network off.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
import zlib
from pathlib import Path
from typing import IO

from lxml import etree

from extractors.errors import CorruptFile, ResourceLimit, UnsafeXML

MAX_MEMBER_BYTES = 200 * 1024 * 1024
MAX_TOTAL_BYTES = 400 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 10_000
SCAN_CHUNK = 1 << 20
# a DTD or entity declaration; case-insensitive, so a near miss is refused rather than argued
DTD_RE = re.compile(r"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
DTD_BYTES_RE = re.compile(DTD_RE.pattern.encode(), re.IGNORECASE)
OVERLAP = 64  # carried between chunks, so a marker split across two is still found
_UTF16 = ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
          (b"<\0", "utf-16-le"), (b"\0<", "utf-16-be"))


def check_zip(path: Path) -> None:
    """Refuse archives whose declared sizes exceed the documented caps.

    Raises:
        CorruptFile: not a readable ZIP.
        ResourceLimit: a member or the whole would inflate past the caps.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile:
        raise CorruptFile(str(path), "broken ZIP container (truncated or damaged file)") from None
    if len(infos) > MAX_MEMBERS:
        raise ResourceLimit(str(path), f"ZIP has {len(infos)} members (cap {MAX_MEMBERS})")
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_MEMBER_BYTES or (info.file_size > 10_000_000 and ratio > MAX_RATIO):
            raise ResourceLimit(
                str(path),
                f"refused as a decompression bomb: member {info.filename} would inflate to "
                f"{info.file_size / 1e6:.0f} MB from {info.compress_size / 1e6:.1f} MB "
                f"(caps: {MAX_MEMBER_BYTES // 2**20} MiB per member, ratio {MAX_RATIO})",
            )
    if total > MAX_TOTAL_BYTES:
        raise ResourceLimit(
            str(path),
            f"refused as a decompression bomb: {total / 1e6:.0f} MB uncompressed in all "
            f"(cap {MAX_TOTAL_BYTES // 2**20} MiB)",
        )
    refuse_dtds(path)


def _xml_encoding(head: bytes) -> str | None:
    """``utf-8`` or a UTF-16 codec when ``head`` starts an XML document, else None (images
    and other binary members are not scanned)."""
    for mark, codec in _UTF16:
        if head.startswith(mark):
            return codec
    text = head.removeprefix(codecs.BOM_UTF8).lstrip(b" \t\r\n")
    return "utf-8" if text.startswith(b"<") else None


def declares_dtd(fh: IO[bytes]) -> bool:
    """Whether the XML stream ``fh`` holds ``<!DOCTYPE`` or ``<!ENTITY`` anywhere (read in
    chunks of ``SCAN_CHUNK``; UTF-16 text is decoded first)."""
    head = fh.read(SCAN_CHUNK)
    codec = _xml_encoding(head)
    if codec is None:
        return False
    if codec == "utf-8":
        tail, chunk = b"", head
        while chunk:
            window = tail + chunk
            if DTD_BYTES_RE.search(window):
                return True
            tail, chunk = window[-OVERLAP:], fh.read(SCAN_CHUNK)
        return False
    decoder = codecs.getincrementaldecoder(codec)(errors="replace")
    text_tail, raw = "", head
    while raw:
        text = text_tail + decoder.decode(raw)
        if DTD_RE.search(text):
            return True
        text_tail, raw = text[-OVERLAP:], fh.read(SCAN_CHUNK)
    return bool(DTD_RE.search(text_tail + decoder.decode(b"", final=True)))


def refuse_dtds(path: Path) -> None:
    """Stream every XML member of the archive; refuse the file if one declares a DTD.

    Raises:
        UnsafeXML: a member declares a DTD or entities.
        CorruptFile: a member cannot be decompressed.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if info.is_dir():
                    continue
                with zf.open(info) as fh:
                    if declares_dtd(fh):
                        raise UnsafeXML(
                            str(path), f"refused for safety: part {info.filename} declares a "
                            "DTD or XML entities (<!DOCTYPE/<!ENTITY), which no Office document "
                            "needs and which can expand to gigabytes (\"billion laughs\"); "
                            "the file was not read")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError,
            NotImplementedError, zlib.error) as exc:  # RuntimeError: an encrypted member
        raise CorruptFile(str(path), f"cannot decompress the ZIP container: {exc}") from None


def safe_parser() -> etree.XMLParser:
    """An lxml parser that never expands entities, loads DTDs or touches the network."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
        remove_comments=True,
    )


def read_xml(path: Path, member: str) -> etree._Element:
    """Parse one member of a checked archive safely.

    Raises:
        CorruptFile: the member is missing or is malformed XML.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            data = zf.read(member)
    except KeyError:
        raise CorruptFile(str(path), f"document part {member} is missing") from None
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise CorruptFile(str(path), f"cannot decompress {member}: {exc}") from None
    if declares_dtd(io.BytesIO(data)):
        raise UnsafeXML(str(path), f"refused for safety: part {member} declares a DTD or XML "
                        "entities; the file was not read")
    try:
        return etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise CorruptFile(
            str(path), f"malformed XML in {member} (file truncated or damaged): {exc}"
        ) from None
