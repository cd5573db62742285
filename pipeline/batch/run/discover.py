"""Find the input files of a run and give each its content-derived id.

Only regular files are read. A symbolic link is followed when its target is a regular file
inside the input folder (``follow_outside`` allows targets elsewhere); every other entry with
a report's suffix — a link out of the folder, a loop, a dangling link, a FIFO, a device, a
socket — is listed with the reason it is not read (``SourceFile.refused``) and gets a
``failed`` documents row: nothing is opened that could block, and nothing outside the input
folder is read behind the user's back.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from pipeline.sources import SourceFile

log = logging.getLogger(__name__)

# Suffixes the pipeline reads; anything else in the folder (e.g. ``*.truth.json``) is skipped.
INPUT_SUFFIXES = frozenset(
    {".docx", ".pdf", ".txt", ".doc", ".odt", ".rtf", ".xlsx", ".html", ".htm"}
)

# rel_path -> (size, mtime, doc_id) of a file processed before: lets discovery skip hashing
# a file whose size and modification time are unchanged (the way make and rsync decide).
Known = Callable[[str], tuple[int, float, str] | None]

_KINDS = ((stat.S_ISDIR, "folder"), (stat.S_ISFIFO, "named pipe (FIFO)"),
          (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device"),
          (stat.S_ISSOCK, "socket"))


class NotRegularFile(OSError):
    """An entry that is not a regular file where one was expected (checked on the open
    descriptor, so a file swapped for a FIFO after listing is caught too)."""


def stored_name(rel: str) -> str:
    """``rel`` as it is stored (valid UTF-8): bytes of a name that are not UTF-8 (decoded by
    Python as lone surrogates) become ``\\xe9`` escapes. The file is still read by its real
    bytes, from ``SourceFile.path``."""
    return os.fsencode(rel).decode("utf-8", "backslashreplace")


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "special file")


def file_digest(path: Path) -> str:
    """sha256 of the file bytes, first 16 hex digits (the contract's doc_id).

    Raises:
        NotRegularFile: ``path`` is not a regular file (it is never read, so a FIFO or a
            device cannot block or stream forever).
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as fh:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(errno.EINVAL, f"a {_kind(mode)}, not a regular file", str(path))
        h = hashlib.sha256()
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:16]


def refused_id(rel: str, reason: str) -> str:
    """A doc_id for an entry that is not read: stable while the entry and reason stay."""
    return hashlib.sha256(f"refused\0{rel}\0{reason}".encode("utf-8", "backslashreplace")
                          ).hexdigest()[:16]


def _link_target(path: Path, root: Path, follow_outside: bool
                 ) -> tuple[Path | None, os.stat_result | None, str]:
    """(real path, its stat, "") of a link to be read, else (None, None, why not)."""
    try:
        st = os.stat(path)  # follows the chain
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return None, None, "symbolic link in a loop (it leads back to itself): not read"
        if exc.errno == errno.ENOENT:
            return None, None, "dangling symbolic link (its target does not exist): not read"
        return None, None, f"symbolic link whose target cannot be read ({exc.strerror}): not read"
    real = Path(os.path.realpath(path))
    inside = real.is_relative_to(root)
    if not stat.S_ISREG(st.st_mode):
        where = "" if inside else " outside the input folder"
        return None, None, f"symbolic link to a {_kind(st.st_mode)}{where}: not read"
    if not inside and not follow_outside:
        return None, None, "symbolic link to a file outside the input folder: not read"
    return real, st, ""


def classify(path: Path, root: Path, follow_outside: bool = False
             ) -> tuple[Path, os.stat_result, str | None]:
    """(path to read, its stat, None) for a regular file or a link to be followed, else
    (path, lstat, the reason it is not read). Never opens the entry.

    Raises:
        OSError: the entry vanished or cannot be examined.
    """
    lst = os.lstat(path)
    if stat.S_ISLNK(lst.st_mode):
        real, st, why = _link_target(path, root, follow_outside)
        return (real, st, None) if real is not None and st is not None else (path, lst, why)
    if not stat.S_ISREG(lst.st_mode):
        return path, lst, f"a {_kind(lst.st_mode)}, not a regular file: not read"
    return path, lst, None


def _walk(root: Path, exclude: tuple[Path, ...]) -> Iterator[str]:
    """The relative path of every entry under ``root`` but folders (links to folders
    included, never followed), sorted, hidden ones left out."""
    skip = {str(e) for e in exclude}
    for folder, dirs, files in os.walk(root):
        links = [d for d in dirs if os.path.islink(os.path.join(folder, d))]
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in links
                         and os.path.join(folder, d) not in skip)
        rel_folder = os.path.relpath(folder, root)
        for name in sorted([*files, *links]):
            if not name.startswith("."):
                rel = name if rel_folder == "." else f"{rel_folder}/{name}"
                yield rel.replace(os.sep, "/")


def discover(root: Path, known: Known | None = None, exclude: tuple[Path, ...] = (),
             follow_outside: bool = False) -> tuple[list[SourceFile], list[str]]:
    """List input files under ``root`` (recursively, sorted) and the skipped paths.

    Args:
        root: a folder (searched recursively; hidden files and folders ignored) or one file.
        known: what a previous run recorded; a file whose size and mtime match is not hashed
            again and keeps its recorded doc_id.
        exclude: folders to leave out (the output folder, when it lies inside the input).
        follow_outside: also read symbolic links to regular files outside the input folder.

    Entries that are not read (see the module docstring) are returned with ``refused`` set.
    """
    files: list[SourceFile] = []
    skipped: list[str] = []
    root = root.resolve()
    if root.is_dir():
        found: Iterator[str] | list[str] = _walk(root, tuple(e.resolve() for e in exclude))
        base = root
    else:
        found, base = [root.name], root.parent
    hashed = 0
    for raw in found:
        rel = stored_name(raw)
        if Path(rel).suffix.lower() not in INPUT_SUFFIXES:
            skipped.append(rel)
            continue
        try:
            path, st, refused = classify(base / raw, base, follow_outside)
            if refused is not None:
                log.warning("%s: %s", rel, refused)
                files.append(SourceFile(path, rel, refused_id(rel, refused), st.st_size,
                                        st.st_mtime, refused))
                continue
            prior = known(rel) if known is not None else None
            if prior is not None and prior[:2] == (st.st_size, st.st_mtime):
                doc_id = prior[2]
            else:
                doc_id = file_digest(path)
                hashed += 1
        except NotRegularFile as exc:  # swapped for a FIFO or device since it was listed
            refused = f"{exc.strerror}: not read"
            log.warning("%s: %s", rel, refused)
            files.append(SourceFile(base / raw, rel, refused_id(rel, refused), 0, 0.0, refused))
            continue
        except OSError as exc:  # vanished or unreadable between listing and reading
            log.warning("cannot read %s: %s", rel, exc)
            skipped.append(rel)
            continue
        files.append(SourceFile(path, rel, doc_id, st.st_size, st.st_mtime))
    if skipped:
        log.info("skipped %d file(s) of other types, e.g. %s", len(skipped), skipped[0])
    log.debug("discovered %d input file(s), hashed %d", len(files), hashed)
    return files, skipped
