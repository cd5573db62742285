"""``natproj-extract export OUT --xlsx FILE --csv DIR``: the workbook for analysts (sheets,
Russian headers, typed cells, frozen header, autofilter, no formulas) and the CSV files."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipeline import export
from pipeline.__main__ import main
from pipeline.batch.load.write import write_rows
from pipeline.batch.run.runner import RunConfig, run
from pipeline.exitcodes import ExitCode
from pipeline.export_headers import HEADERS, SHEETS, header
from pipeline.sheet_rows import LINE_HEIGHT
from schemas import SERIES, TABLES
from tests.pipeline.series_docs import SHARE, passport, report, series_corpus

NAMES = ["Документы", "Показатели", "Ряды", "Мероприятия", "Финансы"]


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("export")
    inp = root / "in"
    inp.mkdir()
    passport(inp / "passport.xlsx", "15.01.2019", [65, 70, 75, 78, 80, 82])
    # a file name that a spreadsheet would run as a formula
    report(inp / "=HYPERLINK(1).docx", 2020, "20.01.2021", ("70", "71,5", "", ""),
           ("300", "310"))
    run(RunConfig(input=inp, out=root / "out", workers=0))
    return root / "out"


def test_every_column_has_a_russian_header() -> None:
    assert [t for t, _ in SHEETS] == ["documents", "indicators", "series", "activities",
                                      "finance"]
    for table, schema in [*TABLES.items(), ("series", SERIES)]:
        missing = [c for c in schema.names if header(table, c) == c]
        assert not missing, (table, missing)
    assert set(HEADERS) <= {t for t, _ in SHEETS}


def test_the_workbook(out: Path, tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    assert main(["export", str(out), "--xlsx", str(path), "-q"]) == ExitCode.OK
    wb = load_workbook(path)
    assert wb.sheetnames == NAMES
    for ws in wb:
        assert ws.freeze_panes == "A2"
        assert str(ws.auto_filter.ref).startswith("A1:")
    docs = wb["Документы"]
    head = [c.value for c in docs[1]]
    assert head[:4] == ["ID документа", "Файл", "Формат", "Тип документа"]
    assert docs.column_dimensions["E"].width == 60  # the title
    by_file = {row[1]: row for row in docs.iter_rows(min_row=2, values_only=True)}
    assert set(by_file) == {"passport.xlsx", "'=HYPERLINK(1).docx"}
    assert docs.cell(2, 2).data_type == "s"
    date_col = head.index("Дата документа") + 1
    dates = [docs.cell(r, date_col) for r in (2, 3)]
    assert all(c.is_date and c.number_format == export.DATE_FORMAT for c in dates)
    assert {c.value for c in dates} == {dt.datetime(2019, 1, 15), dt.datetime(2021, 1, 20)}

    series = wb["Ряды"]
    head = [c.value for c in series[1]]
    assert head[:3] == ["Субъект РФ", "ОКТМО", "Муниципальное образование"]
    rows = [dict(zip(head, r, strict=True))
            for r in series.iter_rows(min_row=2, values_only=True)]
    row = next(r for r in rows if r["Показатель"] == SHARE and r["Год"] == 2020)
    assert (row["Целевое значение"], row["План"], row["Факт"]) == (70, 70, 71.5)
    fact_col = head.index("Факт") + 1
    cell = next(c for c in series[f"{chr(64 + fact_col)}"] if c.value == 71.5)
    assert cell.data_type == "n"
    assert series.max_row == 13  # 12 rows: two indicators of six years


def test_a_table_longer_than_a_sheet_goes_on(out: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export, "SHEET_ROWS", 5)
    done = export.export_xlsx(out, tmp_path / "x.xlsx")
    wb = load_workbook(tmp_path / "x.xlsx", read_only=True)
    assert "Показатели (2)" in wb.sheetnames
    assert "Ряды (3)" in wb.sheetnames  # 12 rows: 5, 5, 2
    assert done.rows["series"] == 12


def test_the_csv_files(out: Path, tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    assert main(["export", str(out), "--csv", str(folder), "-q"]) == ExitCode.OK
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{t}.csv" for t, _ in SHEETS)
    raw = (folder / "series.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM tells Excel it is UTF-8
    with (folder / "series.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows[0][:3] == ["Субъект РФ", "ОКТМО", "Муниципальное образование"]
    head = rows[0]
    row = next(dict(zip(head, r, strict=True)) for r in rows[1:]
               if r[head.index("Показатель")] == SHARE and r[head.index("Год")] == "2020")
    assert row["Факт"] == "71,5"  # a decimal comma
    with (folder / "documents.csv").open(encoding="utf-8-sig", newline="") as fh:
        docs = list(csv.DictReader(fh, delimiter=";"))
    assert {d["Файл"] for d in docs} == {"passport.xlsx", "'=HYPERLINK(1).docx"}
    assert {d["Дата документа"] for d in docs} == {"15.01.2019", "20.01.2021"}


def test_export_needs_a_target_and_an_output(tmp_path: Path) -> None:
    assert main(["export", str(tmp_path), "-q"]) == ExitCode.CANNOT_RUN
    assert main(["export", str(tmp_path / "none"), "--xlsx", str(tmp_path / "x.xlsx"),
                 "-q"]) == ExitCode.CANNOT_RUN


@pytest.mark.parametrize(("text", "safe"), [
    ("=1+1", "'=1+1"), ("+7 999", "'+7 999"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"),
    ("Доля", "Доля"), ("", ""),
])
def test_safe_text(text: str, safe: str) -> None:
    assert export.safe_text(text) == safe


LONG = ("Доля обучающихся общеобразовательных организаций, принявших участие в открытых "
        "онлайн-уроках, реализуемых с учетом опыта цикла открытых уроков «Проектория», "
        "направленных на раннюю профориентацию, в общей численности обучающихся")


def test_russian_reasons_locators_and_row_heights(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_rows(out, "documents", [
        {"doc_id": "a", "source_path": "a.docx", "status": "failed",
         "error": "empty file (0 bytes)"},
        {"doc_id": "b", "source_path": "b.xlsx", "status": "ok"}])
    write_rows(out, "indicators", [
        {"doc_id": "b", "indicator_raw": LONG, "year": 2021,
         "locator": "table 2 (sheet Лист1) row 31"},
        {"doc_id": "b", "indicator_raw": "Короткое", "year": 2021, "locator": "line 7"}])
    export.export_xlsx(out, tmp_path / "x.xlsx")
    wb = load_workbook(tmp_path / "x.xlsx")
    docs = wb["Документы"]
    head = [c.value for c in docs[1]]
    at = head.index("Ошибка")
    assert head[at + 1] == "Причина (по-русски)"  # beside the stored English text
    rows = {r[1]: r for r in docs.iter_rows(min_row=2, values_only=True)}
    assert rows["a.docx"][at:at + 2] == ("empty file (0 bytes)", "пустой файл (0 байт)")
    assert rows["b.xlsx"][at:at + 2] == (None, None)
    ind = wb["Показатели"]
    head = [c.value for c in ind[1]]
    by_name = {r[head.index("Показатель (как в документе)")]: (i, r)
               for i, r in enumerate(ind.iter_rows(min_row=2, values_only=True), 2)}
    long_row, long_values = by_name[LONG]
    short_row, short_values = by_name["Короткое"]
    assert long_values[head.index("Место в документе")] == (
        "таблица 2, лист «Лист1», строка 31")
    assert short_values[head.index("Место в документе")] == "строка текста 7"
    name_col = head.index("Показатель (как в документе)") + 1
    assert ind.cell(long_row, name_col).alignment.wrap_text
    # 227 characters in a column of 60: four lines
    assert ind.row_dimensions[long_row].height == 4 * LINE_HEIGHT
    assert ind.row_dimensions[short_row].height is None  # one line: the default height
    export.export_csv(out, tmp_path / "csv")
    with (tmp_path / "csv" / "documents.csv").open(encoding="utf-8-sig", newline="") as fh:
        csv_docs = {d["Файл"]: d for d in csv.DictReader(fh, delimiter=";")}
    assert csv_docs["a.docx"]["Причина (по-русски)"] == "пустой файл (0 байт)"
    with (tmp_path / "csv" / "indicators.csv").open(encoding="utf-8-sig", newline="") as fh:
        assert {d["Место в документе"] for d in csv.DictReader(fh, delimiter=";")} == {
            "таблица 2, лист «Лист1», строка 31", "строка текста 7"}


def _calc() -> str | None:
    """LibreOffice with its spreadsheet component (Calc), or None."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    program = Path(soffice).resolve().parent
    return soffice if any(program.glob("libsclo*")) else None


