"""Find the input files of a run and give each its content-derived id."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# Suffixes the pipeline reads; anything else in the folder (e.g. ``*.truth.json``) is skipped.
INPUT_SUFFIXES = frozenset(
    {".docx", ".pdf", ".txt", ".doc", ".odt", ".rtf", ".xlsx", ".html", ".htm"}
)

# rel_path -> (size, mtime, doc_id) of a file processed before: lets discovery skip hashing
# a file whose size and modification time are unchanged (the way make and rsync decide).
Known = Callable[[str], tuple[int, float, str] | None]


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


def _walk(root: Path, exclude: tuple[Path, ...]) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """(relative path, entry) of every file under ``root``, sorted, hidden ones left out."""
    skip = {str(e) for e in exclude}
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and os.path.join(folder, d) not in skip)
        rel_folder = os.path.relpath(folder, root)
        with os.scandir(folder) as it:
            entries = {e.name: e for e in it if e.name in files}
        for name in sorted(files):
            if not name.startswith("."):
                rel = name if rel_folder == "." else f"{rel_folder}/{name}"
                yield rel.replace(os.sep, "/"), entries[name]


def discover(root: Path, known: Known | None = None, exclude: tuple[Path, ...] = ()
             ) -> tuple[list[SourceFile], list[str]]:
    """List input files under ``root`` (recursively, sorted) and the skipped paths.

    Args:
        root: a folder (searched recursively; hidden files and folders ignored) or one file.
        known: what a previous run recorded; a file whose size and mtime match is not hashed
            again and keeps its recorded doc_id.
        exclude: folders to leave out (the output folder, when it lies inside the input).
    """
    files: list[SourceFile] = []
    skipped: list[str] = []
    root = root.resolve()
    if root.is_file():
        found: Iterable[tuple[str, Any]] = [(root.name, root)]
        base = root.parent
    else:
        found = _walk(root, tuple(e.resolve() for e in exclude))
        base = root
    hashed = 0
    for rel, entry in found:
        if Path(rel).suffix.lower() not in INPUT_SUFFIXES:
            skipped.append(rel)
            continue
        path = base / rel
        try:
            st = entry.stat()
            prior = known(rel) if known is not None else None
            if prior is not None and prior[:2] == (st.st_size, st.st_mtime):
                doc_id = prior[2]
            else:
                doc_id = file_digest(path)
                hashed += 1
        except OSError as exc:  # vanished or unreadable between listing and reading
            log.warning("cannot read %s: %s", rel, exc)
            skipped.append(rel)
            continue
        files.append(SourceFile(path, rel, doc_id, st.st_size, st.st_mtime))
    if skipped:
        log.info("skipped %d file(s) of other types, e.g. %s", len(skipped), skipped[0])
    log.debug("discovered %d input file(s), hashed %d", len(files), hashed)
    return files, skipped
