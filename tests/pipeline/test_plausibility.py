"""Which candidate rows are indicators, the units their names state, and the confidence of a
row: table-driven over the name grammar, then built passport grids read end to end."""

from __future__ import annotations

import pytest

from extractors.model import Document, Paragraph
from pipeline.interpret import interpret
from pipeline.interpret.plausibility import (
    REVIEW_THRESHOLD,
    NameKind,
    Origin,
    RowEvidence,
    confidence,
    name_kind,
    stated_unit,
    unit_from_name,
)
from schemas.enums import Format, Unit
from tests.pipeline.grids import grid_table


@pytest.mark.parametrize(("name", "kind"), [
    ("Доля детей, охваченных дополнительным образованием", NameKind.MEASURE),
    ("Количество созданных мест", NameKind.MEASURE),
    ("Показатель задачи 2. Доля отремонтированных домов", NameKind.MEASURE),
    ("Время ожидания в очереди (мин.)", NameKind.MEASURE),  # a unit makes it a measure
    ("Сроки реализации муниципальной программы", NameKind.FIELD_LABEL),
    ("Объемы и источники финансирования муниципальной программы (с разбивкой по годам, "
     "тыс. рублей)", NameKind.FIELD_LABEL),
    ("Перечень подпрограмм", NameKind.FIELD_LABEL),
    ("- управление муниципальной программой осуществляют", NameKind.FIELD_LABEL),
    ("Ответственный исполнитель муниципальной программы", NameKind.FIELD_LABEL),
    ("Показатели задач муниципальной программы, единицы измерения", NameKind.FIELD_LABEL),
    ("Показатель задачи 1.2:", NameKind.LABEL_ONLY),
    ("Показатели задачи 2", NameKind.LABEL_ONLY),
    ("Показатель цели.", NameKind.LABEL_ONLY),
    ("Показатель 1 задачи 1", NameKind.LABEL_ONLY),
    ("водопровод", NameKind.OTHER),
])
def test_name_kinds(name: str, kind: NameKind) -> None:
    assert name_kind(name) == kind


@pytest.mark.parametrize(("name", "unit"), [
    ("Доля инженерных сетей, нуждающихся в замене, %", Unit.PERCENT),
    ("Удельный вес повреждений на сетях, ед. на 1 км. <***>", Unit.UNITS),
    ("Обеспеченность населения жильем, кв. м общей площади на душу населения", Unit.OTHER),
    ("Время ожидания в очереди (мин.)", Unit.OTHER),
    ("Общая площадь жилых помещений на 1 жителя, м2", Unit.OTHER),
    ("Численность занятых, тыс. человек", Unit.PERSONS),
    ("Степень консолидации ресурсов, (не менее, %)", Unit.PERCENT),
    ("Доходы бюджета от имущества, млн руб.", Unit.RUB),
    ("Среднемесячная заработная плата, тыс. руб./чел.", Unit.RUB),
    ("Мест в общежитиях, кол-во", Unit.UNITS),
    ("Количество посещений, 2019", None),  # a year is no unit
    ("Доля детей в общей численности детей", None),  # a phrase that mentions people
])
def test_units_stated_in_names(name: str, unit: Unit | None) -> None:
    assert stated_unit(name) == unit


@pytest.mark.parametrize(("name", "unit"), [
    ("Доля детей в общей численности детей", Unit.PERCENT),  # the head word
    ("Показатель задачи 3. Численность участников", Unit.PERSONS),  # after a label
    ("Удельный вес повреждений на сетях, ед. на 1 км.", Unit.UNITS),  # stated beats the head
    ("Средний балл ЕГЭ по русскому языку", Unit.SCORE),
    ("Повышение качества услуг", None),
])
def test_unit_from_name_prefers_the_stated_unit(name: str, unit: Unit | None) -> None:
    assert unit_from_name(name) == unit


def test_confidence_orders_evidence() -> None:
    table = RowEvidence(Origin.TABLE)
    sure = confidence("Доля детей, охваченных отдыхом, %", Unit.PERCENT, (80.0, 81.0), [], table)
    vague = confidence("Повышение качества услуг", None, (80.0, None), [], table)
    year_like = confidence("Реализация мероприятий программы", None, (2015.0, None), [], table)
    prose = confidence("Доля детей, охваченных отдыхом, %", Unit.PERCENT, (80.0, 81.0), [],
                       RowEvidence(Origin.PROSE))
    flagged = confidence("Доля детей, охваченных отдыхом, %", Unit.PERCENT, (80.0, 81.0),
                         ["pct_mismatch"], table)
    assert sure > prose
    assert sure > flagged
    assert sure > vague > year_like
    assert sure >= 0.9
    assert year_like < REVIEW_THRESHOLD
    assert all(0 <= c <= 1 for c in (sure, vague, year_like, prose, flagged))


