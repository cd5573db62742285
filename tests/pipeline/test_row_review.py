"""Review of uncertain rows (issue 23): the sheet «Проверка строк» of the review workbook lists
the indicator and finance rows under the confidence threshold; «удалить» removes a row from
the stored rows on the next plain run without reading the file, «оставить» keeps it, and a
decision holds for the same file content read again (``--full``)."""

from __future__ import annotations

import csv
import logging
import shutil
from pathlib import Path

import pyarrow as pa
import pytest
from openpyxl import Workbook, load_workbook

from pipeline.batch.load.manifest import load_manifest
from pipeline.batch.load.write import rows_to_table, write_rows
from pipeline.batch.review.row_decisions import (
    ROW_DECISIONS_FILE,
    RowDecision,
    RowDecisions,
    Verdict,
    drop_mask,
    keep_rows,
    load_row_decisions,
    merge_filled,
    row_key,
    save_row_decisions,
)
from pipeline.batch.review.row_sheet import ROW_COLUMNS, ROW_SHEET, add_row_sheet, read_row_sheet
from pipeline.batch.review.rows import row_review_rows
from pipeline.batch.run.runner import RunConfig, run
from pipeline.interpret.plausibility import REVIEW_THRESHOLD
from pipeline.load import read_table

HEAD = ["Показатели цели и задач муниципальной программы, единицы измерения",
        "Год разработки программы", "2015 год", "2016 год"]
SURE = "Доля детей, охваченных программой, %"
VAGUE = "Прочие"  # a part of something named elsewhere: confidence under the threshold
TITLE = {c.key: c.title for c in ROW_COLUMNS}


@pytest.fixture
def passport_folder(tmp_path: Path, make_docx) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    rows = [HEAD, [SURE, "40", "41", "42"], [VAGUE, "1", "2", "3"]]
    path = make_docx(name="passport.docx", paragraphs=("Паспорт муниципальной программы",),
                     tables=((rows, []),))
    shutil.move(path, folder / "passport.docx")
    return folder


def _indicators(out: Path) -> dict[tuple[str, int], dict]:
    rows = read_table(out, "indicators").to_pylist()
    return {(r["indicator_raw"], r["year"]): r for r in rows}


def _sheet(out: Path) -> list[dict[str, str]]:
    return read_row_sheet(out / "review" / "indicators.xlsx")


def _decide(out: Path, name: str, year: int, decision: str) -> None:
    """Type a decision into the rows sheet, as an analyst does in Excel."""
    path = out / "review" / "indicators.xlsx"
    wb = load_workbook(path)
    ws = wb[ROW_SHEET]
    col = {c.value: c.column for c in ws[1]}
    hits = 0
    for row in ws.iter_rows(min_row=2):
        if (row[col[TITLE["name"]] - 1].value == name
                and row[col[TITLE["year"]] - 1].value == year):
            ws.cell(row[0].row, col[TITLE["decision"]], decision)
            hits += 1
    assert hits == 1
    wb.save(path)


def _processed_at(out: Path) -> dict[str, int]:
    return {p: e.processed_us for p, e in load_manifest(out).entries.items()}


def _row_decisions(out: Path) -> list[dict[str, str]]:
    with (out / ROW_DECISIONS_FILE).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_vague_row_is_uncertain_and_listed(passport_folder: Path, tmp_path: Path):
    out = tmp_path / "out"
    summary = run(RunConfig(passport_folder, out, workers=0))
    rows = _indicators(out)
    assert rows[(VAGUE, 2015)]["confidence"] < REVIEW_THRESHOLD <= rows[(SURE, 2015)][
        "confidence"]
    wb = load_workbook(out / "review" / "indicators.xlsx", read_only=True)
    assert wb.sheetnames[:2] == ["Проверка названий", ROW_SHEET]
    wb.close()
    wb = load_workbook(out / "review" / "indicators.xlsx")
    ws = wb[ROW_SHEET]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref.startswith("A1:")
    assert [c.value for c in ws[1]] == [c.title for c in ROW_COLUMNS]  # Russian headers
    lists = [dv.formula1 for dv in ws.data_validations.dataValidation]
    assert lists == ['"оставить,удалить"']
    sheet = _sheet(out)
    assert [(r["name"], r["year"], r["table"], r["state"]) for r in sheet] == [
        (VAGUE, "2015", "indicators", "проверить"), (VAGUE, "2016", "indicators", "проверить")]
    assert all(r["file"] == "passport.docx" and r["locator"] == "table 1 row 3"
               and r["place"] == "таблица 1, строка 3" for r in sheet)  # stored, and Russian
    assert [r["planned"] for r in sheet] == ["2", "3"]
    assert summary.report["review"]["rows_to_check"] == 2


