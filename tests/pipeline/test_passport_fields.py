"""A passport's fields from key/value table rows and from lines (a text dump): a key line
and the lines after it, up to the next key."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.interpret.passport_fields import Field, line_fields, table_fields
from pipeline.interpret.passport_finance import is_finance_key
from pipeline.process import process_file
from pipeline.sources import SourceFile
from tests.pipeline.grids import grid_table

LINES = [
    "Цели программы", "Обеспечение доступности образования",
    "Объемы и источники финансирования программы",
    "Общий объем финансирования составляет 300,0 тыс. рублей, в том числе:",
    "2021 год – 100,0 тыс. рублей;", "2022 год – 200,0 тыс. рублей",
    "Ожидаемые результаты реализации программы", "рост охвата до 80 %",
    "Объем финансирования: 2023 год – 50 тыс. рублей",
]


def _paras(lines: list[str]) -> list[tuple[str, str, int | None]]:
    return [(t, f"line {i}", None) for i, t in enumerate(lines, 1)]


@pytest.mark.parametrize(("lines", "fields"), [
    (LINES, [Field("Объемы и источники финансирования программы",
                   "Общий объем финансирования составляет 300,0 тыс. рублей, в том числе:\n"
                   "2021 год – 100,0 тыс. рублей;\n2022 год – 200,0 тыс. рублей", "line 3"),
             Field("Объем финансирования", "2023 год – 50 тыс. рублей", "line 9")]),
    (["Объемы финансирования программы", "Ожидаемые результаты"], []),  # a key, no value
    (["1. Объем финансирования вырос на 5 %"], []),  # a numbered item is no key
])
def test_line_fields(lines: list[str], fields: list[Field]) -> None:
    assert line_fields(_paras(lines), is_finance_key) == fields


def test_table_fields_are_the_last_two_texts_of_a_row() -> None:
    table = grid_table([["1", "Цели", "Доступность"], ["2", "Сроки", "2021-2025 годы"],
                        ["Только один текст", "", ""]])
    assert [(f.key, f.value, f.locator) for f in table_fields([table])] == [
        ("Цели", "Доступность", "table 1 row 1"), ("Сроки", "2021-2025 годы", "table 1 row 2")]


def test_a_passport_as_text_gives_its_targets_and_finance(tmp_path: Path) -> None:
    path = tmp_path / "passport.txt"
    path.write_text("\n".join([
        "ПАСПОРТ", "муниципальной программы «Развитие образования» на 2021-2025 годы",
        "Целевые показатели программы",
        "1. Доля детей, охваченных дополнительным образованием, – 80 % к 2025 году.",
        "Сроки реализации программы", "2021-2025 годы", *LINES[2:6]]), encoding="utf-8")
    res = process_file(SourceFile(path, path.name, "t", path.stat().st_size,
                                  path.stat().st_mtime))
    assert res.document["doc_type"] == "project_passport"
    assert [(r["indicator_raw"], r["year"], r["planned_value"]) for r in res.indicators] == [
        ("Доля детей, охваченных дополнительным образованием", 2025, 80.0)]
    assert sorted((f["year"], f["source"], f["planned_rub"]) for f in res.finance) == [
        (2021, "total", 100_000.0), (2022, "total", 200_000.0)]
