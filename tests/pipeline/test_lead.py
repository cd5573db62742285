"""The lead of a document: its title lines, a letter's heading laid out as a small table, and
the title chosen over an approval stamp."""

from __future__ import annotations

import pytest

from extractors.model import Document, Paragraph
from pipeline.interpret import interpret
from pipeline.normalise.names import Names, NamesSpec
from schemas.enums import Format
from tests.pipeline.grids import grid_table

SENDER = ("МКУ «Отдел образования администрации\nмуниципального образования\n«Новосергиевский "
          "район Оренбургской области»\n461200, п. Новосергиевка, ул. Краснопартизанская, 45")
ADDRESSEE = "В министерство образования\nОренбургской области"


def _doc(*blocks: Paragraph | object) -> Document:
    return Document("letter.docx", Format.DOCX, tuple(blocks))  # type: ignore[arg-type]


def _paragraphs(*texts: str) -> list[Paragraph]:
    return [Paragraph(t, f"paragraph {i}") for i, t in enumerate(texts, 1)]


@pytest.fixture(scope="module")
def names() -> Names:
    return Names.of(NamesSpec())


def test_a_letterhead_table_does_not_end_the_lead(names: Names) -> None:
    doc = _doc(grid_table([[SENDER, ADDRESSEE]]),
               *_paragraphs("ИНФОРМАЦИЯ", "о системе образования района", "Сеть учреждений"))
    reading = interpret(doc)
    assert reading.lead_text.splitlines()[:2] == ["ИНФОРМАЦИЯ", "о системе образования района"]
    assert "«Новосергиевский район Оренбургской области»" in reading.lead_text
    assert reading.meta["title"] == "ИНФОРМАЦИЯ"
    assert names.place(reading.lead_text, reading.wider_text, reading.full_text) == (
        "Новосергиевский район", "Оренбургская область")


def test_a_data_table_first_still_ends_the_lead() -> None:
    table = grid_table([["Показатель", "План", "Факт"], ["Число школ", "34", "34"],
                        ["Охват", "98", "99"]])
    reading = interpret(_doc(table, *_paragraphs("Новосергиевский район")))
    assert "Новосергиевский район" not in reading.lead_text.splitlines()


def test_a_numeric_one_row_table_is_no_letterhead() -> None:
    reading = interpret(_doc(grid_table([["2021", "15"]]), *_paragraphs("Отчет")))
    assert "Отчет" not in reading.lead_text.splitlines()


@pytest.mark.parametrize(("lines", "title"), [
    (["Утверждено приказом управления от 10.01.2020 № 7", "МУНИЦИПАЛЬНОЕ ЗАДАНИЕ № 1"],
     "МУНИЦИПАЛЬНОЕ ЗАДАНИЕ № 1"),
    (["УТВЕРЖДАЮ", "Перечень объектов"], "Перечень объектов"),
    (["Приложение № 2", "Информация о работе школ"], "Информация о работе школ"),
    (["Информация о работе школ"], "Информация о работе школ"),
    (["Утверждено"], "Утверждено"),  # nothing else to call it
    (["I", "ОСНОВНЫЕ ЭКОНОМИЧЕСКИЕ И СОЦИАЛЬНЫЕ ПОКАЗАТЕЛИ"],
     "ОСНОВНЫЕ ЭКОНОМИЧЕСКИЕ И СОЦИАЛЬНЫЕ ПОКАЗАТЕЛИ"),  # a section number is no title
])
def test_the_title_is_not_an_approval_stamp(lines: list[str], title: str) -> None:
    assert interpret(_doc(*_paragraphs(*lines))).meta["title"] == title


@pytest.mark.parametrize(("lead", "expected"), [
    ("Отчет о ходе реализации регионального проекта (A1-20) «Культурная среда»",
     "Культурная среда"),
    # a list of state programmes quoted in the lead names no project of the document, even
    # when one of them reads like a federal project («Содействие занятости …»)
    ("Перечень государственных программ\n1. «Развитие здравоохранения». 2. «Развитие "
     "образования». 3. «Социальная поддержка граждан». 4. «Содействие занятости населения»",
     None),
    ("Паспорт муниципальной программы «Развитие образования»", None),
])
def test_federal_project_named_in_the_title(names: Names, lead: str,
                                            expected: str | None) -> None:
    assert names.federal_named(lead) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("в рамках национального проекта «Образование» … национального проекта «Образование»",
     "Образование"),
    ("федеральный проект «Успех каждого ребенка» национального проекта «Образование»; "
     "федеральный проект «Содействие занятости» национального проекта «Демография»", None),
    ("без национальных проектов", None),
])
def test_national_project_named_in_the_text(names: Names, text: str,
                                            expected: str | None) -> None:
    assert names.national_named(text) == expected


@pytest.mark.parametrize(("lines", "doc_type", "title"), [
    # a sheet's name before its title: the title is the line that says it
    (["Показатели", "Отчет о достижении целевых показателей программы за 2021 год"],
     "execution_report", "Отчет о достижении целевых показателей программы за 2021 год"),
    # a title in capitals on two lines is read across them
    (["ОТЧЕТ", "О ХОДЕ РЕАЛИЗАЦИИ МУНИЦИПАЛЬНОЙ ПРОГРАММЫ"], "execution_report",
     "ОТЧЕТ О ХОДЕ РЕАЛИЗАЦИИ МУНИЦИПАЛЬНОЙ ПРОГРАММЫ"),
    (["Информация о достижении значений показателей"], "execution_report",
     "Информация о достижении значений показателей"),
])
def test_type_and_title_from_the_title_lines(lines: list[str], doc_type: str,
                                             title: str) -> None:
    meta = interpret(_doc(*_paragraphs(*lines))).meta
    assert (meta["doc_type"], meta["title"]) == (doc_type, title)
