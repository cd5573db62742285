"""Regression guard: the pipeline on the shared seeds and dev corpus, scored by the shared
scorer, must stay at the issue's acceptance levels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.batch.run.runner import RunConfig, run
from tests.modules import load_module

SHARED = Path(__file__).resolve().parents[3] / "shared"


def score(out: Path, truth: Path, tmp: Path) -> dict:
    mod = load_module(SHARED / "tools" / "score.py")
    report = tmp / "report.json"
    assert mod.main(["--out", str(out), "--truth", str(truth), "--json", str(report)]) == 0
    return json.loads(report.read_text(encoding="utf-8"))


@pytest.mark.slow
@pytest.mark.parametrize(("corpus", "f1", "field"), [("seeds", 0.95, 0.95), ("dev", 0.93, 0.93)])
def test_corpus_scores(corpus: str, f1: float, field: float, tmp_path: Path):
    truth = SHARED / "corpus" / corpus
    if not truth.exists():
        pytest.skip("shared corpus not beside the repository")
    run(RunConfig(truth, tmp_path / "out", workers=2))
    report = score(tmp_path / "out", truth, tmp_path)
    assert not report["documents_missing"]
    ind = report["indicators"]
    assert ind["f1"] >= f1
    for name in ("planned_value", "actual_value", "completion_pct", "status", "unit",
                 "comparator"):
        assert ind["fields"][name]["accuracy"] >= field, name
    assert report["activities"]["f1"] >= 0.9
    assert report["finance"]["f1"] >= 0.9
    if corpus == "dev":
        assert report["bad_inputs"]["reported"]["accuracy"] == 1.0
