"""On-disk cache of built phrase indexes: the case forms of ~12,000 place-name variants cost
seconds to derive (pymorphy3 inflections) and a fraction of that to unpickle.

The cache file's name is a hash of everything the index is built from (the written variants
and the source of the modules that decline them), so a changed vocabulary or declension rule
builds afresh. ``PIPELINE_CACHE_DIR`` sets the folder (default ``~/.cache/np-pipeline``);
``PIPELINE_CACHE_DIR=off`` disables it. An unreadable or unwritable cache is ignored.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pipeline.normalise import forms, phrases

log = logging.getLogger(__name__)
T = TypeVar("T")
CODE = (Path(forms.__file__), Path(phrases.__file__))


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


def cached(name: str, data: object, build: Callable[[], T]) -> T:
    """``build()``'s result, read from the cache when built before from the same ``data``."""
    folder = cache_dir()
    if folder is None:
        return build()
    path = folder / f"{name}-{digest(data)}.pickle"
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)  # type: ignore[no-any-return]
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    value = build()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError as exc:
        log.debug("index cache not written to %s: %s", folder, exc)
    return value
