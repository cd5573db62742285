"""Input from a URL (``extract s3://bucket/in --out …``): the objects under the prefix are
listed through fsspec and downloaded, one at a time, into a local folder the run removes at
its end, since the extractors read local files.

The manifest keeps what it keeps for a local file: the path relative to the prefix, the
object's size and modification time (``LastModified``), and the content hash. As for a local
folder, an object whose size and modification time are those recorded is not downloaded to
be hashed (``--checksum`` downloads and hashes every object); only the objects the run then
processes are downloaded. Hidden names (``.x``, a folder ``.x/``) and other suffixes are
skipped like in a local folder; an object store has no links, FIFOs or devices. A key is
data, never joined to a local path raw: one with an empty, ``.`` or ``..`` part (``in//tmp/x``,
``in/../../x``), a backslash or a NUL would name a file outside the download folder, or an
existing local file, so it is refused (``SourceFile.refused``: a ``failed`` documents row
naming the key) and never downloaded.

The downloads live on this machine: with ``--engine dask`` the workers must share it (a
LocalCluster, the default), not run on other hosts.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.batch.load.storage import StorageError, fs_options, is_url
from pipeline.batch.run.discover import INPUT_SUFFIXES, Known, refused_id, stored_name
from pipeline.sources import SourceFile

log = logging.getLogger(__name__)


def unsafe_key(rel: str) -> str | None:
    """Why the object name ``rel`` (relative to the input prefix) cannot be a path inside the
    download folder, else None: every part must be a plain name."""
    if not rel or "\0" in rel or "\\" in rel:
        return "it is empty or holds a NUL or a backslash"
    if any(part in ("", ".", "..") for part in rel.split("/")):
        return "it has an empty, '.' or '..' part (an absolute path or a way out of the folder)"
    return None


@dataclass(frozen=True, slots=True)
class RemoteInput:
    """The input prefix on an object store; ``cache`` the local folder of the downloads."""

    fs: Any
    root: str  # without the protocol, as fs.find names objects
    url: str
    cache: Path

    def local(self, rel: str) -> Path:
        """Where the object ``rel`` is downloaded; never outside the cache.

        Raises:
            ValueError: ``rel`` is not a safe relative name (``unsafe_key``).
        """
        why = unsafe_key(rel)
        if why is not None:
            raise ValueError(f"object key {rel!r} is refused: {why}")
        return self.cache / rel

    def fetch(self, rel: str) -> Path:
        """The object ``rel`` downloaded into the cache (once), its local path."""
        target = self.local(rel)
        if not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.part")
            self.fs.get_file(f"{self.root}/{rel}", str(tmp))
            tmp.replace(target)
        return target


def open_input(url: str, options: Mapping[str, str], cache: Path) -> RemoteInput:
    """The input at ``url``.

    Raises:
        StorageError: the protocol is unknown or its driver is not installed.
    """
    import fsspec

    protocol = url.partition("://")[0]
    try:
        fs = fsspec.filesystem(protocol, **fs_options(protocol, options))
    except (ImportError, ValueError) as exc:
        raise StorageError(f"cannot open {url}: {exc}") from None
    return RemoteInput(fs, fs._strip_protocol(url).rstrip("/"), url.rstrip("/"), cache)


def _mtime(info: Mapping[str, Any]) -> float:
    """An object's modification time in seconds (s3: LastModified; others: mtime/created)."""
    for key in ("LastModified", "mtime", "last_modified", "created"):
        value = info.get(key)
        if isinstance(value, dt.datetime):
            return value.timestamp()
        if isinstance(value, int | float):
            return float(value)
    return 0.0


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:16]


def _hidden(rel: str) -> bool:
    return any(part.startswith(".") for part in rel.split("/"))


def discover_remote(inp: RemoteInput, known: Known | None = None
                    ) -> tuple[list[SourceFile], list[str]]:
    """The input objects (sorted) as ``SourceFile``s whose ``path`` is in the cache, and the
    skipped names. Objects not known with their size and mtime are downloaded and hashed.

    Raises:
        OSError: the prefix cannot be listed (FileNotFoundError when it holds nothing).
    """
    inp.fs.invalidate_cache()
    listing: dict[str, Mapping[str, Any]] = inp.fs.find(inp.root, detail=True)
    if not listing:
        raise FileNotFoundError(f"no objects under {inp.url}")
    files: list[SourceFile] = []
    skipped: list[str] = []
    start = len(inp.root) + 1
    for name, info in sorted(listing.items()):
        if info.get("type") == "directory" or not name.startswith(inp.root + "/"):
            continue
        rel = stored_name(name[start:])
        size, mtime = int(info.get("size") or 0), _mtime(info)
        why = unsafe_key(rel) if Path(rel).suffix.lower() in INPUT_SUFFIXES else None
        if why is not None:
            refused = f"object key {name!r} is not a safe file name ({why}): not read"
            log.warning("%s: %s", rel, refused)
            files.append(SourceFile(inp.cache, rel, refused_id(rel, refused), size, mtime,
                                    refused))
            continue
        if _hidden(rel):
            continue
        if Path(rel).suffix.lower() not in INPUT_SUFFIXES:
            skipped.append(rel)
            continue
        prior = known(rel) if known is not None else None
        if prior is not None and prior[:2] == (size, mtime):
            doc_id = prior[2]
        else:
            doc_id = _digest(inp.fetch(rel))
        files.append(SourceFile(inp.local(rel), rel, doc_id, size, mtime))
    if skipped:
        log.info("skipped %d object(s) of other types, e.g. %s", len(skipped), skipped[0])
    return files, skipped


def fetch_all(inp: RemoteInput, files: Iterable[SourceFile]) -> int:
    """Download the objects of ``files`` not in the cache yet; how many were."""
    n = 0
    for src in files:
        if src.refused is None and not src.path.is_file():
            inp.fetch(src.rel_path)
            n += 1
    if n:
        log.info("downloaded %d object(s) of %s to process", n, inp.url)
    return n


@contextlib.contextmanager
def opened_input(location: Path | str, options: Mapping[str, str]
                 ) -> Iterator[RemoteInput | None]:
    """A ``RemoteInput`` with a temporary cache for a URL, removed at the end; None for a
    local input.

    Raises:
        StorageError: as ``open_input``.
    """
    if not is_url(location):
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="natproj-input-") as cache:
        yield open_input(str(location), options, Path(cache))
