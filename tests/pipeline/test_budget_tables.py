"""Budget tables by item: money planned and spent per event and source become finance rows,
never indicators with money for values."""

from __future__ import annotations

from extractors.model import Document, Paragraph, Table
from pipeline.interpret import interpret
from pipeline.interpret.budget import is_budget_table
from pipeline.interpret.headers import analyse
from schemas.enums import Format
from tests.pipeline.grids import grid_table

TITLE = "Отчет о реализации муниципальной программы «Развитие образования» за 2023 год"


def _interpret(table: Table):  # type: ignore[no-untyped-def]
    return interpret(Document("x.docx", Format.DOCX, (Paragraph(TITLE, "paragraph 1"), table)))


def _figures(rows: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [(r["year"], r["source"], r["planned_rub"], r["spent_rub"], r["text"]) for r in rows]


def test_source_rows_under_plan_and_fact_money_columns():
    rows = [["№ п/п", "Наименование мероприятия", "Источник финансирования",
             "Объем финансирования, тыс. руб.", ""],
            ["", "", "", "план", "факт"],
            ["1", "Создание центров «Точка роста»", "областной бюджет", "2 002,000", "1 201,874"],
            ["", "", "местный бюджет", "150,0", "150,0"],
            ["2", "Оснащение кабинетов", "федеральный бюджет", "500", "-"]]
    table = grid_table(rows, {(0, 0): (2, 1), (0, 1): (2, 1), (0, 2): (2, 1), (0, 3): (1, 2)})
    result = _interpret(table)
    assert result.indicators == []
    assert _figures(result.finance) == [
        (2023, "regional", 2002000.0, 1201874.0,
         "Создание центров «Точка роста» — областной бюджет"),
        (2023, "municipal", 150000.0, 150000.0, "Создание центров «Точка роста» — местный бюджет"),
        (2023, "federal", 500000.0, None, "Оснащение кабинетов — федеральный бюджет"),
    ]
    assert [r["locator"] for r in result.finance] == ["table 1 row 3", "table 1 row 4",
                                                       "table 1 row 5"]


def test_sources_as_sub_columns_of_allocations_and_cash_execution():
    rows = [["Статус", "Наименование основного мероприятия", "Код бюджетной классификации",
             "Бюджетные ассигнования согласно закону об областном бюджете, тыс. рублей", "", "",
             "Кассовое исполнение", "", "", "Уровень освоения бюджетных ассигнований, %"],
            ["", "", "", "всего", "федеральный бюджет", "областной бюджет",
             "всего", "федеральный бюджет", "областной бюджет", ""],
            ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"],
            ["Основное мероприятие 1.1", "Развитие дошкольного образования", "855.0701",
             "1 000,5", "200", "800,5", "900", "200", "700", "90"]]
    spans = {(0, 0): (2, 1), (0, 1): (2, 1), (0, 2): (2, 1), (0, 3): (1, 3), (0, 6): (1, 3),
             (0, 9): (2, 1)}
    table = grid_table(rows, spans)
    assert is_budget_table(analyse(table))
    result = _interpret(table)
    assert result.indicators == []
    assert result.activities == []
    text = "Развитие дошкольного образования"
    assert _figures(result.finance) == [(2023, "total", 1000500.0, 900000.0, text),
                                        (2023, "federal", 200000.0, 200000.0, text),
                                        (2023, "regional", 800500.0, 700000.0, text)]


def test_money_per_item_without_a_source_is_of_unknown_source():
    rows = [["Наименование мероприятия", "Предусмотрено, тыс. руб.", "Освоено, тыс. руб."],
            ["Ремонт спортивного зала", "1 250,0", "1 250,0"]]
    result = _interpret(grid_table(rows, {}))
    assert _figures(result.finance) == [
        (2023, "unknown", 1250000.0, 1250000.0, "Ремонт спортивного зала")]


def test_plan_and_fact_without_money_words_stay_indicators():
    rows = [["Наименование показателя", "Единица измерения", "План", "Факт"],
            ["Доля обучающихся в центрах", "процент", "45", "47"]]
    table = grid_table(rows, {})
    assert not is_budget_table(analyse(table))
    result = _interpret(table)
    assert result.finance == []
    assert [(r["indicator_raw"], r["planned_value"]) for r in result.indicators] == [
        ("Доля обучающихся в центрах", 45.0)]


def test_a_cash_plan_is_planned_money_and_the_spend_is_the_cash_execution():
    # «поквартальный кассовый план» says «кассовый» but is a plan: before, it was read as the
    # spend; a sum that looks like a year (1 906,0; 1 900) is money in a money column
    rows = [["Наименование мероприятия",
             "Бюджетные ассигнования, тыс. рублей: согласно закону о бюджете",
             "поквартальный кассовый план на отчетную дату",
             "кассовое исполнение на отчетную дату"],
            ["Развитие дополнительного образования", "7 279,2", "1 906,0", "1 905,76"],
            ["Развитие воспитания", "1 900", "1 900", "1 020,38"]]
    table = grid_table(rows, {})
    assert is_budget_table(analyse(table))
    assert [(r["planned_rub"], r["spent_rub"]) for r in _interpret(table).finance] == [
        (7279200.0, 1905760.0), (1900000.0, 1020380.0)]
