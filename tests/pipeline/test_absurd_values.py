"""One absurd number never drops a document: a value that is no finite number in range is
null with its raw text and the flag ``value_unparsed``; a value that still does not fit the
schema is dropped with a warning, and the file's good rows are kept."""

from __future__ import annotations

import math
from pathlib import Path

from docx import Document as DocxDocument

import pipeline
from pipeline.batch.run.runner import RunConfig, run
from pipeline.process import FileResult, validate
from pipeline.sources import SourceFile
from schemas.rows import DocumentRow, FinanceRow, IndicatorRow
from tests.pipeline.batch_corpus import docx_report

HUGE = "9" * 401


def test_a_401_digit_cell_costs_its_value_not_the_document(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / "report.docx"
    docx_report(0, path)
    doc = DocxDocument(str(path))
    doc.tables[0].cell(2, 3).text = f"не менее {HUGE}%"
    doc.save(str(path))
    summary = run(RunConfig(folder, tmp_path / "out", workers=0))
    assert summary.failed == 0
    tables = pipeline.load(tmp_path / "out")
    assert list(tables["documents"]["status"]) == ["ok"]
    rows = tables["indicators"].sort_values("locator").to_dict("records")
    assert len(rows) == 3  # the good rows are kept
    bad = next(r for r in rows if HUGE in (r["planned_text"] or ""))
    assert math.isnan(bad["planned_value"])  # null
    assert "value_unparsed" in list(bad["flags"])
    assert all(r["planned_value"] > 0 for r in rows if r is not bad)


def _result() -> FileResult:
    src = SourceFile(Path("x.docx"), "x.docx", "0123456789abcdef", 1, 0.0)
    return FileResult(
        src, DocumentRow(doc_id=src.doc_id, source_path="x.docx", status="ok", warnings=[]),
        [IndicatorRow(doc_id=src.doc_id, indicator_raw="a", planned_value=math.inf,
                      planned_text="∞", actual_value=5.0),
         IndicatorRow(doc_id=src.doc_id, indicator_raw="b", planned_value=7.0),
         IndicatorRow(doc_id=5, indicator_raw="c")],  # type: ignore[arg-type]
        finance=[FinanceRow(doc_id=src.doc_id, planned_rub=math.nan, spent_rub=3.0)])


def test_validation_drops_the_value_that_does_not_fit_not_the_file():
    res = validate(_result())
    assert res.document.status == "partial"
    assert res.document.warnings[-1].startswith("3 value(s) did not fit the output schema")
    assert res.document.error == res.document.warnings[-1]
    assert [r.indicator_raw for r in res.indicators] == ["a", "b"]  # bad doc_id: row dropped
    a, b = res.indicators
    assert (a.planned_value, a.planned_text, a.actual_value) == (None, "∞", 5.0)
    assert a.flags == ["value_unparsed"]
    assert (b.planned_value, b.flags) == (7.0, [])
    assert (res.finance[0].planned_rub, res.finance[0].spent_rub) == (None, 3.0)


def test_a_documents_row_whose_doc_id_does_not_fit_fails_the_file():
    res = _result()
    res.document = DocumentRow(doc_id=7, status="ok")  # type: ignore[arg-type]
    assert validate(res).document.status == "failed"
