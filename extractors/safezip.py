"""Guarded reading of ZIP-based documents (DOCX, XLSX, ODT).

A decompression bomb is refused from the central directory alone, before anything is
inflated; XML is parsed with entity expansion and network access off.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from extractors.errors import CorruptFile, ResourceLimit

MAX_MEMBER_BYTES = 200 * 1024 * 1024
MAX_TOTAL_BYTES = 400 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 10_000


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
    if b"<!ENTITY" in data[:65536]:
        raise CorruptFile(str(path), f"{member} declares XML entities; refused for safety")
    try:
        return etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise CorruptFile(
            str(path), f"malformed XML in {member} (file truncated or damaged): {exc}"
        ) from None
