"""Deterministic XLSX benchmark set: workbooks of the shapes the project reads, with openpyxl.

Usage: ``.venv/bin/python -m bench.gen_xlsx [--n 30] [--seed 2024] [--root bench/corpus]``

Workbook ``i`` (``<root>/seed<seed>/xlsx/wb_<i>.xlsx``) depends only on ``(i, seed)`` and is
made once (cached like the other bench corpora; ``XLSX_VERSION`` remakes them when the
generator changes). Kinds in turn:

* passport: a title band merged across, key/value rows with the value merged over the year
  columns, indicators by year, finance by source and year under a merged «Объем
  финансирования» band (Tomsk municipal-programme passports);
* plan/fact: «№ | показатель | ед. изм. | <year>: план, факт, % | срок» under two header rows
  with merged bands, percent- and date-formatted cells, a formula with its cached value
  (Voronezh responsible-indicator and plan-execution reports);
* budget: items by code under years split into sources (``Всего``, ФБ, ОБ, МБ), a «тыс.
  рублей» caption (budget workbooks).

Every third workbook has ~1000 formatted empty columns on each row, as real Voronezh reports
have. Bytes are reproducible (fixed core properties and ZIP timestamps).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import logging
import random
import re
import zipfile
from pathlib import Path

from lxml import etree
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from bench import vocab as v
from bench.gen_corpus import DEFAULT_SEED, FIXED_TIME, ROOT, _atomic_write

log = logging.getLogger(__name__)

XLSX_VERSION = "3"
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REAL_XLSX_DIR = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real" / "xlsx"
WIDE_COLS = 1000  # formatted empty columns of a "wide" workbook
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def workbook_name(i: int) -> str:
    return f"wb_{i:05d}"


def _box(ws: Worksheet, r1: int, c1: int, r2: int, c2: int) -> None:
    for row in ws.iter_rows(min_row=r1, max_row=r2, min_col=c1, max_col=c2):
        for cell in row:
            cell.border = BOX


def _band(ws: Worksheet, row: int, c1: int, c2: int, text: str, rows: int = 1) -> None:
    ws.cell(row, c1, text).font = BOLD
    if c2 > c1 or rows > 1:
        ws.merge_cells(start_row=row, start_column=c1, end_row=row + rows - 1, end_column=c2)


def _widen(ws: Worksheet, n_rows: int) -> None:
    """Formatted empty cells to column ``WIDE_COLS`` on every row (a fill and a border)."""
    fill = PatternFill("solid", fgColor="FFFFFF")
    for r in range(1, n_rows + 1):
        for c in range(ws.max_column + 1, WIDE_COLS + 1):
            cell = ws.cell(r, c)
            cell.fill = fill
            cell.border = BOX


def passport(ws: Worksheet, rng: random.Random, year: int) -> None:
    years = list(range(year, year + 5))
    n_cols = 2 + len(years)
    place, _ = rng.choice(v.PLACES)
    _band(ws, 1, 1, n_cols, f"ПАСПОРТ муниципальной программы «{rng.choice(v.PROJECTS)}» "
                            f"({place}) на {years[0]}–{years[-1]} годы")
    keys = (("Наименование муниципальной программы", f"Развитие образования {place}"),
            ("Ответственный исполнитель", rng.choice(v.RESPONSIBLE)),
            ("Цель программы", rng.choice(v.PROSE)),
            ("Сроки реализации", f"{years[0]}–{years[-1]} годы"))
    r = 3
    for key, value in keys:
        ws.cell(r, 1, key)
        ws.cell(r, 2, value).alignment = WRAP
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=n_cols)
        r += 1
    _box(ws, 3, 1, r - 1, n_cols)
    r += 1
    _band(ws, r, 1, 1, "Показатели цели", rows=2)
    _band(ws, r, 2, 2, "Ед. изм.", rows=2)
    _band(ws, r, 3, n_cols, "Значения по годам")
    for k, y in enumerate(years):
        ws.cell(r + 1, 3 + k, y)
    top = r
    r += 2
    for name, unit, base, target in rng.sample(v.INDICATORS, min(8, len(v.INDICATORS))):
        ws.cell(r, 1, name).alignment = WRAP
        ws.cell(r, 2, unit)
        for k in range(len(years)):
            ws.cell(r, 3 + k, round(base + (target - base) * (k + 1) / len(years), 1))
        r += 1
    _box(ws, top, 1, r - 1, n_cols)
    r += 1
    _band(ws, r, 1, 1, "Источники финансирования", rows=2)
    _band(ws, r, 2, n_cols, "Объем финансирования по годам, тыс. рублей")
    ws.cell(r + 1, 2, "Всего")
    for k, y in enumerate(years):
        ws.cell(r + 1, 3 + k, y)
    top = r
    r += 2
    for source in ("Всего", *v.SOURCES):
        ws.cell(r, 1, source)
        amounts = [round(rng.uniform(100, 90000), 2) for _ in years]
        ws.cell(r, 2, round(sum(amounts), 2)).number_format = "#,##0.00"
        for k, x in enumerate(amounts):
            ws.cell(r, 3 + k, x).number_format = "#,##0.00"
        r += 1
    _box(ws, top, 1, r - 1, n_cols)


def plan_fact(ws: Worksheet, rng: random.Random, year: int) -> None:
    _band(ws, 1, 1, 8, f"Сведения о достижении значений показателей за {year} год")
    _band(ws, 3, 1, 1, "№ п/п", rows=2)
    _band(ws, 3, 2, 2, "Наименование показателя", rows=2)
    _band(ws, 3, 3, 3, "Ед. изм.", rows=2)
    _band(ws, 3, 4, 6, f"Значение на {year} год")
    for c, text in enumerate(("план", "факт", "% исполнения"), start=4):
        ws.cell(4, c, text)
    _band(ws, 3, 7, 7, "Срок", rows=2)
    _band(ws, 3, 8, 8, "Примечание", rows=2)
    r = 5
    for section in rng.sample(v.PROJECTS, 3):
        ws.cell(r, 1, f"Региональный проект «{section}»").font = BOLD
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=8)
        r += 1
        for k, (name, unit, base, target) in enumerate(rng.sample(v.INDICATORS, 6), start=1):
            plan = round(base + (target - base) * rng.uniform(0.3, 1.0), 1)
            fact = round(plan * rng.choice((1.0, 1.05, 0.9, 0.75)), 1)
            ws.cell(r, 1, k)
            ws.cell(r, 2, name).alignment = WRAP
            ws.cell(r, 3, unit)
            ws.cell(r, 4, plan)
            ws.cell(r, 5, fact)
            pct = ws.cell(r, 6, f"=IF(D{r}=0,0,E{r}/D{r})")
            pct.number_format = "0.0%"
            ws.cell(r, 7, dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
                    ).number_format = "DD.MM.YYYY"
            ws.cell(r, 8, rng.choice(v.NOTES) or None)
            r += 1
    _box(ws, 3, 1, r - 1, 8)


def budget(ws: Worksheet, rng: random.Random, year: int) -> None:
    years = [year, year + 1]
    sources = ("Всего", "ФБ", "ОБ", "МБ")
    n_cols = 2 + len(years) * len(sources)
    _band(ws, 1, 1, n_cols, "Расходы бюджета на реализацию муниципальной программы")
    ws.cell(2, n_cols, "тыс. рублей")
    _band(ws, 3, 1, 1, "Наименование", rows=2)
    _band(ws, 3, 2, 2, "КБК", rows=2)
    for k, y in enumerate(years):
        c = 3 + k * len(sources)
        _band(ws, 3, c, c + len(sources) - 1, f"{y} год")
        for j, s in enumerate(sources):
            ws.cell(4, c + j, s)
    r = 5
    for name in rng.sample([a for a in v.ACTIVITIES], min(12, len(v.ACTIVITIES))):
        ws.cell(r, 1, name).alignment = WRAP
        ws.cell(r, 2, f"0{rng.randint(700, 799)} {rng.randint(1, 9):02d}"
                      f"{rng.randint(100000, 999999)} {rng.randint(100, 999)}")
        for k in range(len(years)):
            c = 3 + k * len(sources)
            parts = [round(rng.uniform(0, 5000), 1) for _ in sources[1:]]
            ws.cell(r, c, round(sum(parts), 1))
            for j, x in enumerate(parts, start=1):
                ws.cell(r, c + j, x)
        r += 1
    _box(ws, 3, 1, r - 1, n_cols)


KINDS = (passport, plan_fact, budget)


def xlsx_bytes(i: int, seed: int) -> bytes:
    """Workbook ``i`` of the set, with reproducible bytes."""
    rng = random.Random(f"xlsx-{seed}-{i}")
    year = 2019 + i % 5
    wb = Workbook()
    ws = wb.active
    ws.title = ("Паспорт", "Показатели", "Бюджет")[i % 3]
    KINDS[i % 3](ws, rng, year)
    if i % 2:  # a second sheet of the next kind
        extra = wb.create_sheet(("Показатели", "Бюджет", "Паспорт")[i % 3])
        KINDS[(i + 1) % 3](extra, rng, year)
    if i % 3 == 1 or i % 10 == 9:
        for sheet in wb.worksheets:
            _widen(sheet, sheet.max_row)
    wb.properties.created = wb.properties.modified = FIXED_TIME
    wb.properties.creator = wb.properties.lastModifiedBy = "bench"
    buf = io.BytesIO()
    wb.save(buf)
    return _as_excel_writes(buf.getvalue())


def _as_excel_writes(data: bytes) -> bytes:
    """The package openpyxl wrote, made like Excel's: strings moved into a shared string
    table (openpyxl writes them inline), formulas given a cached value (openpyxl writes
    none: ``E/D`` of the row for the plan/fact share), fixed ZIP timestamps."""
    strings: dict[str, int] = {}
    parts: dict[str, bytes] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        for name in src.namelist():
            parts[name] = src.read(name)
    for name in [n for n in parts if n.startswith("xl/worksheets/sheet")]:
        root = etree.fromstring(parts[name])
        values = {c.get("r"): c.findtext(f"{{{NS}}}v") for c in root.iter(f"{{{NS}}}c")}
        for c in root.iter(f"{{{NS}}}c"):
            inline = c.find(f"{{{NS}}}is")
            if c.get("t") == "inlineStr" and inline is not None:
                text = "".join(inline.itertext())
                c.remove(inline)
                c.set("t", "s")
                etree.SubElement(c, f"{{{NS}}}v").text = str(strings.setdefault(text,
                                                                               len(strings)))
            f, v = c.find(f"{{{NS}}}f"), c.find(f"{{{NS}}}v")
            if f is not None and v is not None:
                row = (c.get("r") or "")[1:]
                plan, fact = values.get(f"D{row}"), values.get(f"E{row}")
                v.text = repr(float(fact) / float(plan)) if plan and fact and float(plan) \
                    else "0"
        parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                     standalone=True)
    # openpyxl stamps the save time as the modification time
    parts["docProps/core.xml"] = re.sub(
        rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + FIXED_TIME.isoformat().encode() + b"Z",
        parts["docProps/core.xml"])
    sst = etree.Element(f"{{{NS}}}sst", count=str(len(strings)), uniqueCount=str(len(strings)))
    for text in strings:
        etree.SubElement(etree.SubElement(sst, f"{{{NS}}}si"), f"{{{NS}}}t").text = text
    parts["xl/sharedStrings.xml"] = etree.tostring(sst, xml_declaration=True, encoding="UTF-8",
                                                   standalone=True)
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.'
        b'org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        b"</Relationships>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name, raw in parts.items():
            fixed = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, raw)
    return out.getvalue()


def ensure_xlsx(n: int, seed: int = DEFAULT_SEED, root: Path = ROOT) -> list[Path]:
    """The first ``n`` workbooks of the set, made when missing or stale."""
    folder = root / f"seed{seed}" / "xlsx"
    stamp = folder / ".version"
    if folder.exists() and (not stamp.exists() or stamp.read_text().strip() != XLSX_VERSION):
        log.info("XLSX generator changed: the workbooks are made again")
        for old in folder.glob("*.xlsx"):
            old.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    stamp.write_text(XLSX_VERSION)
    paths = [folder / f"{workbook_name(i)}.xlsx" for i in range(n)]
    for i, path in enumerate(paths):
        if not path.exists():
            _atomic_write(path, xlsx_bytes(i, seed))
    return paths


def real_xlsx(folder: Path = REAL_XLSX_DIR) -> list[Path]:
    return sorted(folder.glob("*.xlsx"))


def sheet_count(path: Path) -> int:
    """Worksheets of a workbook (the "pages" figure of the XLSX sets)."""
    from extractors.xlsx_xml import Workbook as Book

    return sum(s.member is not None for s in Book(path).sheets)


def xlsx_sets(n: int, root: Path = ROOT, seed: int = DEFAULT_SEED
              ) -> list[tuple[str, str, list[Path], int]]:
    """The side-by-side sets: ``n`` generated workbooks (``xlsx``) and the real ones
    (``xlsx_real``, when the folder is there); their "pages" are worksheets."""
    files = ensure_xlsx(n, seed, root)
    sets = [("xlsx", "xlsx", files, sum(map(sheet_count, files)))]
    real = real_xlsx()
    if real:
        sets.append(("xlsx_real", "xlsx", real, sum(map(sheet_count, real))))
    else:
        log.warning("no real workbooks under %s: the xlsx_real set is left out", REAL_XLSX_DIR)
    return sets


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.gen_xlsx", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=30, help="workbooks (default 30)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--root", type=Path, default=ROOT)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    paths = ensure_xlsx(args.n, args.seed, args.root)
    log.info("%d workbooks under %s", len(paths), paths[0].parent if paths else args.root)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
