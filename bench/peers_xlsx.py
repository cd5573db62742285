"""The XLSX tools of the side-by-side benchmark (``bench.peers`` lists them).

* floor: ``zipfile`` + ``lxml``: every worksheet part and the shared strings parsed, their text
  joined (no cell placement, no merges, no safety checks);
* bare: openpyxl in its normal mode (``load_workbook(data_only=True)``), every cell's value by
  ``iter_rows(values_only=True)`` and ``ws.merged_cells.ranges``: the only mode in which
  openpyxl itself gives the merged ranges a table reader needs (it materialises every styled
  empty cell: ~1000 a row in real Voronezh reports);
* bare-ro: openpyxl's read-only mode (values and number formats by ``iter_rows``), plus the
  merged ranges read from each sheet's ``<mergeCell>`` elements with lxml (read-only mode has
  none): how our reader worked before ``extractors.xlsx_xml``;
* peers: pandas ``read_excel(sheet_name=None)`` (openpyxl engine), python-calamine
  (values and merged ranges), markitdown and docling's ``MsExcelDocumentBackend`` when
  installed.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

Run = Callable[[Path], int]
NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def load_floor() -> Run:
    from lxml import etree

    def run(path: Path) -> int:
        n = 0
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.startswith("xl/worksheets/") or name.endswith("sharedStrings.xml"):
                    root = etree.fromstring(z.read(name))
                    "".join(root.itertext())
                    n += name.startswith("xl/worksheets/sheet")
        return n
    return run


def load_bare() -> Run:
    import openpyxl

    def run(path: Path) -> int:
        wb = openpyxl.load_workbook(path, data_only=True)
        n = 0
        for ws in wb.worksheets:
            values = [v for row in ws.iter_rows(values_only=True) for v in row]
            list(ws.merged_cells.ranges)
            n += any(v is not None for v in values)
        wb.close()
        return n
    return run


def load_bare_ro() -> Run:
    import openpyxl
    from lxml import etree

    merge_tag = f"{{{NS_MAIN}}}mergeCell"

    def run(path: Path) -> int:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        n = 0
        try:
            for ws in wb.worksheets:
                ws.reset_dimensions()
                texts = [(c.value, getattr(c, "number_format", None))
                         for row in ws.iter_rows() for c in row]
                n += any(v is not None for v, _ in texts)
        finally:
            wb.close()
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.startswith("xl/worksheets/sheet"):
                    with z.open(name) as fh:
                        for _, el in etree.iterparse(fh, events=("end",), tag=merge_tag):
                            el.get("ref")
        return n
    return run


def load_pandas() -> Run:
    import pandas as pd

    def run(path: Path) -> int:
        frames = pd.read_excel(path, sheet_name=None, header=None)
        return sum(1 for f in frames.values() if not f.empty)
    return run


def load_calamine() -> Run:
    from python_calamine import CalamineWorkbook

    def run(path: Path) -> int:
        wb = CalamineWorkbook.from_path(str(path))
        n = 0
        for name in wb.sheet_names:
            sheet = wb.get_sheet_by_name(name)
            rows = sheet.to_python()
            getattr(sheet, "merged_cell_ranges", None)
            n += bool(rows)
        return n
    return run


LABELS = {
    ("floor", "xlsx"): "zipfile + lxml parse of the sheets",
    ("bare", "xlsx"): "openpyxl normal mode + merged_cells",
    ("bare-ro", "xlsx"): "openpyxl read-only + <mergeCell> list",
    ("pandas", "xlsx"): "pandas read_excel (openpyxl)",
    ("calamine", "xlsx"): "python-calamine",
}
