from __future__ import annotations

import pytest

from extractors import EXTRACTORS, extract, html
from extractors.errors import EmptyFile
from extractors.model import Paragraph, Table
from schemas.enums import Format

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Отчет</title>
<style>td { color: red }</style><script>var x = "<p>не текст</p>";</script></head>
<body>
<h1>Отчет об исполнении</h1>
<p>Муниципальный проект <b>«Успех каждого ребенка»</b><br>за 2021 год</p>
<div>Управление образования <span>администрации</span><div>района</div></div>
<ul><li>пункт первый</li><li>пункт второй</li></ul>
<table>
  <caption>Таблица 1</caption>
  <thead>
    <tr><th rowspan="2">Показатель</th><th colspan="2">2021 год</th><th rowspan="2">%</th></tr>
    <tr><th>План</th><th>Факт</th></tr>
  </thead>
  <tbody>
    <tr><td>Доля детей</td><td>не менее 5</td><td>6,1</td><td>122</td></tr>
    <tr><td rowspan="2">Охват</td><td>10</td>
        <td>11<table><tr><td>a</td><td>b</td></tr></table></td><td>110</td></tr>
    <tr><td colspan="3">нет данных</td></tr>
  </tbody>
</table>
<!-- комментарий -->
<h2>Итоги</h2><p>Конец&nbsp;отчета</p>
</body></html>
"""


@pytest.fixture
def page(tmp_path):
    path = tmp_path / "report.html"
    path.write_text(PAGE, encoding="utf-8")
    return path


def test_blocks_in_order(page):
    doc = html.extract(page)
    assert doc.format == Format.HTML
    got = [(type(b).__name__, getattr(b, "text", b.locator)) for b in doc.blocks]
    assert got == [
        ("Paragraph", "Отчет об исполнении"),
        ("Paragraph", "Муниципальный проект «Успех каждого ребенка»\nза 2021 год"),
        ("Paragraph", "Управление образования администрации"),
        ("Paragraph", "района"),
        ("Paragraph", "пункт первый"),
        ("Paragraph", "пункт второй"),
        ("Paragraph", "Таблица 1"),
        ("Table", "table 1"),
        ("Paragraph", "Итоги"),
        ("Paragraph", "Конец отчета"),
    ]
    levels = {b.text: b.heading_level for b in doc.paragraphs}
    assert levels["Отчет об исполнении"] == 1
    assert levels["Итоги"] == 2
    assert levels["пункт первый"] is None
    assert doc.paragraphs[-1].locator == "paragraph 9"


def test_rowspan_colspan_and_nested(page):
    table = html.extract(page).tables[0]
    assert (table.n_rows, table.n_cols) == (5, 4)
    by_pos = {(c.row, c.col): c for c in table.cells}
    assert (by_pos[(0, 0)].row_span, by_pos[(0, 1)].col_span, by_pos[(0, 3)].row_span) == (2, 2, 2)
    assert table.grid()[1] == [None, "План", "Факт", None]
    assert table.grid()[2] == ["Доля детей", "не менее 5", "6,1", "122"]
    assert table.grid(fill=True)[4] == ["Охват", "нет данных", "нет данных", "нет данных"]
    nested = by_pos[(3, 2)].nested
    assert by_pos[(3, 2)].text == "11"
    assert len(nested) == 1
    assert nested[0].grid() == [["a", "b"]]
    assert nested[0].locator == "table 1 nested 1"
    assert isinstance(nested[0], Table)


def test_span_edge_cases(tmp_path):
    path = tmp_path / "t.html"
    path.write_text(
        "<html><body><table><tr><td rowspan=0>A</td><td colspan=9999>B</td></tr>"
        "<tr><td>C</td></tr><tr><td>D</td></tr></table></body></html>", encoding="utf-8"
    )
    table = html.extract(path).tables[0]
    by_pos = {(c.row, c.col): c for c in table.cells}
    assert by_pos[(0, 0)].row_span == 3  # rowspan=0: to the end of the table
    assert by_pos[(0, 1)].col_span == html.MAX_SPAN
    assert table.grid()[2][1] == "D"


def test_cp1251_with_and_without_meta(tmp_path):
    body = "<html><body><p>Показатель выполнен</p></body></html>"
    with_meta = tmp_path / "a.html"
    with_meta.write_bytes(
        body.replace("<body>", '<head><meta http-equiv="Content-Type" '
                     'content="text/html; charset=windows-1251"></head><body>').encode("cp1251")
    )
    without = tmp_path / "b.htm"
    without.write_bytes(body.encode("cp1251"))
    for path in (with_meta, without):
        doc = html.extract(path)
        assert doc.paragraphs[0].text == "Показатель выполнен"
        assert doc.encoding == "cp1251"


def test_stale_meta_charset_loses_to_valid_utf8(tmp_path):
    path = tmp_path / "stale.html"
    path.write_bytes('<html><head><meta charset="windows-1251"></head><body>'
                     "<p>Показатель выполнен</p></body></html>".encode())
    doc = html.extract(path)
    assert (doc.paragraphs[0].text, doc.encoding) == ("Показатель выполнен", "utf-8")


def test_entities_are_not_expanded(tmp_path):
    path = tmp_path / "xxe.html"
    path.write_text(
        '<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">'
        '<!ENTITY a "aaaaaaaaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        "<html><body><p>x &xxe; &b; y</p></body></html>", encoding="utf-8"
    )
    text = " ".join(p.text for p in html.extract(path).paragraphs)
    assert "root:" not in text
    assert "aaaaaaaaaaaaaaaa" not in text


def test_registry_and_empty(page, tmp_path):
    assert EXTRACTORS[Format.HTML] is html.extract
    assert isinstance(extract(page).blocks[0], Paragraph)
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body><script>1</script></body></html>", encoding="utf-8")
    with pytest.raises(EmptyFile):
        html.extract(empty)
