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


def series_corpus(inp: Path) -> Path:
    """A passport (targets 2019–2024) and three reports of one municipality in ``inp``: the
    plan of 2021 (74) is not the passport's target (75), and a later report of 2021 states
    another fact (77 against 76)."""
    inp.mkdir(parents=True, exist_ok=True)
    passport(inp / "passport.xlsx", "15.01.2019", [65, 70, 75, 78, 80, 82])
    report(inp / "report_2020.docx", 2020, "20.01.2021", ("70", "71", "", ""), ("300", "310"))
    report(inp / "report_2021.docx", 2021, "25.01.2022", ("74", "76", "", ""), ("400", "390"))
    report(inp / "report_2021_corrected.docx", 2021, "10.02.2022", ("74", "77", "", ""),
           ("400", "390"))
    return inp
