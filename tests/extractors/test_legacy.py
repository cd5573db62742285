from __future__ import annotations

import shutil
import zipfile
from concurrent.futures import ThreadPoolExecutor

import pytest

from extractors import EXTRACTORS, docx, legacy
from extractors.errors import ConverterMissing, CorruptFile, ResourceLimit
from schemas.enums import Format
from tests.soffice import soffice_convert

needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)

MERGED_TABLE = (
    [["Проект", "Показатели на 2021 год", ""],
     ["", "Плановый", "Фактический"],
     ["Образование", "не менее 5%", "6,1%"],
     ["", "245 человек", "245"]],
    [(0, 1, 0, 2), (0, 0, 1, 0), (2, 0, 3, 0)],
)


@pytest.fixture
def report_docx(make_docx):
    return make_docx(
        name="report.docx",
        paragraphs=("Отчет об исполнении плана мероприятий", "за 2021 год"),
        tables=(MERGED_TABLE,),
        after=("Начальник управления",),
    )


@pytest.mark.soffice
@needs_soffice
@pytest.mark.parametrize("fmt", ["doc", "rtf", "odt"])
def test_legacy_tables_equal_the_docx_ones(report_docx, tmp_path, fmt):
    src = soffice_convert(report_docx, fmt, tmp_path / "in")
    doc = legacy.extract(src)
    original = docx.extract(report_docx)
    assert doc.format == Format(fmt)
    assert doc.source == str(src)
    assert len(doc.tables) == 1
    got, want = doc.tables[0], original.tables[0]
    assert (got.n_rows, got.n_cols) == (want.n_rows, want.n_cols) == (4, 3)
    assert got.grid() == want.grid()
    spans = {(c.row, c.col): (c.row_span, c.col_span) for c in got.cells}
    assert [spans[(0, 1)], spans[(0, 0)], spans[(2, 0)]] == [(1, 2), (2, 1), (2, 1)]
    texts = [p.text.strip() for p in doc.paragraphs]
    assert "Отчет об исполнении плана мероприятий" in texts
    assert "Начальник управления" in texts
    assert EXTRACTORS[Format(fmt)] is legacy.extract


@pytest.mark.soffice
@needs_soffice
def test_parallel_conversions_do_not_collide(report_docx, tmp_path):
    sources = [soffice_convert(report_docx, fmt, tmp_path / fmt) for fmt in ("doc", "rtf")]
    sources += [shutil.copy(sources[0], tmp_path / "copy.doc")]
    with ThreadPoolExecutor(max_workers=3) as pool:
        docs = list(pool.map(legacy.extract, sources))
    assert [len(d.tables) for d in docs] == [1, 1, 1]
    assert docs[0].tables[0].grid() == docs[2].tables[0].grid()


@pytest.mark.soffice
@needs_soffice
def test_timeout_is_a_resource_limit(report_docx, tmp_path):
    src = soffice_convert(report_docx, "rtf", tmp_path)
    with pytest.raises(ResourceLimit, match="longer than"):
        legacy.extract(src, timeout_s=0.05)


@pytest.mark.soffice
@needs_soffice
def test_unreadable_doc_is_corrupt(tmp_path):
    bad = tmp_path / "broken.doc"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00\xff" * 3000)
    with pytest.raises(CorruptFile, match="LibreOffice could not convert"):
        legacy.extract(bad)


def test_without_soffice_converter_missing(tmp_path, monkeypatch):
    rtf = tmp_path / "note.rtf"
    rtf.write_bytes(rb"{\rtf1\ansi Hello}")
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(ConverterMissing) as info:
        legacy.extract(rtf)
    assert "apt-get install libreoffice-writer-nogui" in info.value.reason
    assert info.value.path == str(rtf)


def test_odt_bomb_refused_before_conversion(tmp_path, monkeypatch):
    bomb = tmp_path / "bomb.odt"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", b"\x00" * (30 * 1024 * 1024))
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))  # soffice must not even be needed
    with pytest.raises(ResourceLimit, match="decompression bomb"):
        legacy.extract(bomb)