HEAD = ["Показатели цели и задач муниципальной программы, единицы измерения",
        "Год разработки программы", "2015 год", "2016 год"]


def _read(rows: list[list[str]], spans: dict | None = None) -> list:
    table = grid_table(rows, spans)
    doc = Document("p.xlsx", Format.XLSX, (Paragraph("Паспорт муниципальной программы", "line 1",
                                                     None), table))
    return interpret(doc).indicators


def test_a_label_row_is_joined_with_the_name_below_it() -> None:
    """«Показатель задачи 1.1:» holds the values, the name is on the row below (the values
    merged down over both rows): one indicator named label + name, no row for the label."""
    rows = [HEAD,
            ["Показатель задачи 1.1:", "132", "134", "138"],
            ["Количество НКО, участвующих в реализации программы", "", "", ""],
            ["Показатель задачи 1.2:", "9", "10", "11"],
            ["Доля населения, принимающего участие в обсуждениях (%)", "", "", ""]]
    spans = {(1, c): (2, 1) for c in (1, 2, 3)} | {(3, c): (2, 1) for c in (1, 2, 3)}
    got = {(r.indicator_raw, r.year): (r.base_value, r.planned_value, r.unit)
           for r in _read(rows, spans)}
    assert got == {
        ("Показатель задачи 1.1 Количество НКО, участвующих в реализации программы", 2015):
            (132.0, 134.0, "units"),
        ("Показатель задачи 1.1 Количество НКО, участвующих в реализации программы", 2016):
            (132.0, 138.0, "units"),
        ("Показатель задачи 1.2 Доля населения, принимающего участие в обсуждениях (%)", 2015):
            (9.0, 10.0, "percent"),
        ("Показатель задачи 1.2 Доля населения, принимающего участие в обсуждениях (%)", 2016):
            (9.0, 11.0, "percent"),
    }


def test_sub_rows_are_named_parent_and_child() -> None:
    rows = [HEAD,
            ["Удельный вес повреждений на сетях, ед. на 1 км., в том числе:", "0,5", "0,4", "0,3"],
            ["- электроснабжение", "0,2", "0,2", "0,1"],
            ["- теплоснабжение", "0,3", "0,2", "0,2"],
            ["Доля сетей, нуждающихся в замене, %", "40", "39", "38"],
            ["водопровод", "41", "40", "39"],
            ["в том числе за счет средств местного бюджета, %", "5", "6", "7"]]
    got = {r.indicator_raw: r.unit for r in _read(rows) if r.year == 2015}
    assert got == {
        "Удельный вес повреждений на сетях, ед. на 1 км., в том числе": "units",
        "Удельный вес повреждений на сетях, ед. на 1 км., в том числе электроснабжение": "units",
        "Удельный вес повреждений на сетях, ед. на 1 км., в том числе теплоснабжение": "units",
        "Доля сетей, нуждающихся в замене, %": "percent",
        "Доля сетей, нуждающихся в замене, %: водопровод": "percent",
        # a part that names its relation itself is kept as written
        "в том числе за счет средств местного бюджета, %": "percent",
    }


def test_passport_field_labels_give_no_indicator_rows() -> None:
    rows = [HEAD,
            ["Доля детей, охваченных программой, %", "40", "41", "42"],
            ["Сроки реализации муниципальной программы", "2015", "2015", "2016"],
            ["Перечень подпрограмм", "1", "2", "3"],
            ["Показатели задачи 2", "7", "8", "9"]]
    names = {r.indicator_raw for r in _read(rows)}
    assert names == {"Доля детей, охваченных программой, %"}


def test_every_indicator_row_has_a_confidence() -> None:
    rows = [HEAD, ["Доля детей, охваченных программой, %", "40", "41", "42"],
            ["Прочие", "1", "2", "3"]]
    got = {r.indicator_raw: r.confidence for r in _read(rows)}
    assert got["Доля детей, охваченных программой, %"] >= 0.9
    assert got["Прочие"] < REVIEW_THRESHOLD


