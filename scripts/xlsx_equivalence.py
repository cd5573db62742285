"""Compare two XLSX readers file by file: ``extractors.xlsx`` against an older copy of it.

Usage: ``python scripts/xlsx_equivalence.py OLD_XLSX_PY FOLDER_OR_FILE...``

``OLD_XLSX_PY`` is a copy of ``extractors/xlsx.py`` from an older commit (e.g.
``git show main:extractors/xlsx.py > /tmp/old_xlsx.py``). Every ``*.xlsx`` under the folders is
read by both; the Documents are compared block by block and cell by cell (text, row, col,
spans, locators, paragraphs), and for files that fail, the error class and message. Prints one
line per difference and a summary; exit status 1 when any differ.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
from pathlib import Path
from typing import Any

from extractors import xlsx
from extractors.errors import ExtractionError
from extractors.model import Document, Table

log = logging.getLogger("xlsx_equivalence")


def _load(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location("old_xlsx", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _outcome(fn: Any, path: Path) -> Document | tuple[str, str]:
    try:
        return fn(path)  # type: ignore[no-any-return]
    except ExtractionError as exc:
        return (type(exc).__name__, str(exc))
    except Exception as exc:  # an unexpected crash is a result to compare
        return (f"crash {type(exc).__name__}", str(exc))


def compare(old: Document | tuple[str, str], new: Document | tuple[str, str]) -> list[str]:
    if not isinstance(old, Document) or not isinstance(new, Document):
        if isinstance(old, Document) or isinstance(new, Document) or old[0] != new[0]:
            return [f"outcome: {_short(old)} -> {_short(new)}"]
        return [] if old[1] == new[1] else [f"message: {old[1]!r} -> {new[1]!r}"]
    diffs: list[str] = []
    if len(old.blocks) != len(new.blocks):
        diffs.append(f"blocks: {len(old.blocks)} -> {len(new.blocks)}")
    for i, (a, b) in enumerate(zip(old.blocks, new.blocks, strict=False)):
        if a == b:
            continue
        if isinstance(a, Table) and isinstance(b, Table):
            if (a.n_rows, a.n_cols, a.locator) != (b.n_rows, b.n_cols, b.locator):
                diffs.append(f"block {i}: {a.locator} {a.n_rows}x{a.n_cols} -> "
                             f"{b.locator} {b.n_rows}x{b.n_cols}")
            cells_a = {(c.row, c.col): c for c in a.cells}
            cells_b = {(c.row, c.col): c for c in b.cells}
            for key in sorted(cells_a.keys() | cells_b.keys()):
                if cells_a.get(key) != cells_b.get(key):
                    diffs.append(f"block {i} cell {key}: {cells_a.get(key)} -> "
                                 f"{cells_b.get(key)}")
            if a.row_pages != b.row_pages or a.row_lines != b.row_lines:
                diffs.append(f"block {i}: row pages/lines differ")
        else:
            diffs.append(f"block {i}: {a!r} -> {b!r}")
    for attr in ("format", "pages"):
        if getattr(old, attr) != getattr(new, attr):
            diffs.append(f"{attr}: {getattr(old, attr)} -> {getattr(new, attr)}")
    return diffs


def _short(x: Document | tuple[str, str]) -> str:
    return f"Document({len(x.blocks)} blocks)" if isinstance(x, Document) else f"{x[0]}: {x[1]}"


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    old_mod = _load(Path(argv[0]))
    files = sorted({f for a in argv[1:] for f in (
        [Path(a)] if Path(a).is_file() else Path(a).rglob("*.xlsx"))})
    n_diff = n_err = 0
    for f in files:
        old, new = _outcome(old_mod.extract, f), _outcome(xlsx.extract, f)
        n_err += not isinstance(old, Document)
        diffs = compare(old, new)
        if diffs:
            n_diff += 1
            log.info("DIFF %s (%d)", f, len(diffs))
            for d in diffs[:8]:
                log.info("   %s", d)
    log.info("%d files (%d failing in the old reader), %d with differences",
             len(files), n_err, n_diff)
    return 1 if n_diff else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
