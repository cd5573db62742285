"""Find the input files of a run and give each its content-derived id."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

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


def _candidates(root: Path) -> tuple[list[Path], Path]:
    if root.is_file():
        return [root], root.parent
    return sorted(p for p in root.rglob("*") if p.is_file()), root


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
    candidates, base = _candidates(root)
    excluded = tuple(e.resolve() for e in exclude)
    hashed = 0
    for p in candidates:
        if excluded and any(p.resolve().is_relative_to(e) for e in excluded):
            continue
        rel = p.relative_to(base).as_posix()
        if any(part.startswith(".") for part in Path(rel).parts):
            continue
        if p.suffix.lower() not in INPUT_SUFFIXES:
            skipped.append(rel)
            continue
        try:
            st = p.stat()
            prior = known(rel) if known is not None else None
            if prior is not None and prior[:2] == (st.st_size, st.st_mtime):
                doc_id = prior[2]
            else:
                doc_id = file_digest(p)
                hashed += 1
        except OSError as exc:  # vanished or unreadable between listing and reading
            log.warning("cannot read %s: %s", rel, exc)
            skipped.append(rel)
            continue
        files.append(SourceFile(p.resolve(), rel, doc_id, st.st_size, st.st_mtime))
    if skipped:
        log.info("skipped %d file(s) of other types, e.g. %s", len(skipped), skipped[0])
    log.debug("discovered %d input file(s), hashed %d", len(files), hashed)
    return files, skipped
