"""For the data team: docs/DATA.md in step with the schemas; the notebook runs on an output."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.batch.run.runner import RunConfig, run
from tests.modules import load_script
from tests.pipeline.batch_corpus import SEEDS, copy_seeds

REPO = Path(__file__).resolve().parents[2]


def test_data_dictionary_is_in_step_with_the_schemas():
    gen = load_script("gen_data_dict")
    current = (REPO / "docs" / "DATA.md").read_text(encoding="utf-8")
    assert current == gen.render(), "run: .venv/bin/python scripts/gen_data_dict.py"
    assert gen.main(["--check"]) == 0


@pytest.mark.slow
def test_notebook_runs_on_the_output_of_the_seeds(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    folder = tmp_path / "in"
    if SEEDS.exists():
        copy_seeds(folder)
    else:  # the repository's own sample reports
        folder.symlink_to(REPO / "data" / "raw")
    out = tmp_path / "out"
    run(RunConfig(folder, out, workers=2))
    monkeypatch.setenv("PIPELINE_OUT", str(out))
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's inline backend: PNGs
    nb = nbformat.read(REPO / "notebooks" / "explore.ipynb", as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(REPO / "notebooks")}})
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 2
    assert "Учитель будущего" in str(outputs)
