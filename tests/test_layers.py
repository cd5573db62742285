"""Architecture rules: layer imports and module size."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ALLOWED = {"schemas": {"schemas"}, "extractors": {"schemas", "extractors"},
           "pipeline": {"schemas", "extractors", "pipeline"}}
MAX_LINES = 400


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_layer_imports(package: str):
    ours = set(ALLOWED)
    bad = []
    for path in modules(package):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top in ours and top not in ALLOWED[package]:
                    bad.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not bad


def test_no_module_over_the_size_limit():
    too_long = [
        f"{p.relative_to(ROOT)}: {n}"
        for pkg in ALLOWED for p in modules(pkg)
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]
    assert not too_long


# inside pipeline: the domain packages know nothing of the batch machinery, and the
# interpreters nothing of normalisation (names are made canonical by the normalise step)
DOMAIN_FORBIDDEN = {"interpret": ("pipeline.batch", "pipeline.normalise", "pipeline.process"),
                    "grammar": ("pipeline.batch", "pipeline.normalise", "pipeline.interpret",
                                "pipeline.process"),
                    "normalise": ("pipeline.batch", "pipeline.process")}


@pytest.mark.parametrize("package", sorted(DOMAIN_FORBIDDEN))
def test_domain_packages_stay_out_of_the_batch_layer(package: str):
    bad = []
    for path in modules(f"pipeline/{package}"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.ImportFrom) and node.module and node.level == 0
                    and node.module.startswith(DOMAIN_FORBIDDEN[package])):
                bad.append(f"{path.relative_to(ROOT)} imports {node.module}")
    assert not bad


def _imports(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
    return out


def test_the_one_file_chain_knows_nothing_of_the_batch():
    """``pipeline.process`` (one file: extract → interpret → normalise → validate) takes a
    ``pipeline.sources.SourceFile`` and imports nothing of ``pipeline.batch``."""
    assert not {m for m in _imports(ROOT / "pipeline" / "process.py")
                if m.startswith("pipeline.batch")}


# the batch package is split by step, as dlt splits its own: each step a sub-package
BATCH_STEPS = {"run", "load", "review"}


def test_the_batch_package_is_split_by_step():
    batch = ROOT / "pipeline" / "batch"
    assert {p.name for p in batch.iterdir() if p.is_dir() and (p / "__init__.py").exists()
            } == BATCH_STEPS
    assert [p.name for p in batch.glob("*.py")] == ["__init__.py"]
    # the load step writes and commits (applying the analysts' row decisions); it neither
    # runs files nor writes the report or the review
    forbidden = ("pipeline.batch.run", "pipeline.batch.review.report",
                 "pipeline.batch.review.finish", "pipeline.batch.review.names")
    for path in modules("pipeline/batch/load"):
        assert not {m for m in _imports(path) if m.startswith(forbidden)}, path
