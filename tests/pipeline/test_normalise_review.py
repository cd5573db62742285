"""Review workbook: low scores and near ties are listed with candidates; overrides are not;
the analysts' decisions are read back, recorded and never lost."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest
from openpyxl import Workbook, load_workbook

from pipeline.batch.load.write import write_rows
from pipeline.batch.review import book, name_groups
from pipeline.batch.review.book import read_review_rows, write_review_book
from pipeline.batch.review.decisions import (
    FORMULA_START,
    ReviewState,
    cell_text,
    cell_value,
    collect_decisions,
    load_decisions,
    with_decisions,
)
from pipeline.batch.review.name_groups import NameTable
from pipeline.batch.review.names import OutsideCatalog, review_rows, write_indicator_review
from pipeline.normalise.catalog import default_catalog
from pipeline.normalise.match import DEFAULT_MARGIN, DEFAULT_THRESHOLD, Match, parse_overrides
from pipeline.normalise.names import Names, NamesSpec, candidates_of
from pipeline.normalise.review import (
    COLUMNS,
    DECISIONS_FILE,
    REASON_TEXT,
    candidate_floor,
    review_reason,
)
from pipeline.sheet_rows import LINE_HEIGHT, row_height, wrapped_lines

GOOD = Match("A", 95.0, "Учитель будущего", "fuzzy", (("A", 95.0), ("B", 60.0)))
TIE = Match("A", 90.0, "Учитель будущего", "fuzzy", (("A", 90.0), ("B", 89.0), ("C", 50.0)))
LOW = Match(None, 55.5, None, "none", (("C", 55.5), ("A", 40.0)))
OVER = Match("A", 100.0, None, "override", (("A", 100.0),))
NONE = Match(None, 40.0, None, "none", (("A", 40.0), ("B", 35.0)))  # noise only


def test_reasons():
    assert review_reason(GOOD, 78, DEFAULT_MARGIN) is None
    assert review_reason(TIE, 78, DEFAULT_MARGIN) == "ambiguous"
    assert review_reason(LOW, 78, DEFAULT_MARGIN) == "below_threshold"
    assert review_reason(OVER, 78, DEFAULT_MARGIN) is None


def _rows(matches: list[Match], names: list[str]) -> list[dict[str, object]]:
    """Indicator rows as a worker leaves them: the review columns set from each match."""
    out: list[dict[str, object]] = []
    for m, name in zip(matches, names, strict=True):
        reason = review_reason(m, DEFAULT_THRESHOLD, DEFAULT_MARGIN)
        out.append({"doc_id": "d", "indicator_raw": name, "indicator_canonical": m.canonical,
                    "match_score": m.score, "year": 2021, "review_reason": reason,
                    "locator": f"table 1 row {len(out) + 2}", "page": 2,
                    "match_candidates": candidates_of(m) if reason else None})
    return out


def test_review_is_read_from_the_rows_the_workers_marked(tmp_path: Path):
    names = ["good", "tie", "low", "low", "over"]
    write_rows(tmp_path, "indicators", _rows([GOOD, TIE, LOW, LOW, OVER], names)[:3])
    write_rows(tmp_path, "indicators", _rows([LOW, OVER], names[3:]))  # a second part
    write_rows(tmp_path, "documents", [{"doc_id": "d", "source_path": "dir/a.docx"}])
    summary = write_indicator_review(tmp_path)
    assert summary.path == tmp_path / "review" / "indicators.xlsx"
    assert (summary.to_check, summary.decided) == (2, 0)
    rows = read_review_rows(summary.path)
    assert [r["raw_name"] for r in rows] == ["low", "tie"]
    low, tie = rows
    # the 40 of LOW is far below the threshold: not shown; the row is
    assert 40.0 < candidate_floor() < 55.5
    assert (low["reason"], low["count"], low["candidate_1"], low["score_1"],
            low["candidate_2"]) == (REASON_TEXT["below_threshold"], "2", "C", "55.5", "")
    assert (low["file"], low["page"]) == ("dir/a.docx", "2")
    # one of its two rows, in Russian
    assert low["locator"] in {"таблица 1, строка 4", "таблица 1, строка 2"}
    assert (tie["reason"], tie["matched"], tie["candidate_2"], tie["candidate_3"]) == (
        REASON_TEXT["ambiguous"], "A", "B", "")


def test_names_are_read_back_a_chunk_at_a_time_in_order(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch):
    """The names' table gives its rows in chunks (one row each here): the same rows in the
    same order as in one chunk, most frequent first, the first met on a tie."""
    names = ["b", "a", "c", "a", "d", "c", "a"]
    write_rows(tmp_path, "indicators", _rows([LOW] * 4, names[:4]))
    write_rows(tmp_path, "indicators", _rows([TIE] * 3, names[4:]))
    write_rows(tmp_path, "documents", [{"doc_id": "d", "source_path": "a.docx"}])
    whole = review_rows(tmp_path)
    monkeypatch.setattr(name_groups, "CHUNK_ROWS", 1)
    chunks = list(NameTable(tmp_path, pa.array([], pa.string()), [], [], 50.0).rows())
    assert [len(c) for c in chunks] == [1, 1, 1, 1]
    assert [r["raw_name"] for r in review_rows(tmp_path)] == [r["raw_name"] for r in whole]
    assert [(r["raw_name"], r["count"]) for r in whole] == [("a", 3), ("c", 2), ("b", 1),
                                                             ("d", 1)]


def test_names_without_a_candidate_are_outside_the_catalog(tmp_path: Path):
    names = ["low", "nothing", "Nothing ", "tie", "other"]
    write_rows(tmp_path, "indicators", _rows([LOW, NONE, NONE, TIE, NONE], names))
    write_rows(tmp_path, "documents", [{"doc_id": "d", "source_path": "a.docx"}])
    summary = write_indicator_review(tmp_path, "v1")
    assert [r["raw_name"] for r in read_review_rows(summary.path)] == ["low", "tie"]
    assert (summary.to_check, summary.decided) == (2, 0)
    assert summary.outside == OutsideCatalog(2, 3, (("nothing", 2), ("other", 1)))
    assert summary.outside.section() == {"names": 2, "rows": 3, "sample": [
        {"name": "nothing", "rows": 2}, {"name": "other", "rows": 1}]}
    again = write_indicator_review(tmp_path, "v1")  # unchanged: read from the stamp
    assert again.outside == summary.outside


def test_workbook_is_made_for_excel(tmp_path: Path):
    rows = [{"raw_name": "=HYPERLINK(\"http://x\")", "reason": "ambiguous", "count": 3,
             "score": 80.5},
            {"raw_name": "Доля " + "очень длинного названия показателя " * 6, "count": 1,
             "reason": "below_threshold", "locator": "table 2 (sheet Лист1) row 31"}]
    path = write_review_book(rows, tmp_path / "r.xlsx", ["Б", "А"])
    wb = load_workbook(path)
    ws = wb.active
    assert [c.value for c in ws[1]][:4] == ["Название в документе",
                                           "Решение (каноническое название)", "Примечание",
                                           "Причина"]
    assert ws.freeze_panes == "B2"
    assert ws.auto_filter.ref.startswith("A1:")
    assert ws.column_dimensions["A"].width >= 40
    assert ws["A2"].data_type == "s"  # a name like a formula stays text
    assert ws["E2"].value == 3
    # «неоднозначно (кандидаты близки)»: 31 characters in a column of 26, two lines
    assert ws.row_dimensions[2].height == 2 * LINE_HEIGHT
    assert ws.row_dimensions[3].height == 4 * LINE_HEIGHT  # 215 characters in 60: wrapped
    assert ws["G3"].value == "таблица 2, лист «Лист1», строка 31"  # the locator in Russian
    assert [c.value for c in wb["Каталог"]["A"]] == ["А", "Б"]
    assert ws.data_validations.dataValidation[0].formula1 == "'Каталог'!$A$1:$A$2"


def test_workbook_streams_its_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Bounded memory: the workbook is write-only, takes its rows from an iterator one at a
    time, and keeps nothing of a row once it is written (not even its height)."""
    made: list[Workbook] = []

    def workbook(**kwargs: bool) -> Workbook:
        made.append(Workbook(**kwargs))
        return made[-1]

    written: list[int] = []

    def append_row(ws: object, row: int, *args: object) -> None:
        written.append(row)
        real_append(ws, row, *args)  # type: ignore[arg-type]

    real_append = book.append_row
    monkeypatch.setattr(book, "Workbook", workbook)
    monkeypatch.setattr(book, "append_row", append_row)
    kept: list[int] = []

    def rows() -> Iterator[dict[str, object]]:
        for i in range(50):
            yield {"raw_name": f"Доля {i} " + "длинного названия " * 8, "count": 1,
                   "reason": "below_threshold"}
            assert written[-1] == i + 2  # the row was written before the next one is taken
            kept.append(len(made[0].worksheets[0].row_dimensions))

    path = write_review_book(rows(), tmp_path / "r.xlsx")
    assert made[0].write_only
    assert max(kept) <= 1  # the row heights written are forgotten
    ws = load_workbook(path).active
    assert ws.max_row == 51
    assert ws.auto_filter.ref.endswith("51")
    assert ws.row_dimensions[51].height == 3 * LINE_HEIGHT
    assert ws.freeze_panes == "B2"


