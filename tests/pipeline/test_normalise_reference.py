"""The committed vocabulary CSVs are reproducible from the shared reference facts."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.normalise.catalog import vocab_dir
from tests.modules import load_script

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path("/work/shared/reference")
OUR_FILES = ("catalog_national_projects.csv", "catalog_federal_projects.csv",
             "catalog_indicators.csv", "gazetteer_regions.csv", "gazetteer_municipalities.csv")


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared reference facts not available")
def test_build_reference_reproduces_committed_csvs(tmp_path: Path):
    build = load_script("build_reference")
    assert build.main(["--out", str(tmp_path)]) == 0  # type: ignore[attr-defined]
    for name in OUR_FILES:
        assert (tmp_path / name).read_bytes() == (vocab_dir() / name).read_bytes(), name


def test_overrides_file_has_the_documented_header():
    text = (ROOT / "data" / "reference" / "overrides.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "raw_name,canonical,note"