@pytest.mark.skipif(_calc() is None, reason="LibreOffice Calc is not installed "
                    "(scripts/install-system-tools.sh --test installs it)")
def test_the_workbook_opens_in_libreoffice_calc(out: Path, tmp_path: Path) -> None:
    """Real LibreOffice Calc opens the export and prints it: the Russian headers and the
    figures are on its pages, as an analyst opening the file sees them."""
    path = tmp_path / "export.xlsx"
    assert main(["export", str(out), "--xlsx", str(path), "-q"]) == ExitCode.OK
    profile = tmp_path / "profile"
    done = subprocess.run(
        [str(_calc()), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        capture_output=True, timeout=240, check=False)
    pdf = tmp_path / "export.pdf"
    assert done.returncode == 0, done.stderr
    assert pdf.exists()
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          timeout=60, check=True).stdout.decode("utf-8")
    for words in ("ID документа", "Тип документа", "Муниципальное образование",
                  "Целевое значение", "passport.xlsx"):
        assert words in text, words
    assert "71,5" in text or "71.5" in text  # the fact, as a number in the locale's form


def test_extract_writes_the_workbook_and_the_csv_at_the_end_of_the_run(tmp_path: Path) -> None:
    inp = series_corpus(tmp_path / "in")
    book, folder = tmp_path / "book.xlsx", tmp_path / "csv"
    code = main(["extract", str(inp), "--out", str(tmp_path / "out"), "--workers", "0",
                 "--export-xlsx", str(book), "--export-csv", str(folder), "-q",
                 "--progress", "none"])
    assert code == ExitCode.OK
    assert load_workbook(book, read_only=True).sheetnames == NAMES
    assert {p.name for p in folder.glob("*.csv")} >= {"documents.csv", "series.csv"}
