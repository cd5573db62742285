from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from extractors import txt
from extractors.errors import CorruptFile, EmptyFile, ResourceLimit
from extractors.model import Paragraph, Table
from schemas.enums import Format

CORPUS = Path("/work/shared/corpus")

# An execution report dumped cell per line: a two-row header band ("Показатели" spans two
# columns), multi-paragraph cells, cells ending in empty paragraphs (two blank lines inside a
# row) and a note paragraph in the last cell.
CELL_DUMP = """\
Отчет об исполнении плана мероприятий на 2020 год
\tНаименование проекта
\tНаименование мероприятия
\tПоказатели на 2020 год
\tПроцент исполнения
\tПримечание

\t
\t
\tПлановый
\tФактический
\t
\t

\tОбразование
\tПоказатель:

1. Доля учителей
Мероприятия:
- семинары
\tне менее 5%


\t5%


\t100%
\tисполнено

Занятия проводятся еженедельно.

\t
\tПоказатель:

2. Число центров
\t2
\t3
\t150%
\tвыполнено


Начальник управления\t\t\t\tИванов И.И.
"""

ROW_DUMP = """\
Показатели реализации проекта

№\tНаименование показателя\t2021\t2022\t2023
1\tДоля педагогов, прошедших повышение\t9 %\t20 %\t30 %

\tквалификации\t\t\t
2\tДоля учителей\tне менее 15,5 %\tне менее 15,5 %

Начальник управления\t\t\t\tИванов И.И.
17.05.2022
"""


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    def build(text: str | bytes, name: str = "report.txt", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
        return path

    return build


def _kinds(blocks: tuple[object, ...]) -> list[str]:
    return [type(b).__name__ for b in blocks]


def test_cell_per_line_table(write: Callable[..., Path]) -> None:
    doc = txt.extract(write(CELL_DUMP))
    assert (doc.format, doc.encoding) == (Format.TXT, "utf-8")
    assert _kinds(doc.blocks) == ["Paragraph", "Table", "Paragraph"]
    table = doc.tables[0]
    assert (table.n_rows, table.n_cols, table.locator) == (4, 6, "table 1")
    assert table.grid(fill=True)[:2] == [
        ["Наименование проекта", "Наименование мероприятия", "Показатели на 2020 год",
         "Показатели на 2020 год", "Процент исполнения", "Примечание"],
        ["Наименование проекта", "Наименование мероприятия", "Плановый", "Фактический",
         "Процент исполнения", "Примечание"],
    ]
    by_pos = {(c.row, c.col): c for c in table.cells}
    assert (by_pos[0, 2].col_span, by_pos[0, 0].row_span) == (2, 2)
    assert (1, 0) not in by_pos
    assert table.grid()[2] == [
        "Образование", "Показатель:\n\n1. Доля учителей\nМероприятия:\n- семинары",
        "не менее 5%", "5%", "100%", "исполнено\n\nЗанятия проводятся еженедельно.",
    ]
    assert table.grid()[3] == ["", "Показатель:\n\n2. Число центров", "2", "3", "150%",
                               "выполнено"]
    assert table.row_lines == (2, 8, 15, 32)
    assert table.row_locator(2) == "table 1 row 3 line 15"
    first, signature = doc.paragraphs
    assert (first.line, first.locator) == (1, "line 1")
    assert (signature.text, signature.line) == ("Начальник управления\t\t\t\tИванов И.И.", 42)


def test_row_per_line_table(write: Callable[..., Path]) -> None:
    doc = txt.extract(write(ROW_DUMP))
    assert _kinds(doc.blocks) == ["Paragraph", "Table", "Paragraph", "Paragraph"]
    table = doc.tables[0]
    assert (table.n_rows, table.n_cols) == (4, 5)
    assert table.grid() == [
        ["№", "Наименование показателя", "2021", "2022", "2023"],
        ["1", "Доля педагогов, прошедших повышение", "9 %", "20 %", "30 %"],
        ["", "квалификации", "", "", ""],
        ["2", "Доля учителей", "не менее 15,5 %", "не менее 15,5 %", None],
    ]
    assert table.row_lines == (3, 4, 6, 7)
    assert [p.line for p in doc.paragraphs] == [1, 9, 10]


def test_plain_tab_separated_lines(write: Callable[..., Path]) -> None:
    doc = txt.extract(write("a\tb\tc\n1\t2\t3\n\nодна строка\tс табуляцией\n"))
    assert _kinds(doc.blocks) == ["Table", "Paragraph"]
    assert doc.tables[0].grid() == [["a", "b", "c"], ["1", "2", "3"]]
    assert doc.paragraphs[0].text == "одна строка\tс табуляцией"


def test_single_cell_rows_span_the_width(write: Callable[..., Path]) -> None:
    dump = "\t№\n\tМероприятие\n\tСтатус\n\n\t1. Раздел\n\n\t1.1.\n\tСовещание\n\tисполнено\n"
    table = txt.extract(write(dump)).tables[0]
    assert table.grid(fill=True) == [
        ["№", "Мероприятие", "Статус"],
        ["1. Раздел"] * 3,
        ["1.1.", "Совещание", "исполнено"],
    ]


def test_repeated_header_and_page_break(write: Callable[..., Path]) -> None:
    header = "\t№\n\tНаименование\n\tСрок\n\n"
    dump = header + "\t1.\n\tПервое\n\t2020\n\n\n\n\n" + header + "\t\n\tпродолжение\n\t\n\n"
    table = txt.extract(write(dump)).tables[0]
    assert table.grid() == [["№", "Наименование", "Срок"], ["1.", "Первое", "2020"],
                            ["", "продолжение", ""]]
    assert table.row_lines == (1, 5, 16)


def test_padded_cells_keep_their_values(write: Callable[..., Path]) -> None:
    # PDF conversions pad cells with empty paragraphs above the value, the last cell too
    dump = ("\t№\n\tНаименование\n\tБаза\n\t2024\n\n"
            "\t1.\n\tДоля\n\t\n\n\n14,51\n\t\n\n\n10\n\n"
            "\t2.\n\tЧисло\n\t\n\n\n0\n\t\n\n\n40\n")
    table = txt.extract(write(dump)).tables[0]
    assert table.grid() == [["№", "Наименование", "База", "2024"],
                            ["1.", "Доля", "14,51", "10"], ["2.", "Число", "0", "40"]]


def test_prose_after_table_is_not_swallowed(write: Callable[..., Path]) -> None:
    dump = ("\t№\n\tНазвание\n\n\t1.\n\tПервое\n\n\n* сноска к таблице\n\n"
            "2. Следующий раздел\n\t№\n\tСрок\n\n\t1.\n\t2021\n")
    doc = txt.extract(write(dump))
    assert _kinds(doc.blocks) == ["Table", "Paragraph", "Paragraph", "Table"]
    assert [t.n_rows for t in doc.tables] == [2, 2]
    assert doc.paragraphs[1].text == "2. Следующий раздел"


def test_markup_is_removed(write: Callable[..., Path]) -> None:
    dump = ("**Отчет за 2020 год**\n"
            "№\t<p>Наименование</p>\tСтатус\n"
            "<i>1. Раздел</i>\t\t\n"
            "1.1\t<p>Первое</p> <p>Второе</p>\tисполнено\n")
    doc = txt.extract(write(dump))
    assert doc.paragraphs[0].text == "Отчет за 2020 год"
    assert doc.tables[0].grid() == [["№", "Наименование", "Статус"], ["1. Раздел", "", ""],
                                    ["1.1", "Первое\nВторое", "исполнено"]]


def test_legacy_encodings_and_line_ends(write: Callable[..., Path]) -> None:
    prose = "Пояснительная записка\r\n\r\nПоказатель на 2022 год – 3 пункта.\r\n"
    doc = txt.extract(write(prose, encoding="cp1251"))
    assert doc.encoding == "cp1251"
    assert [(p.text, p.line) for p in doc.paragraphs] == [
        ("Пояснительная записка", 1), ("Показатель на 2022 год – 3 пункта.", 3)]
    doc16 = txt.extract(write(b"\xff\xfe" + CELL_DUMP.replace("\n", "\r\n").encode("utf-16-le")))
    assert doc16.encoding == "utf-16-le"
    assert doc16.tables[0].grid() == txt.extract(write(CELL_DUMP)).tables[0].grid()


def test_form_feeds_give_pages(write: Callable[..., Path]) -> None:
    doc = txt.extract(write("Первая страница\n\fВторая страница\nещё\fТретья\n"))
    assert [(p.text, p.page) for p in doc.paragraphs] == [
        ("Первая страница", 1), ("Вторая страница", 2), ("ещёТретья", 2)]
    assert doc.pages == 3


@pytest.mark.parametrize(
    ("content", "error"),
    [(b"", EmptyFile), (b"\r\n \r\n", EmptyFile), (b"\x00\x01\x02" * 100, CorruptFile)],
    ids=["empty", "blank", "binary"],
)
def test_bad_files(write: Callable[..., Path], content: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        txt.extract(write(content))


def test_size_cap_checked_before_reading(write: Callable[..., Path],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(txt, "MAX_TEXT_BYTES", 10)
    with pytest.raises(ResourceLimit, match="MB limit"):
        txt.extract(write("Отчет об исполнении"))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CorruptFile, match="cannot read"):
        txt.extract(tmp_path / "absent.txt")


def test_five_megabytes_in_seconds(write: Callable[..., Path]) -> None:
    unit = CELL_DUMP + "\n" + ROW_DUMP + "\n" + "Пояснительная записка к отчету.\n\n" * 20
    text = unit * (5_000_000 // len(unit.encode()) + 1)
    path = write(text)
    start = time.perf_counter()
    doc = txt.extract(path)
    assert time.perf_counter() - start < 10
    assert len(doc.tables) > 1000
    assert all(isinstance(b, Paragraph | Table) for b in doc.blocks)


FIXTURE_OK = [HealthCheck.function_scoped_fixture]  # ``write`` only makes a fresh file
CELL_TEXT = st.text(alphabet="абвгдежзиклмнопрстуфхцчшщэюя АБВ0123456789.,%-", min_size=1,
                    max_size=12).map(str.strip).filter(bool)


@st.composite
def grids(draw: st.DrawFn, first_filled: bool = False) -> list[list[str]]:
    """A table with a filled header row; body cells may be empty or multi-line, and the first
    body cell of each row is filled when ``first_filled``."""
    width = draw(st.integers(2, 7))
    header = draw(st.lists(CELL_TEXT, min_size=width, max_size=width))
    lines = st.lists(CELL_TEXT, min_size=1, max_size=3).map("\n".join)
    first = CELL_TEXT if first_filled else st.one_of(st.just(""), lines)
    row = st.tuples(first, st.lists(st.one_of(st.just(""), lines), min_size=width - 1,
                                    max_size=width - 1)).map(lambda t: [t[0], *t[1]])
    body = draw(st.lists(row, min_size=1, max_size=8))
    assume(all(r != header for r in body))
    return [header, *body]


@settings(max_examples=150, deadline=None, suppress_health_check=FIXTURE_OK)
@given(grid=grids())
def test_cell_per_line_round_trip(write: Callable[..., Path], grid: list[list[str]]) -> None:
    dump = "Заголовок\n" + "".join("".join(f"\t{c}\n" for c in row) + "\n" for row in grid)
    table = txt.extract(write(dump)).tables[0]
    assert table.grid() == grid


@settings(max_examples=150, deadline=None, suppress_health_check=FIXTURE_OK)
@given(grid=grids(first_filled=True))
def test_row_per_line_round_trip(write: Callable[..., Path], grid: list[list[str]]) -> None:
    rows = [[c.replace("\n", " ") for c in row] for row in grid]
    dump = "Заголовок\n" + "".join("\t".join(row) + "\n" for row in rows) + "Подпись\n"
    table = txt.extract(write(dump)).tables[0]
    assert table.grid() == rows


NOISE = st.lists(st.one_of(
    st.just(""), st.just("\t"), st.text(alphabet="аб1 \t", min_size=1, max_size=8),
    st.sampled_from(["\tШапка", "\t2020", "Текст", "a\tb\tc", "\t\t\tx", " \t ", "<p>x</p>"]),
), max_size=60)


@settings(max_examples=300, deadline=None)
@given(lines=NOISE)
def test_any_text_gives_consistent_blocks(lines: list[str]) -> None:
    for block in txt.parse(txt.split_lines("\n".join(lines))):
        if isinstance(block, Paragraph):
            assert block.text
            assert block.locator == f"line {block.line}"
            continue
        assert len(block.row_lines) == block.n_rows >= 1
        covered = [(r, k) for c in block.cells for r in range(c.row, c.row + c.row_span)
                   for k in range(c.col, c.col + c.col_span)]
        assert len(covered) == len(set(covered))
        assert all(r < block.n_rows and 0 <= k < block.n_cols for r, k in covered)


SEEDS = {
    "seeds/001_a2f3dc10840cdb16.txt": (0, 6, 8, ["Образование", "Современная школа"]),
    "seeds/002_4e886c8dec47cfe3.txt": (1, 11, 11, ["1.", "Средневзвешенный результат"]),
    "seeds/003_e45a3f59df5c2e13.txt": (0, 29, 10, ["1.1", "Совещание руководителей"]),
    "seeds/004_7002f76ae28e720f.txt": (0, 5, 5, ["1", "Доля педагогических работников"]),
    "dev/105_1395f39f29523793.txt": (0, 8, 8, ["Образование", "Молодые профессионалы"]),
    "dev/121_e3ee9e274fe02cd9.txt": (0, 8, 8, ["1.1.", "Поставка оборудования"]),
    "dev/123_6575c51d76ee2d93.txt": (0, 11, 8, ["1.1.", "Прогнозирование текущей"]),
}


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not mounted")
@pytest.mark.parametrize("name", sorted(SEEDS))
def test_corpus_tables(name: str) -> None:
    index, n_rows, n_cols, starts = SEEDS[name]
    table = txt.extract(CORPUS / name).tables[index]
    assert (table.n_rows, table.n_cols) == (n_rows, n_cols)
    assert any(all((row[k] or "").startswith(s) for k, s in enumerate(starts))
               for row in table.grid())
