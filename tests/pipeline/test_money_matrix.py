"""Money per item under years split into sources (a budget sheet by expenditure line): one
finance row per item, year and source, scaled by the caption; nothing when no money is said."""

from __future__ import annotations

import pytest

from extractors.model import Document, Paragraph
from pipeline.interpret import interpret
from pipeline.interpret.headers import analyse
from pipeline.interpret.money_matrix import is_money_matrix
from schemas.enums import Format
from tests.pipeline.grids import grid_table

CAPTION = ["Расходы бюджета по программе", "", "", "", "", "", ""]
SCALE = ["", "", "", "", "", "", "т.р."]
HEADER = [["№ п/п", "Наименование", "Раздел", "Уточненный план 2021 год", "", "2022 год", ""],
          ["", "", "", "Итого", "Местный бюджет", "Итого", "Федеральный бюджет"]]
SPANS = {(2, 0): (2, 1), (2, 1): (2, 1), (2, 2): (2, 1), (2, 3): (1, 2), (2, 5): (1, 2)}
BODY = [["1", "Подпрограмма «Дошкольное образование»", "07", "1 200,5", "1 200,5", "900", "100"],
        ["-", "Содержание учреждений", "", "300", "300", "0", ""],
        ["ВСЕГО по программе", "", "", "1 500,5", "1 500,5", "900", "100"]]


def _finance(rows: list[list[str]], spans=SPANS):  # type: ignore[no-untyped-def]
    table = grid_table(rows, spans)
    doc = Document("x.xlsx", Format.XLSX, (Paragraph("Лист1", "sheet 1"), table))
    return [(r["year"], r["source"], r["planned_rub"], r["spent_rub"], r["text"])
            for r in interpret(doc).finance]


def test_each_item_gives_a_row_per_year_and_source_scaled_by_the_caption():
    got = _finance([CAPTION, SCALE, *HEADER, *BODY],
                   {**SPANS, (6, 0): (1, 3)})  # the total's name merged over № and name
    assert got == [
        (2021, "total", 1200500.0, None, "Подпрограмма «Дошкольное образование»"),
        (2021, "municipal", 1200500.0, None, "Подпрограмма «Дошкольное образование»"),
        (2022, "total", 900000.0, None, "Подпрограмма «Дошкольное образование»"),
        (2022, "federal", 100000.0, None, "Подпрограмма «Дошкольное образование»"),
        (2021, "total", 300000.0, None, "Содержание учреждений"),
        (2021, "municipal", 300000.0, None, "Содержание учреждений"),
        (2022, "total", 0.0, None, "Содержание учреждений"),
        (2021, "total", 1500500.0, None, "ВСЕГО по программе"),
        (2021, "municipal", 1500500.0, None, "ВСЕГО по программе"),
        (2022, "total", 900000.0, None, "ВСЕГО по программе"),
        (2022, "federal", 100000.0, None, "ВСЕГО по программе"),
    ]


def test_a_spent_column_fills_the_spent_amount():
    header = [[*HEADER[0][:3], "Исполнено за 2021 год", "", "План на 2022 год", ""], HEADER[1]]
    got = _finance([CAPTION, SCALE, *header, BODY[1]])
    assert got == [(2021, "total", None, 300000.0, "Содержание учреждений"),
                   (2021, "municipal", None, 300000.0, "Содержание учреждений"),
                   (2022, "total", 0.0, None, "Содержание учреждений")]


def test_no_unit_of_money_stated_anywhere_gives_nothing():
    """«Местный бюджет» says the figures are money, not whether roubles or thousands."""
    assert _finance([["Сведения", "", "", "", "", "", ""], [""] * 7, *HEADER, *BODY]) == []
    assert _finance([CAPTION, SCALE, *HEADER, *BODY])  # the caption says it: «т.р.»
    in_roubles = [["Расходы, рублей", "", "", "", "", "", ""], [""] * 7, *HEADER, BODY[1]]
    assert _finance(in_roubles)[0] == (2021, "total", 300.0, None, "Содержание учреждений")


@pytest.mark.parametrize(("header", "matrix"), [
    (HEADER, True),
    # years not split into sources: plan / fact by year, not this matrix
    ([["Наименование", "2021 год", "", "2022 год", ""],
      ["", "план", "факт", "план", "факт"]], False),
    # one source a year: nothing says the years are split into sources
    ([["Наименование", "2021 год", "2022 год"],
      ["", "Местный бюджет", "Местный бюджет"]], False),
    # no column names the items
    ([["2021 год", "", "2022 год", ""],
      ["Итого", "Местный бюджет", "Итого", "Местный бюджет"]], False),
])
def test_the_matrix_is_years_split_into_sources_beside_a_name_column(header, matrix):
    width = len(header[0])
    spans = {(0, c): (1, 2) for c, t in enumerate(header[0]) if "год" in t and width > c + 1
             and header[0][c + 1] == ""}
    table = grid_table([*header, ["Ремонт"] + ["1"] * (width - 1)], spans)
    assert is_money_matrix(analyse(table, n_header=2)) is matrix