def test_a_heading_under_a_band_ends_it_and_a_name_row_stays_out_of_the_next_band() -> None:
    """Stacked year blocks of a passport: the second block's band is not swallowed by the
    task heading under the first, and the name row right above a band stays a data row."""
    head2 = ["Показатели задач муниципальной программы, единицы измерения", "", "2017 год", ""]
    rows = [HEAD,
            ["Задача 1. Обеспечение управления", "", "", ""],
            ["Доля расходов, сформированных в рамках программ, %", "77", "89", "90"],
            head2,
            ["Доля расходов, сформированных в рамках программ, %", "", "91", ""],
            ["Задача 2. Управление долгом", "", "", ""],
            HEAD,
            ["Отношение объема долга к доходам, %", "42", "67", "70"]]
    got = {(r.indicator_raw[:16], r.year): (r.base_value, r.planned_value) for r in _read(rows)}
    assert got == {("Доля расходов, с", 2015): (77.0, 89.0),
                   ("Доля расходов, с", 2016): (77.0, 90.0),
                   ("Доля расходов, с", 2017): (77.0, 91.0),  # the base carried
                   ("Отношение объема", 2015): (42.0, 67.0),
                   ("Отношение объема", 2016): (42.0, 70.0)}


def test_a_state_table_gives_actual_values_of_the_report_year() -> None:
    """A school's self-assessment form: Показатели | Единица измерения | Количество. A name
    wraps over rows that hold the rest of its value (the percent beside the count); a state
    that is no figure («Не проводилась», «да») gives no row; a sub-row under «в том числе:»
    is named parent + child."""
    rows = [["Показатели", "Единица измерения", "Количество"],
            ["Общая численность учащихся", "человек", "1219"],
            ["Численность/удельный вес численности учащихся,", "человек", "405"],
            ["успевающих на «4» и «5», в общей численности учащихся", "(процент)", "42,6%"],
            ["Средний балл ГИА выпускников 9 класса по математике", "балл", "Не проводилась"],
            ["Наличие читального зала библиотеки", "да/нет", "да"],
            ["Общая численность педагогических работников, в том числе:", "человек", "57"],
            ["- с высшим образованием", "человек", "51 чел./89%"]]
    table = grid_table(rows)
    lead = (Paragraph("ОТЧЕТ О РЕЗУЛЬТАТАХ САМООБСЛЕДОВАНИЯ", "line 1", None),
            Paragraph("за 2020 год", "line 2", None))
    reading = interpret(Document("s.pdf", Format.PDF, (*lead, table)))
    got = {r.indicator_raw: (r.year, r.planned_value, r.actual_value, r.actual_text, r.unit)
           for r in reading.indicators}
    assert got == {
        "Общая численность учащихся": (2020, None, 1219.0, "1219", "persons"),
        "Численность/удельный вес численности учащихся, успевающих на «4» и «5», в общей "
        "численности учащихся": (2020, None, 405.0, "405 / 42,6%", "persons"),
        "Общая численность педагогических работников, в том числе": (
            2020, None, 57.0, "57", "persons"),
        "Общая численность педагогических работников, в том числе с высшим образованием": (
            2020, None, 51.0, "51 чел./89%", "persons"),
    }
    assert all(r.confidence is not None and r.confidence >= REVIEW_THRESHOLD
               for r in reading.indicators)


def test_a_weak_state_word_under_a_named_header_keeps_the_upper_role() -> None:
    """«Значение» under «Базовое значение» is the base value, not a column of states."""
    rows = [["Наименование показателя", "Единица измерения", "Базовое значение", "", "2021"],
            ["", "", "Значение", "Дата", ""],
            ["Доля детей, охваченных программой", "%", "40", "01.01.2020", "45"]]
    got = [(r.year, r.base_value, r.planned_value) for r in _read_rows(rows)]
    assert got == [(2021, 40.0, 45.0)]


def _read_rows(rows: list[list[str]]) -> list:
    spans = {(0, 2): (1, 2), (0, 0): (2, 1), (0, 1): (2, 1), (0, 4): (2, 1)}
    table = grid_table(rows, spans)
    return interpret(Document("p.docx", Format.DOCX, (table,))).indicators
