"""The XLSX reader straight from the package XML (``extractors.xlsx_xml``): workbooks built
here from raw XML in a zip, read by ``xlsx.extract`` and, for the values, checked against
openpyxl's read-only mode (the reader used before)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors import xlsx, xlsx_strip, xlsx_xml
from extractors.errors import CorruptFile, EmptyFile, ResourceLimit, UnsafeXML
from extractors.xlsx_text import cell_text

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")  # openpyxl, the oracle
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
# styles: 0 General, 1 date (builtin 14), 2 percent (custom), 3 duration, 4 custom date
STYLES = (f'<styleSheet xmlns="{NS}"><numFmts count="3"><numFmt numFmtId="164" '
          'formatCode="0.0%"/><numFmt numFmtId="165" formatCode="[h]:mm"/><numFmt '
          'numFmtId="166" formatCode="DD.MM.YYYY"/></numFmts><cellXfs count="5">'
          '<xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/>'
          '<xf numFmtId="166"/></cellXfs></styleSheet>')
STRINGS = ["Показатель", "  План \r\n 2021 ", "x005F_a"]


def _sst(strings: list[str]) -> str:
    items = "".join(f"<si><t>{s}</t></si>" for s in strings)
    return f'<sst xmlns="{NS}">{items}</sst>'


def build(path: Path, sheets: list[tuple[str, str]], *, styles: str | None = STYLES,
          sst: str | None = None, date1904: bool = False, drop: tuple[str, ...] = (),
          extra: dict[str, str] | None = None) -> Path:
    """A workbook of ``sheets`` (name, sheetData + after XML) written as raw parts."""
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    overrides = [("xl/workbook.xml", "sheet.main"), ("xl/sharedStrings.xml", "sharedStrings"),
                 ("xl/styles.xml", "styles")] + [
        (f"xl/worksheets/sheet{i + 1}.xml", "worksheet") for i in range(len(sheets))]
    parts: dict[str, str] = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            + "".join(f'<Override PartName="/{name}" ContentType="{ct}.{kind}+xml"/>'
                      for name, kind in overrides) + "</Types>"),
        "xl/workbook.xml": (f'<workbook xmlns="{NS}" xmlns:r="{REL}">'
                            + (' <workbookPr date1904="1"/>' if date1904 else "")
                            + "<sheets>" + "".join(
                                f'<sheet name="{name}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
                                for i, (name, _) in enumerate(sheets)) + "</sheets></workbook>"),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{PKG}">' + "".join(
                f'<Relationship Id="rId{i + 1}" Type="{REL}/worksheet" '
                f'Target="worksheets/sheet{i + 1}.xml"/>' for i in range(len(sheets)))
            + f'<Relationship Id="rIdS" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
            + "</Relationships>"),
        "xl/sharedStrings.xml": sst if sst is not None else _sst(STRINGS),
    }
    if styles is not None:
        parts["xl/styles.xml"] = styles
    for i, (_, body) in enumerate(sheets):
        parts[f"xl/worksheets/sheet{i + 1}.xml"] = f'<worksheet xmlns="{NS}">{body}</worksheet>'
    parts.update(extra or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            if name not in drop:
                zf.writestr(name, text)
    return path


def data(rows: str, after: str = "") -> str:
    return f"<sheetData>{rows}</sheetData>{after}"


def grid(path: Path, sheet: int = 0) -> list[list[str | None]]:
    return xlsx.extract(path).tables[sheet].grid()


CELLS = [  # (cell XML in A1, its text)
    ('<c r="A1" t="s"><v>0</v></c>', "Показатель"),
    ('<c r="A1" t="s"><v>1</v></c>', "План \n 2021"),
    ('<c r="A1" t="s"><v>2</v></c>', "a"),  # openpyxl's x005F_ escape dropped
    ('<c r="A1" t="inlineStr"><is><t> в строке </t></is></c>', "в строке"),
    ('<c r="A1" t="inlineStr"><is><r><t>мно</t></r><r><t>го</t></r>'
     '<rPh sb="0" eb="1"><t>x</t></rPh></is></c>', "много"),
    ('<c r="A1" t="b"><v>1</v></c>', "TRUE"),
    ('<c r="A1" t="b"><v>0</v></c>', "FALSE"),
    ('<c r="A1"><v>12</v></c>', "12"),
    ('<c r="A1"><v>12.50</v></c>', "12.5"),
    ('<c r="A1"><v>1E-7</v></c>', "0.0000001"),
    ('<c r="A1"><v>0.30000000000000004</v></c>', "0.3"),
    ('<c r="A1" s="1"><v>44561</v></c>', "31.12.2021"),
    ('<c r="A1" s="4"><v>44561.5</v></c>', "31.12.2021 12:00"),
    ('<c r="A1" s="1"><v>0.25</v></c>', "06:00"),
    ('<c r="A1" s="1"><v>99999999</v></c>', "#VALUE!"),  # a date serial out of range
    ('<c r="A1" s="2"><v>0.071</v></c>', "7.1%"),
    ('<c r="A1" s="3"><v>1.5</v></c>', "1 day, 12:00:00"),
    ('<c r="A1"><f>SUM(B1:C1)</f><v>7</v></c>', "7"),
    ('<c r="A1" t="str"><f>B1&amp;C1</f><v>ab</v></c>', "ab"),
    ('<c r="A1" t="e"><f>1/0</f><v>#DIV/0!</v></c>', "#DIV/0!"),
    ('<c r="A1" t="d"><v>2021-03-01T00:00:00</v></c>', "01.03.2021"),
]


@pytest.mark.parametrize(("cell", "text"), CELLS)
def test_cell_values(tmp_path, cell, text):
    path = build(tmp_path / "c.xlsx", [("Лист1", data(f'<row r="1">{cell}<c r="B1"><v>1</v>'
                                                       "</c></row>"))])
    assert grid(path)[0][0] == text
    ws = openpyxl.load_workbook(path, read_only=True, data_only=True).worksheets[0]
    old = next(ws.iter_rows())[0]
    assert cell_text(old.value, old.number_format) == text  # as openpyxl read it


def test_1904_epoch(tmp_path):
    path = build(tmp_path / "e.xlsx", [("Л", data('<row r="1"><c r="A1" s="1"><v>0</v></c>'
                                                   '<c r="B1" s="1"><v>1</v></c></row>'))],
                 date1904=True)
    assert grid(path)[0] == ["00:00", "02.01.1904"]  # 0 in 1904 is a time of day: midnight


LAYOUTS = [  # (sheetData rows, expected grid)
    ('<row r="1"><c r="A1"><v>1</v></c></row><row r="3"><c r="B3"><v>2</v></c></row>',
     [["1", ""], ["", ""], ["", "2"]]),  # a missing row is an empty one
    ('<row><c><v>1</v></c><c><v>2</v></c></row><row><c r="C2"><v>3</v></c><c><v>4</v></c></row>',
     [["1", "2", "", ""], ["", "", "3", "4"]]),  # no coordinates: counted
    ('<row r="2"><c r="A2"><v>1</v></c></row><row r="1"><c r="A1"><v>9</v></c></row>',
     [[""], ["1"]]),  # a row numbered before the previous one is skipped
    ('<row r="1"><c r="C1"><v>3</v></c><c r="A1"><v>1</v></c></row>',
     [["1"]]),  # a row is as wide as its last cell
    ('<row r="1"><c r="A1"><v>1</v></c><c r="B1" s="2"/><c r="ALL1" s="2"/></row>'
     '<row r="2"><c r="A2" s="2"/></row><row r="40"><c r="C40" s="1"/></row>',
     [["1"]]),  # styled empty cells and rows trimmed
]


@pytest.mark.parametrize(("rows", "expected"), LAYOUTS)
def test_row_and_column_layout(tmp_path, rows, expected):
    assert grid(build(tmp_path / "l.xlsx", [("Л", data(rows))])) == expected


def test_merged_ranges_clipped_and_single_cells_ignored(tmp_path):
    rows = ('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
            '<row r="2"><c r="A2"><v>1</v></c><c r="B2"><v>2</v></c><c r="C2"><v>3</v></c></row>')
    merges = ('<mergeCells><mergeCell ref="A1:C1"/><mergeCell ref="B2:B2"/>'
              '<mergeCell ref="C2:F9"/><mergeCell ref="Z50:Z60"/></mergeCells>')
    table = xlsx.extract(build(tmp_path / "m.xlsx", [("Л", data(rows, merges))])).tables[0]
    spans = {(c.row, c.col): (c.row_span, c.col_span) for c in table.cells}
    assert spans == {(0, 0): (1, 3), (1, 0): (1, 1), (1, 1): (1, 1), (1, 2): (1, 1)}
    assert table.grid() == [["Показатель", None, None], ["1", "2", "3"]]


def test_sheets_chartsheets_missing_parts_and_locators(tmp_path):
    one = data('<row r="1"><c r="A1"><v>1</v></c></row>')
    path = build(tmp_path / "s.xlsx", [("Первый", one), ("Пустой", data("")), ("Третий", one),
                                       ("Нет", one)], drop=("xl/worksheets/sheet4.xml",))
    doc = xlsx.extract(path)
    assert [b.locator for b in doc.blocks] == [
        "sheet Первый", "table 1 (sheet Первый)", "sheet Пустой", "sheet Третий",
        "table 2 (sheet Третий)"]


BAD = [  # (build kwargs, sheet body, error, message part)
    ({"extra": {"xl/worksheets/sheet1.xml": '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a '
                '"b">]><worksheet xmlns="' + NS + '"><sheetData/></worksheet>'}}, "",
     UnsafeXML, "declares a DTD"),
    ({"extra": {"xl/sharedStrings.xml": '<!DOCTYPE sst SYSTEM "http://x/y.dtd"><sst/>'}}, "",
     UnsafeXML, "declares a DTD"),
    ({"drop": ("xl/workbook.xml",)}, "", CorruptFile, "xl/workbook.xml is missing"),
    ({"drop": ("[Content_Types].xml",)}, "", CorruptFile, "Content_Types"),
    ({}, '<sheetData><row r="1"><c r="A1"><v>1</v></c>', CorruptFile, "malformed XML"),
    ({}, data('<row r="1"><c r="A1" t="s"><v>7</v></c></row>'), CorruptFile, "cannot read"),
    ({}, data('<row r="1"><c r="A1" s="9"><v>1</v></c></row>'), CorruptFile, "cannot read"),
    ({}, data('<row r="1.5"><c r="A1"><v>1</v></c></row>'), CorruptFile, "valid row"),
    ({}, data('<row r="1"><c r="A1"><v>x</v></c></row>'), CorruptFile, "cannot read"),
    ({}, data('<row r="1"><c r="A1"><v>1</v></c></row>', '<mergeCells><mergeCell ref="A1:?"/>'
              "</mergeCells>"), CorruptFile, "cannot read sheet"),
    ({}, data(""), EmptyFile, "no cell values"),
]


@pytest.mark.parametrize(("kwargs", "body", "error", "message"), BAD)
def test_hostile_and_broken_inputs(tmp_path, kwargs, body, error, message):
    path = build(tmp_path / "bad.xlsx", [("Л", body)], **kwargs)
    with pytest.raises(error, match=message.replace("[", r"\[").replace("?", r"\?")):
        xlsx.extract(path)


def test_odd_sheet_name_read_and_broken_zip_refused(tmp_path):
    one = data('<row r="1"><c r="A1"><v>1</v></c></row>')
    doc = xlsx.extract(build(tmp_path / "n.xlsx", [("a/b", one)]))  # as openpyxl read it
    assert doc.tables[0].locator == "table 1 (sheet a/b)"
    broken = tmp_path / "z.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(CorruptFile, match="broken ZIP"):
        xlsx.extract(broken)


def test_value_cap(tmp_path):
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>1</v></c></row>'
                   for r in range(1, 11))
    book = xlsx_xml.Workbook(build(tmp_path / "cap.xlsx", [("Л", data(rows))]))
    reader = xlsx_xml.SheetReader(book, max_values=15)
    with pytest.raises(ResourceLimit, match="more than 15 cells"):
        reader.read(book.sheets[0])
    assert len(xlsx_xml.SheetReader(book, max_values=20).read(book.sheets[0])[0]) == 10


def test_slow_path_when_styles_cannot_be_checked_from_bytes(tmp_path):
    """A style written s = '…' sends the sheet to the path that reads every cell."""
    rows = "<row r=\"1\"><c r=\"A1\" s = '2'><v>0.5</v></c><c r=\"C1\" s='9'/></row>"
    with pytest.raises(CorruptFile, match="cannot read"):  # style 9 does not exist
        xlsx.extract(build(tmp_path / "q.xlsx", [("Л", data(rows))]))
    ok = "<row r=\"1\"><c r=\"A1\" s = '2'><v>0.5</v></c><c r=\"C1\" s='1'/></row>"
    assert grid(build(tmp_path / "q2.xlsx", [("Л", data(ok))])) == [["50%"]]


def _openpyxl_rows(path: Path) -> list[list[str]]:
    """What the reader before this one gave: openpyxl read-only, rows cut after their last
    non-empty cell, trailing empty rows dropped."""
    ws = openpyxl.load_workbook(path, read_only=True, data_only=True).worksheets[0]
    ws.reset_dimensions()
    rows = []
    for row in ws.iter_rows():
        texts = [cell_text(c.value, getattr(c, "number_format", None)) for c in row]
        while texts and not texts[-1]:
            texts.pop()
        rows.append(texts)
    while rows and not rows[-1]:
        rows.pop()
    return rows


_VALUES = st.sampled_from([
    "", "<v>1</v>", "<v>2.5</v>", "<v>44561</v>", "<v>-0.125</v>", "<v></v>",
    't="s"><v>0</v', 't="s"><v>1</v', 't="b"><v>1</v', 't="e"><v>#N/A</v',
    't="inlineStr"><is><t>в</t></is', 't="str"><v> s </v'])
_CELL = st.tuples(st.booleans(), st.integers(1, 6), st.sampled_from(["", "0", "1", "2", "4"]),
                  _VALUES)
_ROW = st.tuples(st.one_of(st.none(), st.integers(1, 8)), st.lists(_CELL, max_size=6))


def _distinct(cells: list[tuple[bool, int, str, str]]) -> list[tuple[bool, int, str, str]]:
    """Cells at distinct places (a cell without a coordinate is placed after the previous
    one): two cells at one place is invalid OOXML, Excel refuses such a file, and the
    readers differ on it (see the test below)."""
    seen: set[int] = set()
    out = []
    col = 0
    for cell in cells:
        place = cell[1] if cell[0] else col + 1
        if place in seen:
            continue
        seen.add(place)
        col = place
        out.append(cell)
    return out


def _cell_xml(has_r: bool, col: int, s: str, value: str) -> str:
    attrs = (f' r="{"ABCDEF"[col - 1]}1"' if has_r else "") + (f' s="{s}"' if s else "")
    if value.startswith("t="):
        return f"<c{attrs} {value}></c>"
    return f"<c{attrs}>{value}</c>"


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_ROW, min_size=1, max_size=6))
def test_same_rows_as_openpyxl_read_only(tmp_path, rows):
    body = "".join(
        (f'<row r="{r}">' if r is not None else "<row>")
        + "".join(_cell_xml(*c) for c in _distinct(cells)) + "</row>" for r, cells in rows)
    path = build(tmp_path / "h.xlsx", [("Л", data(body))])
    book = xlsx_xml.Workbook(path)
    got, _ = xlsx_xml.SheetReader(book, 10_000).read(book.sheets[0])
    assert got == _openpyxl_rows(path)


@pytest.mark.parametrize("n", [*range(0, 40), 99, 100, 101, 530, 1000, 1234])
def test_below_matches_exactly_the_style_indexes(n):
    pattern = re.compile(xlsx_strip.below(n) + r"\Z")
    assert [i for i in range(2 * n + 30) if pattern.match(str(i))] == list(range(n))
    assert not pattern.match("01")


STRIP = [  # (row XML, expected row): empty cells dropped before parsing change nothing
    ('<c r="A1" s="1"/><c r="B1" s="2"></c><c r="C1"><v>3</v></c><c r="D1" s="2"/>',
     ["", "", "3"]),
    ('<c r="A1" s="1"/><c><v>2</v></c>', ["", "2"]),  # the next cell is counted from it
    ('<c r="C1"><v>3</v></c><c r="A1"><v>1</v></c><c r="B1" s="1"/>', ["1"]),  # last: width 2
    ('<c r="A1" s="4"/><c r="B1" s="9"/><c r="C1"><v>3</v></c>', None),  # style 9: an error
    ('<c r="A1" t="inlineStr"><is><t><![CDATA[<c r="B1" s="1"/><c r="C1"/>]]></t></is></c>',
     ['<c r="B1" s="1"/><c r="C1"/>']),
]


@pytest.mark.parametrize(("cells", "expected"), STRIP)
def test_empty_cells_dropped_from_bytes_change_nothing(tmp_path, cells, expected):
    path = build(tmp_path / "s.xlsx", [("Л", data(f'<row r="1">{cells}</row>'))])
    if expected is None:
        with pytest.raises(CorruptFile, match="style 9"):
            xlsx.extract(path)
        return
    book = xlsx_xml.Workbook(path)
    assert xlsx_xml.SheetReader(book, 100).read(book.sheets[0])[0] == [expected]
    assert _openpyxl_rows(path) == [expected]


def test_repeated_coordinate_empty_cell_does_not_erase_a_value(tmp_path):
    """The one documented difference from openpyxl (invalid files only): openpyxl lets a later
    empty cell at the same coordinate erase the value; we keep it. A later cell with a value
    (or an empty text) still wins, as in openpyxl."""
    path = build(tmp_path / "d.xlsx", [("Л", data(
        '<row r="1"><c r="A1"><v>1</v></c><c r="A1" s="1"/><c r="B1"><v>2</v></c></row>'
        '<row r="2"><c r="A2"><v>1</v></c><c r="A2" t="str"><v></v></c><c r="B2"><v>2</v></c>'
        '</row><row r="3"><c r="A3"><v>1</v></c><c r="A3"><v>5</v></c></row>'))])
    assert grid(path) == [["1", "2"], ["", "2"], ["5", ""]]
    assert _openpyxl_rows(path) == [["", "2"], ["", "2"], ["5"]]
