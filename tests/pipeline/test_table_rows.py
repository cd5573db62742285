"""Rules of the table reader over built passport grids: a base carried across stacked year
blocks, a target stated as a change against the year before, a cancelled indicator."""

from __future__ import annotations

import pytest

from extractors.model import Document, Paragraph
from pipeline.interpret import interpret
from pipeline.interpret.values import is_no_value, is_relative_target
from schemas.enums import Format
from tests.pipeline.grids import grid_table

HEAD = ["Показатели цели муниципальной программы, единицы измерения",
        "Год разработки программы", "2015 год", "2016 год"]
HEAD2 = ["Показатели цели муниципальной программы, единицы измерения", "", "2017 год",
         "2018 год"]


def _read(rows: list[list[str]]) -> list:
    doc = Document("p.xlsx", Format.XLSX, (Paragraph("Паспорт муниципальной программы",
                                                     "line 1", None), grid_table(rows)))
    return interpret(doc).indicators


def test_a_base_stated_in_the_first_year_block_is_kept_by_the_later_blocks() -> None:
    rows = [HEAD, ["Доля расходов, сформированных в рамках программ, %", "77,3", "89", "90"],
            HEAD2, ["Доля расходов, сформированных в рамках программ, %", "", "91", "92"]]
    got = {r.year: (r.base_value, r.planned_value) for r in _read(rows)}
    assert got == {2015: (77.3, 89.0), 2016: (77.3, 90.0), 2017: (77.3, 91.0),
                   2018: (77.3, 92.0)}


def test_a_base_that_differs_between_blocks_is_not_carried() -> None:
    rows = [HEAD, ["Доля расходов, %", "77", "89", "90"],
            HEAD2, ["Доля расходов, %", "", "91", "92"],
            HEAD, ["Доля расходов, %", "60", "61", "62"]]
    got = {(r.year, r.base_value) for r in _read(rows)}
    assert (2017, None) in got


def test_a_target_stated_as_a_change_keeps_its_text_and_no_value() -> None:
    rows = [HEAD, ["Доля инженерных сетей, нуждающихся в замене, %", "92,3",
                   "снижение не менее чем на 5 п.п. к предыдущему году", "90,8"]]
    got = {r.year: (r.planned_value, r.planned_text, r.flags) for r in _read(rows)}
    assert got == {
        2015: (None, "снижение не менее чем на 5 п.п. к предыдущему году", ["value_unparsed"]),
        2016: (90.8, "90,8", []),
    }


@pytest.mark.parametrize(("text", "relative"), [
    ("снижение не менее чем на 5 п.п. к предыдущему году", True),
    ("увеличение на 10%", True),
    ("105% к уровню 2019 года", True),
    ("не менее 5", False),
    ("Рост", False),
    ("2,5", False),
])
def test_relative_targets(text: str, relative: bool) -> None:
    assert is_relative_target(text) is relative


@pytest.mark.parametrize(("text", "none"), [
    ("Показатель отменен с 2020 года", True),
    ("показатель не используется", True),
    ("-", True),
    ("45", False),
])
def test_cells_that_say_there_is_no_target(text: str, none: bool) -> None:
    assert is_no_value(text) is none


def test_a_helper_row_under_a_name_gives_its_unit_and_comparator() -> None:
    """A row holding only a unit and a comparator word under the name is no name of its own:
    it gives the row above its unit and comparator."""
    rows = [HEAD, ["Количество участников мероприятий", "120", "130", "140"],
            ["не менее, чел.", "", "", ""],
            ["Удовлетворенность качеством услуг", "80", "82", "85"],
            ["(%)", "", "", ""]]
    got = {(r.indicator_raw, r.year): (r.unit, r.comparator) for r in _read(rows)}
    assert got == {("Количество участников мероприятий", 2015): ("persons", ">="),
                   ("Количество участников мероприятий", 2016): ("persons", ">="),
                   ("Удовлетворенность качеством услуг", 2015): ("percent", None),
                   ("Удовлетворенность качеством услуг", 2016): ("percent", None)}


@pytest.mark.parametrize(("text", "attrs"), [
    ("%", ("percent", None)),
    ("не менее, %", ("percent", ">=")),
    ("(чел.)", ("persons", None)),
    ("не менее", (None, ">=")),
    ("водопровод", None),
    ("в том числе", None),
])
def test_helper_attributes(text: str, attrs: tuple | None) -> None:
    from pipeline.interpret.plausibility import helper_attributes

    got = helper_attributes(text)
    assert (None if got is None else (got[0].value if got[0] else None, got[1])) == attrs


def test_a_bare_year_left_of_the_measured_target_years_is_the_base() -> None:
    rows = [["Показатели цели муниципальной программы, единицы измерения", "2016", "2017 год", "",
             "2018 год", ""],
            ["", "", "в соответствии с потребностью", "в соответствии с утвержденным "
             "финансированием", "в соответствии с потребностью", "в соответствии с утвержденным "
             "финансированием"],
            ["Доля отремонтированных домов, %", "14,4", "20", "18", "25", "22"]]
    spans = {(0, 0): (2, 1), (0, 1): (2, 1), (0, 2): (1, 2), (0, 4): (1, 2)}
    doc = Document("p.xlsx", Format.XLSX, (Paragraph("Паспорт муниципальной программы",
                                                     "line 1", None), grid_table(rows, spans)))
    got = {r.year: r.base_value for r in interpret(doc).indicators}
    assert got == {2017: 14.4, 2018: 14.4}


