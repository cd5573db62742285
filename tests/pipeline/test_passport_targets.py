"""Targets listed in a passport's row «Целевые показатели программы»: one row per item that
states a target by a year; read only where no table states the indicators' values."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document as Docx

from pipeline.interpret.passport_targets import is_targets_key, targets_from_text
from pipeline.process import process_file
from pipeline.sources import SourceFile

Row = tuple[str, int, float | None, float, str | None, str | None]


@pytest.mark.parametrize(("text", "rows"), [
    ("1. Доля детей в возрасте от 5 до 18 лет, охваченных дополнительным образованием, – 80 % "
     "к 2025 году;\n2. Количество созданных мест – не менее 550 единиц в 2025 году.",
     [("Доля детей в возрасте от 5 до 18 лет, охваченных дополнительным образованием", 2025,
       None, 80.0, None, "percent"),
      ("Количество созданных мест", 2025, None, 550.0, ">=", "units")]),
    # «с X до Y»: X is the base value, the «до» bounds nothing; «с 5 до 18 лет» in a name
    # before the dash is part of the name
    ("Увеличение доли выпускников, сдавших ЕГЭ, с 72 % в 2020 году до 80 % в 2025 году. "
     "2. Доля детей с 5 до 18 лет – 81 % к 2024 г.",
     [("Увеличение доли выпускников, сдавших ЕГЭ", 2025, 72.0, 80.0, None, "percent"),
      ("Доля детей с 5 до 18 лет", 2024, None, 81.0, None, "percent")]),
    ("Место региона в рейтинге (не ниже) – 10 в 2024 году",
     [("Место региона в рейтинге (не ниже)", 2024, None, 10.0, "<=", "rank")]),
    # a name without a target, a target without a year: no row
    ("1. Обеспечение доступности дошкольного образования\n2. Охват детей – 95 %", []),
    ("", []),
])
def test_targets_from_text(text: str, rows: list[Row]) -> None:
    found = targets_from_text(text, "table 1 row 3")
    assert [(r.indicator_raw, r.year, r.base_value, r.planned_value, r.comparator, r.unit)
            for r in found] == rows
    assert all(r.locator == "table 1 row 3" and r.actual_value is None for r in found)


@pytest.mark.parametrize(("key", "expected"), [
    ("Целевые показатели программы", True), ("Целевые индикаторы и показатели", True),
    ("Индикаторы и показатели подпрограммы", True),
    ("Показатели результативности", True), ("Цели программы", False),
    ("Ожидаемые результаты реализации", False),
])
def test_is_targets_key(key: str, expected: bool) -> None:
    assert is_targets_key(key) is expected


def _passport(path: Path, with_table: bool) -> SourceFile:
    d = Docx()
    d.add_paragraph("ПАСПОРТ муниципальной программы «Развитие образования» на 2021-2025 годы")
    kv = d.add_table(rows=0, cols=2)
    for key, value in [("Цели программы", "Доступное образование"),
                       ("Целевые показатели программы",
                        "1. Доля детей, охваченных дополнительным образованием, – 80 % к "
                        "2025 году;\n2. Число школ – 12 единиц к 2025 году")]:
        cells = kv.add_row().cells
        cells[0].text, cells[1].text = key, value
    if with_table:
        grid = d.add_table(rows=2, cols=4)
        for c, text in enumerate(["Наименование показателя", "Ед. изм.", "2024", "2025"]):
            grid.rows[0].cells[c].text = text
        for c, text in enumerate(["Доля детей, охваченных дополнительным образованием",
                                  "%", "78", "80"]):
            grid.rows[1].cells[c].text = text
    d.save(str(path))
    return SourceFile(path, path.name, "p", path.stat().st_size, path.stat().st_mtime)


def test_a_passport_listing_its_targets_gives_them_as_rows(tmp_path: Path) -> None:
    res = process_file(_passport(tmp_path / "p.docx", with_table=False))
    assert sorted((r["indicator_raw"], r["year"], r["planned_value"], r["unit"], r["locator"])
                  for r in res.indicators) == [
        ("Доля детей, охваченных дополнительным образованием", 2025, 80.0, "percent",
         "table 1 row 2"),
        ("Число школ", 2025, 12.0, "units", "table 1 row 2")]


def test_a_table_of_values_wins_over_the_listed_targets(tmp_path: Path) -> None:
    res = process_file(_passport(tmp_path / "p.docx", with_table=True))
    assert sorted((r["year"], r["planned_value"], r["locator"]) for r in res.indicators) == [
        (2024, 78.0, "table 2 row 2"), (2025, 80.0, "table 2 row 2")]
