"""Where an output lives: a local folder or an object store (``s3://``, ``gs://`` … through
fsspec), behind the few operations the pipeline needs.

Every object is named by its path relative to the output root (``indicators/year_part=2021/
part-….parquet``, ``_manifest.parquet``). ``put`` is atomic: a local file is written to a
hidden temporary name in the same folder and renamed (``os.replace``); an object store makes
a PUT visible whole or not at all. So on both the manifest put is the commit point, parts
are put under new unique names first and superseded ones deleted after
(``pipeline.batch.load.commit``).

An output location is a local path, a ``file://`` URL (both ``LocalStorage``) or any other
fsspec URL (``FsspecStorage``; ``s3://`` needs the ``[s3]`` extra, s3fs). Options such as
``endpoint_url`` are passed to the filesystem (``--storage-option KEY=VALUE``); s3fs also
reads the usual ``AWS_*`` variables, ``AWS_ENDPOINT_URL`` included.

A local output is read and written only inside its folder: a symbolic link anywhere below
the root (a table or partition folder, a part, the manifest) could lead a run to read a
part elsewhere and write new ones there, so meeting one raises ``LinkedPath`` (the run
stops, exit 2, naming the link). The root itself may be a link.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import io
import logging
import os
import stat
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import pyarrow as pa
import pyarrow.parquet as pq

log = logging.getLogger(__name__)

TMP_SUFFIX = ".tmp"


class StorageError(OSError):
    """The output location cannot be opened (unknown protocol, missing driver)."""


class LinkedPath(StorageError):
    """A path of a local output leads through a symbolic link (or out of the folder)."""


def inside(root: Path, rel: str) -> Path:
    """``root / rel``, checked to stay in ``root`` without passing a symbolic link (parts
    not yet created are fine).

    Raises:
        LinkedPath: ``rel`` is absolute or has a ``..`` part, or a link lies on the way.
    """
    pieces = Path(rel).parts
    if Path(rel).is_absolute() or ".." in pieces:
        raise LinkedPath(f"{rel!r} is not a path inside the output folder {root}")
    current = root
    for piece in pieces:
        current = current / piece
        try:
            mode = os.lstat(current).st_mode
        except FileNotFoundError:
            break  # the rest is created by us, as real folders
        if stat.S_ISLNK(mode):
            raise _linked(current, root)
    return root / rel


def _linked(path: Path, root: Path) -> LinkedPath:
    try:
        target = os.readlink(path)
    except OSError:
        target = "?"
    return LinkedPath(f"{path} is a symbolic link (to {target}): an output is read and "
                      f"written only inside its folder {root}, never through links; remove "
                      "the link (or move the real folder there) and run again")


@runtime_checkable
class Storage(Protocol):
    @property
    def url(self) -> str: ...

    @property
    def local(self) -> Path | None:
        """The folder, for a local output; None for an object store."""

    def list(self, prefix: str) -> list[str]:
        """Every object under ``prefix`` (relative paths, sorted, recursive)."""

    def exists(self, rel: str) -> bool: ...

    def size(self, rel: str) -> int: ...

    def read_bytes(self, rel: str) -> bytes: ...

    def put(self, rel: str, data: bytes, durable: bool = False) -> None:
        """Create or replace ``rel`` whole, atomically (``durable``: flushed to disk)."""

    def delete(self, rel: str) -> None:
        """Remove ``rel`` (missing is fine)."""

    def move(self, rel: str, target: str) -> None:
        """Rename ``rel`` to ``target`` (both inside the output; folders created)."""


def read_parquet(storage: Storage, rel: str, columns: list[str] | None = None) -> pa.Table:
    """A Parquet object read whole (``ParquetFile``: see
    ``pipeline.batch.load.write.read_part``)."""
    if isinstance(storage, LocalStorage):
        return pq.ParquetFile(storage.path(rel)).read(columns=columns)
    return pq.ParquetFile(pa.BufferReader(storage.read_bytes(rel))).read(columns=columns)


def parquet_rows(storage: Storage, rel: str) -> int:
    """The row count a Parquet object's footer records, reading the footer only (a range
    read on an object store), not the data.

    Raises:
        FileNotFoundError: there is no such object.
        OSError, pyarrow.ArrowException: the footer is unreadable (not Parquet, truncated).
    """
    if isinstance(storage, LocalStorage):
        return int(pq.read_metadata(storage.path(rel)).num_rows)
    if isinstance(storage, FsspecStorage):
        with storage.guard("read", rel), storage.fs.open(storage.key(rel), "rb") as fh:
            return int(pq.read_metadata(fh).num_rows)
    return int(pq.read_metadata(pa.BufferReader(storage.read_bytes(rel))).num_rows)


def parquet_bytes(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


@dataclass(frozen=True, slots=True)
class LocalStorage:
    root: Path

    @property
    def url(self) -> str:
        return str(self.root)

    @property
    def local(self) -> Path:
        return self.root

    def path(self, rel: str) -> Path:
        """The local path of ``rel`` (``inside``: never through a link).

        Raises:
            LinkedPath: a symbolic link lies on the way.
        """
        return inside(self.root, rel)

    def list(self, prefix: str) -> list[str]:
        base = self.path(prefix)
        if not base.is_dir():
            return []
        found: list[str] = []
        folders = [base]
        while folders:  # never follows a link: refuses it (scandir knows links, no lstat)
            with os.scandir(folders.pop()) as entries:
                for entry in entries:
                    if entry.is_symlink():
                        raise _linked(Path(entry.path), self.root)
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(Path(entry.path))
                    elif entry.is_file(follow_symlinks=False):
                        found.append(Path(entry.path).relative_to(self.root).as_posix())
        return sorted(found)

    def exists(self, rel: str) -> bool:
        return self.path(rel).is_file()

    def size(self, rel: str) -> int:
        return self.path(rel).stat().st_size

    def read_bytes(self, rel: str) -> bytes:
        return self.path(rel).read_bytes()

    def put(self, rel: str, data: bytes, durable: bool = False) -> None:
        target = self.path(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.parent / f".{target.name}.{uuid.uuid4().hex}{TMP_SUFFIX}"
        try:
            with tmp.open("wb") as fh:
                fh.write(data)
                if durable:
                    fh.flush()
                    os.fsync(fh.fileno())
            os.replace(tmp, target)
            if durable:
                _fsync_dir(target.parent)
        finally:
            tmp.unlink(missing_ok=True)

    def delete(self, rel: str) -> None:
        self.path(rel).unlink(missing_ok=True)

    def move(self, rel: str, target: str) -> None:
        dest = self.path(target)
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self.path(rel), dest)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass(frozen=True, slots=True)
class FsspecStorage:
    """An output on an object store: ``fs`` an fsspec filesystem, ``root`` the prefix
    without the protocol (``bucket/out``)."""

    fs: Any
    root: str
    protocol: str
    options: Mapping[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"{self.protocol}://{self.root.lstrip('/')}"

    @property
    def local(self) -> None:
        return None

    def _path(self, rel: str) -> str:
        return f"{self.root}/{rel}" if rel else self.root

    def key(self, rel: str) -> str:
        """The filesystem path of ``rel`` (``bucket/prefix/rel``)."""
        return self._path(rel)

    @contextlib.contextmanager
    def guard(self, what: str, rel: str) -> Iterator[None]:
        """The driver's own errors (the store unreachable after the retries, a refused
        request) as one ``StorageError`` naming the store and the object; ``OSError``s such
        as FileNotFoundError pass as they are."""
        try:
            yield
        except OSError:
            raise
        except driver_errors() as exc:
            raise StorageError(f"the object store failed to {what} {self._path(rel)} at "
                               f"{self.url}: {exc}") from None

    def list(self, prefix: str) -> list[str]:
        self.fs.invalidate_cache()  # another process may have written since
        base = self._path(prefix).rstrip("/")
        try:
            with self.guard("list", prefix):
                found = self.fs.find(base)
        except FileNotFoundError:
            return []
        start = len(self.root) + 1
        return sorted(p[start:] for p in found if p.startswith(self.root + "/"))

    def exists(self, rel: str) -> bool:
        self.fs.invalidate_cache(self._path(rel))
        try:
            with self.guard("look up", rel):
                self.fs.info(self._path(rel))  # not fs.exists: False when unreachable
        except FileNotFoundError:
            return False
        return True

    def size(self, rel: str) -> int:
        with self.guard("look up", rel):
            return int(self.fs.size(self._path(rel)))

    def read_bytes(self, rel: str) -> bytes:
        with self.guard("read", rel):
            data: bytes = self.fs.cat_file(self._path(rel))
        return data

    def put(self, rel: str, data: bytes, durable: bool = False) -> None:
        with self.guard("write", rel):
            self.fs.pipe_file(self._path(rel), data)  # one PUT: visible whole or not at all

    def delete(self, rel: str) -> None:
        with contextlib.suppress(FileNotFoundError), self.guard("delete", rel):
            self.fs.rm_file(self._path(rel))

    def move(self, rel: str, target: str) -> None:
        with self.guard("copy", rel):
            self.fs.copy(self._path(rel), self._path(target))  # a server-side copy, then
        self.delete(rel)

    def create_exclusive(self, rel: str, data: bytes) -> bool | None:
        """Create ``rel`` only if it does not exist: True when created, False when it
        existed, None when the store cannot tell (no conditional PUT)."""
        try:
            with self.guard("create", rel), self.fs.open(self._path(rel), "xb") as fh:
                fh.write(data)
        except FileExistsError:
            return False
        except (NotImplementedError, ValueError, TypeError):
            return None
        return True


@functools.cache
def driver_errors() -> tuple[type[Exception], ...]:
    """The exceptions of the object-store drivers that are not ``OSError``s (botocore's
    ``EndpointConnectionError`` when the store is gone, aiohttp's client errors)."""
    found: list[type[Exception]] = []
    with contextlib.suppress(ImportError):
        from botocore.exceptions import BotoCoreError, ClientError

        found += [BotoCoreError, ClientError]
    with contextlib.suppress(ImportError):
        from aiohttp import ClientError as HttpClientError

        found.append(HttpClientError)
    return tuple(found)


# Transient errors (the store unreachable, throttled, a 5xx) are retried by botocore with
# exponential back-off (its "standard" mode), not by our code, for the output and an input URL.
S3_CONFIG = {"retries": {"max_attempts": 5, "mode": "standard"}, "connect_timeout": 5}


def fs_options(protocol: str, options: Mapping[str, str] | None) -> dict[str, Any]:
    opts: dict[str, Any] = dict(options or {})
    if protocol in ("s3", "s3a"):
        opts.setdefault("config_kwargs", copy.deepcopy(S3_CONFIG))  # botocore edits it
    return opts


def is_url(location: str | Path) -> bool:
    return isinstance(location, str) and "://" in location


def out_location(text: str) -> Path | str:
    """A command-line output location: a URL as it is, else a local path."""
    if text.startswith("file://"):
        return Path(text[len("file://"):])
    return text if is_url(text) else Path(text)


def location(out: Path | str | Storage, rel: str) -> str:
    """Where ``rel`` of an output is, for people: a local path or a URL."""
    if isinstance(out, Storage):
        return str(out.local / rel) if out.local is not None else f"{out.url}/{rel}"
    if is_url(out):
        return f"{str(out).rstrip('/')}/{rel}"
    return str(Path(out) / rel)


def storage_option(text: str) -> tuple[str, str]:
    """``KEY=VALUE`` of ``--storage-option``."""
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise ValueError(f"a storage option is KEY=VALUE, got {text!r}")
    return key, value


def open_storage(location: Path | str | Storage,
                 options: Mapping[str, str] | None = None) -> Storage:
    """The storage of an output location (a Storage is returned as it is).

    Raises:
        StorageError: the URL's protocol is unknown or its driver is not installed.
    """
    if isinstance(location, Storage):
        return location
    if isinstance(location, Path) or not is_url(location):
        return LocalStorage(Path(location))
    if location.startswith("file://"):
        return LocalStorage(Path(location[len("file://"):]))
    import fsspec

    protocol, _, root = location.partition("://")
    try:
        fs = fsspec.filesystem(protocol, **fs_options(protocol, options))
    except (ImportError, ValueError) as exc:
        raise StorageError(f"cannot open {location}: {exc} (for s3:// install the [s3] "
                           "extra: pip install 'natproj-extract[s3]')") from None
    root = fs._strip_protocol(location).rstrip("/")  # as fs.find names objects
    return FsspecStorage(fs, root, protocol, dict(options or {}))
