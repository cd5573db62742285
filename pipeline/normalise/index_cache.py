"""On-disk cache of built phrase indexes: the case forms of ~12,000 place-name variants cost
seconds to derive (pymorphy3 inflections) and a fraction of that to read back.

The cache is JSON, never pickle: a file planted in the cache folder is data and cannot run
code. The file's name and its content both carry a hash of everything the index is built
from (the written variants and the source of the modules that decline them), so a changed
vocabulary or declension rule builds afresh. A file is used only when its format version,
name and hash match and every value has the expected structure and type; anything else (a
damaged, foreign or hostile file, a FIFO, a huge file) is logged and the index rebuilt and
rewritten, never an error. ``PIPELINE_CACHE_DIR`` sets the folder (default
``~/.cache/np-pipeline``); ``PIPELINE_CACHE_DIR=off`` disables it. An unwritable cache is
ignored.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.normalise import forms, phrases
from pipeline.normalise.phrases import PhraseIndex

log = logging.getLogger(__name__)
CODE = (Path(forms.__file__), Path(phrases.__file__))
FORMAT = "np-phrase-index-cache"
FORMAT_VERSION = 1
MAX_BYTES = 64 << 20  # the real gazetteer's file is ~3 MB
MAX_KEY_TOKENS = 64
Pair = tuple[PhraseIndex, PhraseIndex]


class BadCache(ValueError):
    """A cache file that is not one this module wrote for the same input."""


def cache_dir() -> Path | None:
    """The cache folder, or None when caching is off."""
    value = os.environ.get("PIPELINE_CACHE_DIR", "")
    if value.lower() == "off":
        return None
    return Path(value) if value else Path.home() / ".cache" / "np-pipeline"


def digest(data: object) -> str:
    """Hash of ``repr(data)`` and of the declension code."""
    h = hashlib.sha256(repr(data).encode("utf-8"))
    for path in CODE:
        h.update(path.read_bytes())
    return h.hexdigest()[:24]


def index_to_json(index: PhraseIndex) -> dict[str, Any]:
    """An index as JSON values that parse fast: each canonical name once (``names``); the
    keys as one text, a line each, tokens between spaces; for each key the position in
    ``names`` of its name (a list when it has several); the key lengths by first token
    (stored: deriving them costs as much as the rest of the reading).

    Raises:
        BadCache: a token is empty or holds a space or a line break (not storable so).
    """
    names: dict[str, int] = {}
    refs: list[int | list[int]] = []
    for values in index.keys.values():
        at = [names.setdefault(v, len(names)) for v in values]
        refs.append(at[0] if len(at) == 1 else at)
    lines = [" ".join(key) for key in index.keys]
    if any(not t or " " in t or "\n" in t for key in index.keys for t in key):
        raise BadCache("a token is empty or holds a space or a line break")
    return {"names": list(names), "keys": "\n".join(lines), "refs": refs,
            "lengths": {w: list(ns) for w, ns in index.lengths.items()}}


def _names(ref: Any, names: list[str]) -> tuple[str, ...]:
    n = len(names)
    if type(ref) is int and 0 <= ref < n:
        return (names[ref],)
    if (isinstance(ref, list) and ref
            and all(type(i) is int and 0 <= i < n for i in ref)):
        return tuple(names[i] for i in ref)
    raise BadCache("a key's names are not positions in names")


def index_from_json(obj: Any) -> PhraseIndex:
    """The index ``index_to_json`` gave, its structure and types checked.

    Raises:
        BadCache: anything else.
    """
    if not isinstance(obj, dict) or set(obj) != {"names", "keys", "refs", "lengths"}:
        raise BadCache("an index is not an object of names, keys, refs and lengths")
    names, keys, refs = obj["names"], obj["keys"], obj["refs"]
    if not isinstance(names, list) or not all(type(v) is str for v in names):
        raise BadCache("names is not a list of strings")
    if not isinstance(keys, str) or not isinstance(refs, list):
        raise BadCache("keys is not a text or refs not a list")
    lines = keys.split("\n") if keys else []
    if len(lines) != len(refs):
        raise BadCache("keys and refs differ in length")
    if "  " in keys or keys.startswith(" ") or " \n" in keys or "\n " in keys:
        raise BadCache("a key has an empty token")
    singles = [(names[r],) for r in range(len(names))]  # shared, as pickle shares them
    n = len(names)
    out = {tuple(line.split(" ")): singles[ref] if type(ref) is int and 0 <= ref < n
           else _names(ref, names) for line, ref in zip(lines, refs, strict=True)}
    if len(out) != len(lines) or () in out or ("",) in out:
        raise BadCache("a key is repeated or empty")
    return PhraseIndex(out, _lengths(obj["lengths"]))


def _lengths(obj: Any) -> dict[str, tuple[int, ...]]:
    if not isinstance(obj, dict) or not all(
            type(ns) is list and all(type(n) is int and 0 < n <= MAX_KEY_TOKENS for n in ns)
            for ns in obj.values()):
        raise BadCache("lengths is not an object of lists of token counts")
    return {w: tuple(ns) for w, ns in obj.items()}


def _read(path: Path) -> bytes:
    """The bytes of a regular file of at most ``MAX_BYTES`` (a FIFO is never waited on)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_BYTES:
            raise BadCache(f"not a regular file of at most {MAX_BYTES} bytes")
        return fh.read(MAX_BYTES + 1)


def load(path: Path, name: str, key: str) -> Pair:
    """The indexes stored at ``path`` for ``name`` built from input hashed ``key``.

    Raises:
        OSError: the file cannot be read (FileNotFoundError when there is none).
        BadCache: it is not such a file.
    """
    data = _read(path)
    collecting = gc.isenabled()
    gc.disable()  # ~100,000 new objects, none of them garbage: a quarter of the time
    try:
        return _parse(data, name, key)
    finally:
        if collecting:
            gc.enable()


def _parse(data: bytes, name: str, key: str) -> Pair:
    try:
        obj = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError, JSONDecodeError
        raise BadCache(f"not JSON ({type(exc).__name__})") from None
    if not isinstance(obj, dict):
        raise BadCache("not a JSON object")
    head = {k: obj.get(k) for k in ("format", "version", "name", "digest")}
    if head != {"format": FORMAT, "version": FORMAT_VERSION, "name": name, "digest": key}:
        raise BadCache("written by another version or for another input")
    indexes = obj.get("indexes")
    if not isinstance(indexes, list) or len(indexes) != 2:
        raise BadCache("indexes is not a list of two")
    return index_from_json(indexes[0]), index_from_json(indexes[1])


def _save(folder: Path, path: Path, name: str, key: str, value: Pair) -> None:
    obj = {"format": FORMAT, "version": FORMAT_VERSION, "name": name, "digest": key,
           "indexes": [index_to_json(i) for i in value]}
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode())
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def cached(name: str, data: object, build: Callable[[], Pair]) -> Pair:
    """``build()``'s two indexes, read from the cache when built before from the same
    ``data``; a missing or unusable cache file is (re)written."""
    folder = cache_dir()
    if folder is None:
        return build()
    key = digest(data)
    path = folder / f"{name}-{key}.json"
    try:
        return load(path, name, key)
    except FileNotFoundError:
        log.debug("no phrase-index cache %s yet: building it", path)
    except (OSError, BadCache) as exc:
        log.info("phrase-index cache %s is not usable (%s): rebuilding it", path, exc)
    value = build()
    try:
        _save(folder, path, name, key, value)
    except (OSError, BadCache) as exc:
        log.debug("index cache not written to %s: %s", folder, exc)
    return value