def _fill(path: Path, values: dict[str, str]) -> None:
    wb = load_workbook(path)
    ws = wb.active
    for row in ws.iter_rows(min_row=2):
        if row[0].value in values:
            row[1].value = values[row[0].value]
    wb.save(path)


def test_decisions_are_recorded_merged_and_kept(tmp_path: Path,
                                                 caplog: pytest.LogCaptureFixture):
    catalog = default_catalog()
    real = catalog.indicators[0].name
    write_rows(tmp_path, "indicators", _rows([TIE, LOW], ["tie", "low"]))
    write_indicator_review(tmp_path)
    _fill(tmp_path / "review" / "indicators.xlsx", {"tie": "не из каталога", "low": real})
    with caplog.at_level(logging.WARNING):
        state = collect_decisions(tmp_path, catalog)
    assert "names no catalog indicator" in caplog.text
    assert {k: d.canonical for k, d in state.decisions.items()} == {"low": real}
    assert state.rejected == {"tie"}
    spec = with_decisions(NamesSpec(), state)
    assert spec.digest != NamesSpec().digest
    assert Names(spec).normaliser.match_indicator("low").canonical == real
    # the overrides file wins over the review on the same name
    other = catalog.indicators[1].name
    csv_spec = NamesSpec(f'raw_name,canonical,note\nLOW,"{other}",x\n', "o.csv")
    assert Names(with_decisions(csv_spec, state)).normaliser.match_indicator(
        "low").canonical == other
    assert with_decisions(csv_spec, ReviewState()) is csv_spec  # no decisions: same digest
    summary = write_indicator_review(tmp_path, "v2", state)  # rewritten: nothing lost
    rows = {r["raw_name"]: r for r in read_review_rows(summary.path)}
    assert rows["tie"]["canonical"] == "не из каталога"
    assert (rows["low"]["canonical"], rows["low"]["reason"]) == (real, REASON_TEXT["decided"])
    assert (summary.to_check, summary.decided) == (1, 1)
    _fill(summary.path, {"low": "-"})  # changed the mind: "no catalog indicator"
    assert collect_decisions(tmp_path, catalog).decisions["low"].canonical == ""


