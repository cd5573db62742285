from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.styles import PatternFill

from extractors import EXTRACTORS, extract, xlsx
from extractors.errors import CorruptFile, EmptyFile, ResourceLimit, UnsafeXML
from extractors.model import Paragraph
from schemas.enums import Format


def _workbook(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Лист1"
    ws["A1"] = "Отчет о достижении показателей"
    ws.merge_cells("A1:D1")
    ws["A2"], ws["B2"], ws["D2"] = "Показатель", "Значение на 2021 год", "Дата"
    ws.merge_cells("B2:C2")
    ws.merge_cells("A2:A3")
    ws.merge_cells("D2:D3")
    ws["B3"], ws["C3"] = "План", "Факт"
    ws.append(["Доля детей", 12.0, 12.5, dt.datetime(2021, 12, 31)])
    ws.append(["Охват", 7, 0.1 + 0.2, dt.date(2022, 3, 1)])
    ws.append(["Исполнение", 0.85, None, None])
    ws["B6"].number_format = "0%"
    # styled but empty cells far away, as real reports have (~1000 formatted columns)
    for col in (50, 1000):
        ws.cell(row=2, column=col).fill = PatternFill("solid", fgColor="FFFF00")
    ws.cell(row=40, column=3).number_format = "0.00"
    wb.create_sheet("Пустой")
    data = wb.create_sheet("Данные")
    data.append(["Мероприятие", "Срок"])
    data.append(["Семинар", "IV квартал"])
    wb.save(path)
    return path


@pytest.fixture
def workbook(tmp_path):
    return _workbook(tmp_path / "report.xlsx")


def test_sheets_become_headings_and_tables(workbook):
    doc = xlsx.extract(workbook)
    assert doc.format == Format.XLSX
    kinds = [(type(b).__name__, b.locator) for b in doc.blocks]
    assert kinds == [
        ("Paragraph", "sheet Лист1"), ("Table", "table 1 (sheet Лист1)"),
        ("Paragraph", "sheet Пустой"),
        ("Paragraph", "sheet Данные"), ("Table", "table 2 (sheet Данные)"),
    ]
    assert all(b.heading_level == 1 for b in doc.blocks if isinstance(b, Paragraph))
    assert doc.tables[0].row_locator(3) == "table 1 (sheet Лист1) row 4"


def test_merged_ranges_spans_and_trimmed_range(workbook):
    table = xlsx.extract(workbook).tables[0]
    assert (table.n_rows, table.n_cols) == (6, 4)  # styled empties at AX2, ALL2, C40 trimmed
    by_pos = {(c.row, c.col): c for c in table.cells}
    assert (by_pos[(0, 0)].col_span, by_pos[(0, 0)].text) == (4, "Отчет о достижении показателей")
    assert (by_pos[(1, 1)].row_span, by_pos[(1, 1)].col_span) == (1, 2)
    assert [by_pos[(1, 0)].row_span, by_pos[(1, 3)].row_span] == [2, 2]
    assert not {(2, 0), (1, 2), (0, 3)} & by_pos.keys()
    assert sum(c.text == "Значение на 2021 год" for c in table.cells) == 1
    assert table.grid()[2] == [None, "План", "Факт", None]


def test_values_as_text(workbook):
    grid = xlsx.extract(workbook).tables[0].grid()
    assert grid[3] == ["Доля детей", "12", "12.5", "31.12.2021"]
    assert grid[4] == ["Охват", "7", "0.3", "01.03.2022"]
    assert grid[5] == ["Исполнение", "85%", "", ""]


@pytest.mark.parametrize(("value", "fmt", "text"), [
    (12.0, None, "12"), (12.5, None, "12.5"), (-3, None, "-3"),
    (1e20, None, "100000000000000000000"), (1.5e-7, None, "0.00000015"),
    (0.30000000000000004, None, "0.3"), (True, None, "TRUE"),
    (0.071, "0.0%", "7.1%"), (1.0, '0"%"', "1"),
    (dt.datetime(2020, 1, 2, 13, 5), None, "02.01.2020 13:05"),
    (dt.time(9, 30), None, "09:30"), ("  текст \r\n строка ", None, "текст \n строка"),
    (None, None, ""),
])
def test_cell_text(value, fmt, text):
    assert xlsx.cell_text(value, fmt) == text


def test_registry_dispatches_by_content(workbook):
    assert EXTRACTORS[Format.XLSX] is xlsx.extract
    rows = extract(workbook).tables[1].grid()
    assert rows == [["Мероприятие", "Срок"], ["Семинар", "IV квартал"]]


def test_empty_workbook(tmp_path):
    path = tmp_path / "empty.xlsx"
    Workbook().save(path)
    with pytest.raises(EmptyFile):
        xlsx.extract(path)


def test_truncated_workbook_is_corrupt(workbook):
    data = workbook.read_bytes()
    workbook.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptFile):
        xlsx.extract(workbook)


def test_decompression_bomb_refused(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b" " * (30 * 1024 * 1024))
    with pytest.raises(ResourceLimit, match="decompression bomb"):
        xlsx.extract(bomb)


def test_entity_declarations_refused(workbook, tmp_path):
    evil = tmp_path / "evil.xlsx"
    with zipfile.ZipFile(workbook) as src, zipfile.ZipFile(evil, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = data.split(b"?>", 1)[-1]
                data = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
                        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>' + body)
            dst.writestr(info, data)
    with pytest.raises(UnsafeXML, match="declares a DTD or XML entities"):
        xlsx.extract(evil)