def test_a_dropped_row_leaves_the_output_without_reading_the_file(
        passport_folder: Path, tmp_path: Path):
    out = tmp_path / "out"
    cfg = RunConfig(passport_folder, out, workers=0)
    run(cfg)
    before, read_at = _indicators(out), _processed_at(out)
    _decide(out, VAGUE, 2015, "удалить")
    summary = run(cfg)  # a plain run: no --full
    assert summary.processed == 0  # nothing was read again
    assert summary.report["plan"]["row_decisions"] == 1
    assert _processed_at(out) == read_at  # the manifest entry was not processed anew
    after = _indicators(out)
    assert set(before) - set(after) == {(VAGUE, 2015)}
    assert all(after[k] == before[k] for k in after)  # the other rows unchanged
    entry = load_manifest(out).entries["passport.docx"]
    assert entry.rows["indicators"] == len(after)
    assert entry.dropped_rows == {row_key(entry.doc_id, "indicators", "table 1 row 3", 2015,
                                          VAGUE)}
    assert _row_decisions(out) == [{
        "doc_id": entry.doc_id, "table": "indicators", "locator": "table 1 row 3",
        "year": "2015", "name": VAGUE, "decision": "удалить", "note": "",
        "file": "passport.docx"}]
    sheet = {(r["name"], r["year"]): r for r in _sheet(out)}
    assert sheet[(VAGUE, "2015")]["state"] == "решено"  # still shown, decided
    assert sheet[(VAGUE, "2015")]["decision"] == "удалить"
    assert sheet[(VAGUE, "2016")]["state"] == "проверить"
    assert summary.report["review"]["rows_decided"] == 1
    again = run(cfg)
    assert again.processed == 0
    assert again.report["plan"].get("row_decisions") is None  # applied once


def test_a_kept_row_stays_and_is_decided(passport_folder: Path, tmp_path: Path):
    out = tmp_path / "out"
    cfg = RunConfig(passport_folder, out, workers=0)
    run(cfg)
    before = _indicators(out)
    _decide(out, VAGUE, 2016, " Оставить ")  # case and spacing are forgiven
    summary = run(cfg)
    assert summary.processed == 0
    assert summary.report["plan"].get("row_decisions") is None  # no data changes
    assert _indicators(out) == before
    assert [(r["name"], r["year"], r["decision"]) for r in _row_decisions(out)] == [
        (VAGUE, "2016", "оставить")]
    sheet = {(r["name"], r["year"]): r for r in _sheet(out)}
    assert (sheet[(VAGUE, "2016")]["state"], sheet[(VAGUE, "2016")]["decision"]) == (
        "решено", "оставить")
    assert sheet[(VAGUE, "2015")]["state"] == "проверить"
    assert (summary.report["review"]["rows_to_check"],
            summary.report["review"]["rows_decided"]) == (1, 1)