def test_the_value_when_the_programme_was_drawn_up_is_the_base() -> None:
    rows = [["Показатели цели", "Фактическое значение показателей на момент разработки "
             "муниципальной программы", "2015", "2016"],
            ["Доля вакантных должностей, замещенных из резерва, %", "60", "62", "64"]]
    got = {(r.year, r.base_value, r.planned_value) for r in _read(rows)}
    assert got == {(2015, 60.0, 62.0), (2016, 60.0, 64.0)}


def test_money_by_year_columns_split_by_source_is_not_read_as_one_figure_a_year() -> None:
    """A year split into sources with no unit of money stated anywhere (roubles or thousands?)
    gives no row rather than figures of an unknown scale (``money_matrix``)."""
    rows = [["№ п/п", "Наименование", "2022 год", "", ""],
            ["", "", "Итого", "Местный бюджет", "Безвозмездные поступления"],
            ["", "ВСЕГО по муниципальной программе", "11205700,7", "2679243,5", "8526457,2"]]
    doc = Document("b.xlsx", Format.XLSX, (grid_table(rows, {(0, 2): (1, 3)}),))
    assert interpret(doc).finance == []


def test_a_finance_matrix_whose_sources_sit_under_a_merged_cell() -> None:
    """«Объем финансирования (тыс. рублей) | В том числе, за счет средств» over the sources
    (lower case, under a merged cell) over «потребность | утверждено»: one row per year and
    source, the approved figure × 1000, the total from the «Объем финансирования» column."""
    rows = [["Объемы и источники финансирования программы (тыс. рублей)", "годы",
             "Объем финансирования (тыс. рублей)", "", "В том числе, за счет средств", "", "", ""],
            ["", "", "", "", "местный бюджет", "", "областной бюджет", ""],
            ["", "", "потребность", "утверждено", "потребность", "утверждено", "потребность",
             "утверждено"],
            ["", "2017", "39722,3", "39722,1", "39000", "38000", "722,3", "1722,1"],
            ["", "Итого", "39722,3", "39722,1", "39000", "38000", "722,3", "1722,1"]]
    spans = {(0, 0): (5, 1), (0, 1): (3, 1), (0, 2): (2, 2), (0, 4): (1, 4), (1, 4): (1, 2),
             (1, 6): (1, 2)}
    doc = Document("p.xlsx", Format.XLSX, (Paragraph("Паспорт муниципальной программы",
                                                     "line 1", None), grid_table(rows, spans)))
    got = {(f.year, f.source): f.planned_rub for f in interpret(doc).finance}
    assert got == {(2017, "total"): 39722100.0, (2017, "municipal"): 38000000.0,
                   (2017, "regional"): 1722100.0}


def test_a_comparator_stated_with_the_unit_at_the_end_of_the_name() -> None:
    rows = [HEAD, ["Степень консолидации информационных ресурсов, (не менее, %)", "10", "15", "20"],
            ["Доля детей, охваченных программой, %", "40", "41", "42"]]
    got = {r.indicator_raw[:10]: (r.comparator, r.unit) for r in _read(rows) if r.year == 2015}
    assert got == {"Степень ко": (">=", "percent"), "Доля детей": (None, "percent")}


def test_a_year_with_its_measure_after_it() -> None:
    rows = [["Наименование показателя", "Ед. изм.", "2019 (факт)", "2020 (план)", "2020 (факт)"],
            ["Доля детей, охваченных программой", "%", "40", "45", "46"]]
    doc = Document("r.docx", Format.DOCX, (grid_table(rows),))
    got = {r.year: (r.planned_value, r.actual_value) for r in interpret(doc).indicators}
    assert got == {2019: (None, 40.0), 2020: (45.0, 46.0)}


def test_one_column_of_values_in_a_passport_holds_targets() -> None:
    rows = [["Наименование показателя", "Единица измерения", "Значение"],
            ["Доля детей, охваченных программой", "%", "80"]]
    passport = Document("p.docx", Format.DOCX, (
        Paragraph("ПАСПОРТ муниципальной программы «Развитие образования» на 2021 год",
                  "line 1", None), grid_table(rows)))
    report = Document("r.docx", Format.DOCX, (
        Paragraph("Отчет о результатах самообследования за 2021 год", "line 1", None),
        grid_table(rows)))
    assert [(r.planned_value, r.actual_value) for r in interpret(passport).indicators] == [
        (80.0, None)]
    assert [(r.year, r.planned_value, r.actual_value)
            for r in interpret(report).indicators] == [(2021, None, 80.0)]


def test_a_list_of_items_with_a_quantity_is_no_state_table() -> None:
    rows = [["Наименование мероприятия", "Единица измерения", "Количество"],
            ["Закупка компьютеров для кабинета информатики", "шт.", "10"]]
    doc = Document("r.docx", Format.DOCX, (
        Paragraph("Отчет о результатах самообследования за 2021 год", "line 1", None),
        grid_table(rows)))
    assert interpret(doc).indicators == []
