"""Load a Python file that is not a package module (a script, the shared scorer)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]


def load_module(path: Path, name: str | None = None) -> ModuleType:
    """The module of the file at ``path``, executed once per call."""
    spec = importlib.util.spec_from_file_location(name or path.stem, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_script(name: str) -> ModuleType:
    """``scripts/<name>.py`` of this repository."""
    return load_module(REPO / "scripts" / f"{name}.py", name)
