"""The XLSX benchmark set is deterministic and reads as the project reads workbooks; the
XLSX target is derived from the side-by-side figures."""

from __future__ import annotations

import zipfile
from pathlib import Path

from bench.gen_xlsx import WIDE_COLS, ensure_xlsx, sheet_count, xlsx_bytes
from bench.report import _xlsx_targets
from extractors import xlsx


def test_same_seed_same_bytes_other_seed_other_bytes() -> None:
    assert xlsx_bytes(1, 7) == xlsx_bytes(1, 7)
    assert xlsx_bytes(1, 7) != xlsx_bytes(1, 8)


def test_workbooks_read_with_merges_shared_strings_and_cached_formulas(tmp_path: Path) -> None:
    paths = ensure_xlsx(3, seed=7, root=tmp_path)
    assert [sheet_count(p) for p in paths] == [1, 2, 1]
    plan_fact = xlsx.extract(paths[1]).tables[0]
    assert any(c.col_span > 1 for c in plan_fact.cells)
    assert any(c.text.endswith("%") for c in plan_fact.cells)  # a formula's cached share
    assert plan_fact.n_cols == 8  # ~1000 formatted empty columns trimmed
    with zipfile.ZipFile(paths[1]) as z:
        assert "xl/sharedStrings.xml" in z.namelist()
        assert z.read("xl/worksheets/sheet1.xml").count(b"<c ") > WIDE_COLS
    assert ensure_xlsx(3, seed=7, root=tmp_path) == paths  # cached


def test_xlsx_target_from_ratios() -> None:
    ratios = {"xlsx": {"bare": {"cpu": 3.5}, "bare-ro": {"cpu": 1.2}},
              "xlsx_real": {"bare": {"cpu": 2.0}}}
    met = [t["met"] for t in _xlsx_targets(ratios)]
    assert met == [True, False]
