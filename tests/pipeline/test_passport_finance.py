"""Finance of a passport's «Объемы и источники финансирования» row: by year and source, in
either nesting; figures over all years give no row."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document as Docx

from pipeline.interpret.passport_finance import finance_from_passport_text, is_finance_key
from pipeline.process import process_file
from pipeline.sources import SourceFile

YEARS_THEN_PROGRAMME_SOURCES = (
    "Общий объем финансирования программы составляет 1 234 567,8 тыс. рублей, в том "
    "числе:\n2021 год – 250 000,0 тыс. рублей;\n2022 год – 246 000,5 тыс. рублей;\nиз них "
    "средства федерального бюджета – 100 000,0 тыс. рублей, краевого бюджета – 600 000,0 "
    "тыс. рублей, местного бюджета – 534 567,8 тыс. рублей")
YEARS_WITH_SOURCES = (
    "Объем финансирования (тыс. рублей): всего – 300,0, в том числе:\n2021 год – 100,0, из "
    "них: федеральный бюджет – 60,0; местный бюджет – 40,0;\n2022 год – 200,0, из них: "
    "федеральный бюджет – 150,0; местный бюджет – 50,0")
SOURCES_WITH_YEARS = (
    "Всего 500 тыс. руб., в том числе: федеральный бюджет – 300 тыс. руб., в том числе по "
    "годам: 2021 год – 100 тыс. руб.; 2022 год – 200 тыс. руб.; местный бюджет – 200 тыс. "
    "руб., в том числе: 2021 год – 50 тыс. руб.; 2022 год – 150 тыс. руб.")
YEAR_SOURCES_NOT_ADDING_UP_ON_ONE_LINE = (
    "2021 год – 100 млн рублей, в том числе областной бюджет – 30 млн рублей")


@pytest.mark.parametrize(("text", "rows"), [
    (YEARS_THEN_PROGRAMME_SOURCES, {(2021, "total"): 250_000_000.0,
                                    (2022, "total"): 246_000_500.0}),
    (YEARS_WITH_SOURCES, {(2021, "total"): 100_000.0, (2021, "federal"): 60_000.0,
                          (2021, "municipal"): 40_000.0, (2022, "total"): 200_000.0,
                          (2022, "federal"): 150_000.0, (2022, "municipal"): 50_000.0}),
    (SOURCES_WITH_YEARS, {(2021, "federal"): 100_000.0, (2022, "federal"): 200_000.0,
                          (2021, "municipal"): 50_000.0, (2022, "municipal"): 150_000.0}),
    (YEAR_SOURCES_NOT_ADDING_UP_ON_ONE_LINE, {(2021, "total"): 100_000_000.0,
                                              (2021, "regional"): 30_000_000.0}),
    # on a line of their own, adding up to neither: over all years, no row
    ("2021 год – 100 млн рублей;\n2022 год – 50 млн рублей;\nобластной бюджет – 30 млн рублей",
     {(2021, "total"): 100_000_000.0, (2022, "total"): 50_000_000.0}),
    ("Общий объем финансирования – 5 000 тыс. рублей", {}),
    ("Средства не предусмотрены", {}),
])
def test_finance_from_passport_text(text: str, rows: dict[tuple[int, str], float]) -> None:
    found = finance_from_passport_text(text, "table 1 row 5")
    assert {(r.year, r.source): r.planned_rub for r in found} == rows
    assert all(r.spent_rub is None and r.locator == "table 1 row 5" for r in found)


@pytest.mark.parametrize(("key", "expected"), [
    ("Объемы и источники финансирования программы", True),
    ("Объем бюджетных ассигнований на финансирование программы", True),
    ("Ресурсное обеспечение подпрограммы", True),
    ("Финансовое обеспечение муниципальной программы", True),
    ("Целевые показатели программы", False),
    ("Сроки реализации", False),
])
def test_is_finance_key(key: str, expected: bool) -> None:
    assert is_finance_key(key) is expected


def test_a_docx_passport_gives_its_finance_rows(tmp_path: Path) -> None:
    d = Docx()
    d.add_paragraph("ПАСПОРТ муниципальной программы «Развитие образования» на 2021-2022 годы")
    kv = d.add_table(rows=0, cols=2)
    for key, value in [("Сроки реализации программы", "2021-2022 годы"),
                       ("Объемы и источники финансирования программы", YEARS_WITH_SOURCES)]:
        cells = kv.add_row().cells
        cells[0].text, cells[1].text = key, value
    path = tmp_path / "passport.docx"
    d.save(str(path))
    res = process_file(SourceFile(path, path.name, "p", path.stat().st_size,
                                  path.stat().st_mtime))
    assert res.document["status"] == "ok"
    assert sorted((f["year"], f["source"], f["planned_rub"], f["locator"])
                  for f in res.finance) == [
        (2021, "federal", 60_000.0, "table 1 row 2"), (2021, "municipal", 40_000.0,
                                                       "table 1 row 2"),
        (2021, "total", 100_000.0, "table 1 row 2"), (2022, "federal", 150_000.0,
                                                      "table 1 row 2"),
        (2022, "municipal", 50_000.0, "table 1 row 2"),
        (2022, "total", 200_000.0, "table 1 row 2")]
