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
import struct
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
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
MAX_BANGS = 64  # '!' tried one by one in a chunk, past that the pattern searches the rest
PACKED_MAX = 64 * 1024  # members stored in at most this many bytes are checked by their bytes
PACKED_CACHE = 128  # verdicts kept, so at most PACKED_CACHE * PACKED_MAX bytes held
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # a ZIP local file header (APPNOTE 4.3.7)
OVERLAP = 64  # carried between chunks, so a marker split across two is still found
_UTF16 = ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
          (b"<\0", "utf-16-le"), (b"\0<", "utf-16-be"))


def _check_sizes(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse archives whose declared sizes exceed the documented caps (``ResourceLimit``)."""
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


@dataclass(frozen=True, slots=True)
class Packed:
    """One member's bytes as the archive stores them (deflated or stored), with its declared
    size and CRC. The same bytes always inflate to the same part, so what is read out of a
    part can be cached on them: the parts that the documents of one template share (styles,
    theme, fonts: most of a DOCX's bytes) are then inflated and scanned once."""

    data: bytes
    method: int
    size: int
    crc: int

    def inflate(self) -> bytes:
        """The member's bytes, at most its declared size.

        Raises:
            zipfile.BadZipFile: the bytes are not the declared size or CRC.
            zlib.error: a broken deflate stream.
        """
        out = self.data
        if self.method == zipfile.ZIP_DEFLATED:
            out = zlib.decompressobj(-15).decompress(self.data, self.size + 1)
        if len(out) != self.size or zlib.crc32(out) != self.crc:
            raise zipfile.BadZipFile("Bad CRC-32")
        return out


@lru_cache(maxsize=PACKED_CACHE)
def packed_declares_dtd(part: Packed) -> bool:
    """``declares_dtd`` of the inflated part, cached on its stored bytes.

    Raises:
        zipfile.BadZipFile, zlib.error: as ``Packed.inflate``.
    """
    return declares_dtd(io.BytesIO(part.inflate()))


def _read_packed(fh: IO[bytes], info: zipfile.ZipInfo) -> Packed | None:
    """The stored bytes of ``info`` read past its local header; None when the member is not
    plainly stored or deflated, is encrypted, too large to keep, or its header is not the
    one the directory names (zipfile then reads it, and reports what is wrong)."""
    if (info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
            or info.flag_bits & 1 or info.compress_size > PACKED_MAX):
        return None
    fh.seek(info.header_offset)
    head = fh.read(_LOCAL_HEADER.size)
    if len(head) != _LOCAL_HEADER.size:
        return None
    fields = _LOCAL_HEADER.unpack(head)
    name = fh.read(fields[10])
    codec = "utf-8" if fields[3] & 0x800 else "cp437"
    if fields[0] != b"PK\x03\x04" or name.decode(codec, "replace") != info.orig_filename:
        return None
    fh.seek(fields[11], io.SEEK_CUR)
    data = fh.read(info.compress_size)
    return Packed(data, info.compress_type, info.file_size, info.CRC) \
        if len(data) == info.compress_size else None


@dataclass(frozen=True, slots=True)
class Parts:
    """The members a reader asked for, out of a checked archive: each decompressed and
    scanned once, while the archive was checked."""

    path: Path
    data: Mapping[str, bytes]
    packed: Mapping[str, Packed] = field(default_factory=dict)

    def raw(self, member: str) -> bytes:
        """The bytes of ``member``.

        Raises:
            CorruptFile: the archive has no such member.
        """
        try:
            return self.data[member]
        except KeyError:
            raise CorruptFile(str(self.path), f"document part {member} is missing") from None

    def xml(self, member: str) -> etree._Element:
        """``member`` parsed safely (``parse_xml``).

        Raises:
            CorruptFile: the member is missing or is malformed XML.
        """
        return parse_xml(self.path, member, self.raw(member))


def _unsafe(path: Path, member: str) -> UnsafeXML:
    return UnsafeXML(
        str(path), f"refused for safety: part {member} declares a DTD or XML entities "
        "(<!DOCTYPE/<!ENTITY), which no Office document needs and which can expand to "
        "gigabytes (\"billion laughs\"); the file was not read")


def open_checked(path: Path, wanted: tuple[str, ...] = (), packed: tuple[str, ...] = ()
                 ) -> Parts:
    """Check the archive with one opening of it: caps on the declared sizes, then every XML
    member scanned whole for a DTD. The ``wanted`` members are read whole and kept; small
    members are checked by their stored bytes (``packed_declares_dtd``, cached), and the
    ``packed`` ones kept so; the rest are streamed. Each part is inflated once at most.

    Raises:
        CorruptFile: not a readable ZIP, or a member cannot be decompressed.
        ResourceLimit: a member or the whole would inflate past the caps.
        UnsafeXML: a member declares a DTD or entities.
    """
    data: dict[str, bytes] = {}
    kept: dict[str, Packed] = {}
    with open(path, "rb") as fh:
        try:
            zf = zipfile.ZipFile(fh)
        except zipfile.BadZipFile:
            raise CorruptFile(str(path), "broken ZIP container (truncated or damaged file)"
                              ) from None
        with zf:
            infos = zf.infolist()
            _check_sizes(path, infos)
            try:
                for info in infos:
                    if not info.is_dir() and _declares(zf, fh, info, info.filename in wanted,
                                                       info.filename in packed, data, kept):
                        raise _unsafe(path, info.filename)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError,
                    NotImplementedError, zlib.error) as exc:  # RuntimeError: encrypted member
                raise CorruptFile(str(path), f"cannot decompress the ZIP container: {exc}"
                                  ) from None
    return Parts(path, data, kept)


def _declares(zf: zipfile.ZipFile, fh: IO[bytes], info: zipfile.ZipInfo, whole: bool,
              keep_packed: bool, data: dict[str, bytes], kept: dict[str, Packed]) -> bool:
    """Whether member ``info`` declares a DTD, reading it the cheapest way: whole (kept in
    ``data``), by its stored bytes (kept in ``kept`` when asked) or streamed."""
    name = info.filename
    part = None if whole else _read_packed(fh, info)
    if part is not None:
        if keep_packed:
            kept[name] = part
        try:
            return packed_declares_dtd(part)
        except zipfile.BadZipFile:
            raise zipfile.BadZipFile(f"Bad CRC-32 for file {name!r}") from None
    if whole or keep_packed:
        raw = zf.read(info)
        if whole:
            data[name] = raw
        else:
            kept[name] = Packed(raw, zipfile.ZIP_STORED, len(raw), zlib.crc32(raw))
        return declares_dtd(io.BytesIO(raw))
    with zf.open(info) as stream:
        return declares_dtd(stream)


def check_zip(path: Path) -> None:
    """Refuse archives whose declared sizes exceed the documented caps, or any of whose XML
    members declares a DTD (``open_checked`` keeping no member).

    Raises:
        CorruptFile: not a readable ZIP.
        ResourceLimit: a member or the whole would inflate past the caps.
        UnsafeXML: a member declares a DTD or entities.
    """
    open_checked(path)


def _xml_encoding(head: bytes) -> str | None:
    """``utf-8`` or a UTF-16 codec when ``head`` starts an XML document, else None (images
    and other binary members are not scanned)."""
    for mark, codec in _UTF16:
        if head.startswith(mark):
            return codec
    text = head.removeprefix(codecs.BOM_UTF8).lstrip(b" \t\r\n")
    return "utf-8" if text.startswith(b"<") else None


def _declares_in(buf: bytes) -> bool:
    """``DTD_BYTES_RE`` found in ``buf``: every marker starts ``<!``, and ``!`` is rare in
    XML (comments, CDATA), so its positions are found with ``bytes.find`` (memchr) and the
    pattern tried there; a text full of ``!`` is searched with the pattern at once."""
    i = buf.find(b"!", 1)
    for _ in range(MAX_BANGS):
        if i < 0:
            return False
        if buf[i - 1] == 0x3C and DTD_BYTES_RE.match(buf, i - 1):
            return True
        i = buf.find(b"!", i + 1)
    return DTD_BYTES_RE.search(buf, max(i - 1, 0)) is not None


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
            if _declares_in(window):
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


def safe_parser() -> etree.XMLParser:
    """An lxml parser that never expands entities, loads DTDs or touches the network."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
        remove_comments=True,
    )


def parse_xml(path: Path, member: str, data: bytes) -> etree._Element:
    """Parse the bytes of one member (already scanned for DTDs) with ``safe_parser``.

    Raises:
        CorruptFile: malformed XML.
    """
    try:
        return etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise CorruptFile(
            str(path), f"malformed XML in {member} (file truncated or damaged): {exc}"
        ) from None


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
    return parse_xml(path, member, data)