def test_a_decision_survives_a_full_run_and_a_lost_workbook(passport_folder: Path,
                                                             tmp_path: Path):
    out = tmp_path / "out"
    run(RunConfig(passport_folder, out, workers=0))
    _decide(out, VAGUE, 2015, "удалить")
    run(RunConfig(passport_folder, out, workers=0))
    (out / "review" / "indicators.xlsx").unlink()  # row_decisions.csv holds the decision
    full = run(RunConfig(passport_folder, out, workers=0, full=True))
    assert full.processed == 1  # the file was read again ...
    assert (VAGUE, 2015) not in _indicators(out)  # ... and the decision applied to its rows
    assert (VAGUE, 2016) in _indicators(out)
    assert load_manifest(out).entries["passport.docx"].rows["indicators"] == 3
    plain = run(RunConfig(passport_folder, out, workers=0))
    assert plain.processed == 0
    assert plain.report["plan"].get("row_decisions") is None
    assert (VAGUE, 2015) not in _indicators(out)


def test_a_withdrawn_drop_reads_the_file_again(passport_folder: Path, tmp_path: Path,
                                               caplog: pytest.LogCaptureFixture):
    out = tmp_path / "out"
    cfg = RunConfig(passport_folder, out, workers=0)
    run(cfg)
    _decide(out, VAGUE, 2015, "удалить")
    run(cfg)
    _decide(out, VAGUE, 2015, "оставить")  # over the «удалить» of the decided row
    with caplog.at_level(logging.INFO, logger="pipeline"):  # whatever level a CLI test left
        summary = run(cfg)
    assert "read again to restore" in caplog.text
    assert summary.report["plan"]["restore"] == 1
    assert summary.processed == 1
    assert (VAGUE, 2015) in _indicators(out)
    assert load_manifest(out).entries["passport.docx"].dropped_rows == frozenset()
    assert [r["decision"] for r in _row_decisions(out)] == ["оставить"]
    (out / ROW_DECISIONS_FILE).write_text(  # a decision withdrawn by hand: nothing to do
        "doc_id,table,locator,year,name,decision,note,file\n", encoding="utf-8")
    (out / "review" / "indicators.xlsx").unlink()
    assert run(cfg).processed == 0


def test_a_wrong_decision_is_a_warning_and_stays_in_the_sheet(
        passport_folder: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture):
    out = tmp_path / "out"
    cfg = RunConfig(passport_folder, out, workers=0)
    run(cfg)
    _decide(out, VAGUE, 2015, "может быть")
    with caplog.at_level(logging.WARNING):
        summary = run(cfg)
    assert "neither «оставить» nor «удалить»" in caplog.text
    assert summary.report["plan"].get("row_decisions") is None
    assert not (out / ROW_DECISIONS_FILE).exists()
    sheet = {(r["name"], r["year"]): r for r in _sheet(out)}
    assert sheet[(VAGUE, "2015")]["decision"] == "может быть"  # left for the analyst


def _finance(doc_id: str, source: str, year: int | None, confidence: float,
             locator: str = "line 3") -> dict:
    return {"doc_id": doc_id, "year": year, "source": source, "planned_rub": 1000.0,
            "spent_rub": None, "text": "…", "page": 2, "locator": locator,
            "confidence": confidence}


def test_finance_rows_are_listed_keyed_and_dropped(tmp_path: Path):
    rows = [_finance("d1", "federal", 2021, 0.9), _finance("d1", "unknown", None, 0.45),
            _finance("d2", "unknown", None, 0.45)]
    write_rows(tmp_path, "finance", rows)
    sheet = row_review_rows(tmp_path, RowDecisions(), lambda ids: dict.fromkeys(ids, "f.pdf"))
    assert [(r["doc_id"], r["table"], r["name"], r["year"], r["planned"], r["unit"], r["page"])
            for r in sheet] == [("d1", "finance", "unknown", None, 1000.0, "rub", 2),
                                ("d2", "finance", "unknown", None, 1000.0, "rub", 2)]
    drops = {"d1": frozenset({row_key("d1", "finance", "line 3", None, "unknown")})}
    assert keep_rows("finance", rows, drops) == [rows[0], rows[2]]
    mask = drop_mask(rows_to_table("finance", rows), "finance", drops)
    assert mask is not None
    assert mask.to_pylist() == [False, True, False]
    assert drop_mask(rows_to_table("finance", rows), "finance", {"d3": frozenset({"x"})}) is None