def test_an_unreadable_workbook_is_moved_aside(tmp_path: Path,
                                               caplog: pytest.LogCaptureFixture):
    path = tmp_path / "review" / "indicators.xlsx"
    path.parent.mkdir()
    path.write_bytes(b"not a workbook")
    with caplog.at_level(logging.WARNING):
        state = collect_decisions(tmp_path, default_catalog())
    assert not state.decisions
    assert not path.exists()
    assert [p.read_bytes() for p in path.parent.glob("indicators.unreadable-*.xlsx")] == [
        b"not a workbook"]
    assert "moved to" in caplog.text


def test_empty_review_has_a_header(tmp_path: Path):
    write_rows(tmp_path, "indicators", _rows([GOOD], ["good"]))
    summary = write_indicator_review(tmp_path)
    assert summary.to_check == 0
    assert read_review_rows(summary.path) == []
    assert [c.value for c in load_workbook(summary.path).active[1]] == [
        c.title for c in COLUMNS]


FORMULA_NAMES = ['=HYPERLINK("http://evil","click")', "+7 (доля выпускников)",
                 "-5% снижение смертности", "@SUM(A1:A9)", "'в кавычках", "обычное название"]


def test_decisions_csv_holds_no_formula_and_reads_back_unchanged(tmp_path: Path):
    catalog = default_catalog()
    real = catalog.indicators[0].name
    write_rows(tmp_path, "indicators", _rows([LOW] * len(FORMULA_NAMES), FORMULA_NAMES))
    write_indicator_review(tmp_path)
    book = tmp_path / "review" / "indicators.xlsx"
    decided = {n: "-" if i % 2 else real for i, n in enumerate(FORMULA_NAMES)}  # "-": none
    _fill(book, decided)
    wb = load_workbook(book)
    for row in wb.active.iter_rows(min_row=2):
        row[2].value = f"={row[0].value}"  # a note like a formula, typed as text
        row[2].data_type = "s"
    wb.save(book)
    state = collect_decisions(tmp_path, catalog)
    path = tmp_path / DECISIONS_FILE
    cells = [c for row in list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))[1:]
             for c in row]
    assert len(cells) == 3 * len(FORMULA_NAMES)
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]  # no formula to run
    assert "'=HYPERLINK(\"http://evil\",\"click\")" in cells
    assert "''в кавычках" in cells
    loaded = load_decisions(path)
    assert loaded == state.decisions  # the round trip changes nothing
    copied = parse_overrides(path.read_text(encoding="utf-8"), catalog)  # copied as it is
    assert set(copied) == set(state.decisions)
    by_name = {d.raw_name: d for d in loaded.values()}
    assert set(by_name) == set(FORMULA_NAMES)
    for name, decision in decided.items():
        assert by_name[name].canonical == ("" if decision == "-" else real)
        assert by_name[name].note == f"={name}"
    normaliser = Names(with_decisions(NamesSpec(), state)).normaliser
    assert normaliser.match_indicator("=HYPERLINK(\"http://evil\",\"click\")").canonical == real
    assert normaliser.match_indicator("-5% снижение смертности").canonical == real
    assert normaliser.match_indicator("+7 (доля выпускников)").canonical is None  # "-"


@pytest.mark.parametrize("value", ["=1+2", "+1", "-", "-5", "@x", "'", "''x", "'=x", "\tx",
                                   "x=1", "", "обычное", "-" * 3])
def test_cell_text_round_trips(value: str):
    text = cell_text(value)
    assert not text.startswith(FORMULA_START)
    assert cell_value(text) == value


def test_row_heights_follow_the_wrapped_lines():
    assert wrapped_lines("a" * 59, 60) == 1
    assert wrapped_lines("a" * 60, 60) == 2
    assert wrapped_lines("a\nb\n" + "c" * 100, 60) == 4  # line breaks count
    assert row_height([("short", 60.0), (3, 9.0)]) is None
    assert row_height([("x" * 150, 60.0), ("y" * 150, 20.0)]) == 8 * LINE_HEIGHT
    assert row_height([("z" * 10_000, 60.0)]) == 12 * LINE_HEIGHT  # capped
