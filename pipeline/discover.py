"""Find the input files of a run and give each its content-derived id."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

# Suffixes the pipeline reads; anything else in the folder (e.g. ``*.truth.json``) is skipped.
INPUT_SUFFIXES = frozenset(
    {".docx", ".pdf", ".txt", ".doc", ".odt", ".rtf", ".xlsx", ".html", ".htm"}
)


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: Path
    rel_path: str
    doc_id: str
    size: int
    mtime: float


def file_digest(path: Path) -> str:
    """sha256 of the file bytes, first 16 hex digits (the contract's doc_id)."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:16]


def discover(root: Path) -> tuple[list[SourceFile], list[str]]:
    """List input files under ``root`` (recursively, sorted) and the skipped paths."""
    files: list[SourceFile] = []
    skipped: list[str] = []
    candidates = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    base = root.parent if root.is_file() else root
    for p in candidates:
        rel = p.relative_to(base).as_posix()
        if any(part.startswith(".") for part in Path(rel).parts):
            continue
        if p.suffix.lower() not in INPUT_SUFFIXES:
            skipped.append(rel)
            continue
        st = p.stat()
        files.append(SourceFile(p, rel, file_digest(p), st.st_size, st.st_mtime))
    if skipped:
        log.info("skipped %d file(s) of other types, e.g. %s", len(skipped), skipped[0])
    return files, skipped
