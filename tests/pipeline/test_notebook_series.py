"""notebooks/series.ipynb runs (nbclient) on a small output built here — a passport with
targets 2019-2024 and two execution reports of one municipality — and shows that
municipality's series, a chart of target against fact by year, and the flagged rows in
Russian."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.batch.run.runner import RunConfig, run
from tests.pipeline.series_docs import PLACE, SHARE, passport, report

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_series_notebook_runs_on_a_built_output(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    inp = tmp_path / "in"
    inp.mkdir()
    passport(inp / "passport.xlsx", "15.01.2019", [65, 70, 75, 78, 80, 82])
    report(inp / "report_2020.docx", 2020, "20.01.2021", ("70", "71", "", ""), ("300", "310"))
    report(inp / "report_2021.docx", 2021, "25.01.2022", ("74", "76", "", ""), ("400", "390"))
    out = tmp_path / "out"
    run(RunConfig(input=inp, out=out, workers=0))
    monkeypatch.setenv("PIPELINE_OUT", str(out))
    monkeypatch.delenv("PIPELINE_PLACE", raising=False)
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's inline backend: PNGs
    nb = nbformat.read(REPO / "notebooks" / "series.ipynb", as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(REPO / "notebooks")}})
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "Строк в рядах: 12, муниципалитетов: 1, показателей: 2" in text
    assert f"Муниципалитет: {PLACE}; показателей 2, строк 12" in text
    assert "Строк с отметками: 3 из 12" in text  # 2021: plan ≠ target; 2019 ×2: no fact
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 1  # target against fact
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    for shown in (SHARE, "Целевое значение", "Факт", "план отчёта отличается от цели",
                  "нет факта за прошедший год", "таблица 1, лист «Sheet», строка 4",
                  "таблица 1, строка 2"):
        assert shown in html, shown