def test_the_sheet_is_bounded_and_least_confident_first(tmp_path: Path):
    rows = [_finance("d1", "unknown", None, c, f"line {i}")
            for i, c in enumerate((0.3, 0.1, 0.45, 0.2))]
    write_rows(tmp_path, "finance", rows)
    sheet = row_review_rows(tmp_path, RowDecisions(), lambda ids: {}, limit=2)
    assert [r["confidence"] for r in sheet] == [0.1, 0.2]


def test_row_decisions_csv_holds_no_formula_and_reads_back(tmp_path: Path):
    d = RowDecision("abc", "indicators", "table 1 row 2", 2021, "=СУММ(A1:A2)", Verdict.DROP,
                    "+проверено", "@file.docx")
    path = tmp_path / "row_decisions.csv"
    save_row_decisions(path, {d.key: d})
    text = path.read_text(encoding="utf-8")
    assert "'=СУММ" in text
    assert "'+проверено" in text
    assert "'@file" in text
    assert load_row_decisions(path) == {d.key: d}


def test_the_sheet_round_trips_a_formula_like_name(tmp_path: Path):
    wb = Workbook()
    row = {"file": "a.docx", "doc_id": "abc", "table": "indicators", "locator": "table 1 row 2",
           "year": 2021, "name": "=1+1", "planned": 5.0, "confidence": 0.3,
           "state": "проверить", "decision": "удалить"}
    add_row_sheet(wb, [row])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    back = read_row_sheet(path)
    assert back[0]["name"] == "=1+1"
    state = merge_filled({}, back)
    assert list(state.decisions) == [row_key("abc", "indicators", "table 1 row 2", 2021,
                                              "=1+1")]
    assert state.drops() == {"abc": frozenset(state.decisions)}


def test_a_later_decision_replaces_the_earlier(tmp_path: Path):
    keep = RowDecision("abc", "finance", "line 2", 2020, "federal", Verdict.KEEP)
    filled = [{"doc_id": "abc", "table": "finance", "locator": "line 2", "year": "2020.0",
               "name": "federal", "decision": "удалить", "note": ""}]
    state = merge_filled({keep.key: keep}, filled)
    assert [d.verdict for d in state.decisions.values()] == [Verdict.DROP]
    assert state.digest != RowDecisions({keep.key: keep}).digest


def test_an_old_manifest_without_dropped_rows_reads(tmp_path: Path, passport_folder: Path):
    """Outputs written before the column: every entry has dropped nothing."""
    import pyarrow.parquet as pq

    out = tmp_path / "out"
    run(RunConfig(passport_folder, out, workers=0))
    table = pq.read_table(out / "_manifest.parquet")
    old = table.drop_columns(["dropped_rows"])
    pq.write_table(pa.table(old.columns, schema=old.schema), out / "_manifest.parquet")
    assert load_manifest(out).entries["passport.docx"].dropped_rows == frozenset()
    assert run(RunConfig(passport_folder, out, workers=0)).processed == 0


def test_the_dry_run_knows_the_row_decisions(passport_folder: Path, tmp_path: Path):
    from pipeline.batch.run.runner import preview

    out = tmp_path / "out"
    cfg = RunConfig(passport_folder, out, workers=0)
    run(cfg)
    doc_id = load_manifest(out).entries["passport.docx"].doc_id
    d = RowDecision(doc_id, "indicators", "table 1 row 3", 2016, VAGUE, Verdict.DROP)
    save_row_decisions(out / ROW_DECISIONS_FILE, {d.key: d})  # recorded, not yet applied
    todo, _ = preview(cfg)
    assert todo.listing() == [("row_decisions", "passport.docx")]
    assert run(cfg).report["plan"]["row_decisions"] == 1
    todo, _ = preview(cfg)
    assert todo.listing() == []  # applied: neither dropped again nor restored
    assert set(_indicators(out)) == {(SURE, 2015), (SURE, 2016), (VAGUE, 2015)}
