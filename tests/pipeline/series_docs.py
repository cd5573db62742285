"""Documents of one municipality for the series and export tests: an XLSX passport with
targets 2019-2024 and DOCX execution reports, written in a test's folder."""

from __future__ import annotations

from pathlib import Path

from docx import Document as Docx
from openpyxl import Workbook

SHARE = "Доля детей в возрасте от 5 до 18 лет, охваченных дополнительным образованием"
LESSONS = "Число участников открытых онлайн-уроков"
PLACE = "Сысертский городской округ"


def passport(path: Path, date: str, share: list[float]) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["ПАСПОРТ муниципального проекта «Успех каждого ребенка» Сысертского городского "
               "округа"])
    ws.append([f"Утвержден постановлением администрации от {date} № 12"])
    ws.append(["Наименование показателя", "Единица измерения", "Базовое значение",
               *(str(y) for y in range(2019, 2025))])
    ws.append([SHARE, "процент", 60, *share])
    ws.append([LESSONS, "человек", 100, 200, 300, 400, 500, 600, 700])
    wb.save(path)


def report(path: Path, year: int, date: str, share: tuple[str, str, str, str],
            lessons: tuple[str, str]) -> None:
    d = Docx()
    d.add_paragraph("Отчет об исполнении плана мероприятий реализации национального проекта "
                    f"«Образование» за {year} год")
    d.add_paragraph("в Сысертском городском округе")
    d.add_paragraph(f"от {date}")
    rows = [["№", "Наименование показателя", "Единица измерения", f"План на {year} год",
             f"Факт за {year} год", "Процент исполнения", "Статус"],
            ["1", SHARE, "%", *share],
            ["2", LESSONS, "человек", *lessons, "", ""]]
    t = d.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            t.cell(r, c).text = text
    d.save(str(path))
