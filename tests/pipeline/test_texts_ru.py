"""The output shown in Russian: locators and failure reasons (``pipeline.texts_ru``)."""

from __future__ import annotations

import re

import pytest

from pipeline.texts_ru import error_kind, error_ru, error_texts, locator_ru

# the reasons of the broken files of ../shared/corpus/dev/bad, as documents.error holds them
DEV_REASONS = [
    "broken ZIP container (truncated or damaged file): cannot open it",
    "empty file (0 bytes)",
    "not a DOCX file: no ZIP container found",
    "page 2 could not be read: its content stream is damaged and cannot be decompressed",
    "the file is an HTML page, not a DOCX document",
    "the PDF is password-protected; cannot be opened without the password",
    "malformed XML in word/document.xml (file truncated or damaged): Premature end of data in "
    "tag t line 2, line 2, column 7485 (<string>, line 2)",
]


@pytest.mark.parametrize(("locator", "russian"), [
    ("table 2 (sheet Лист1) row 31", "таблица 2, лист «Лист1», строка 31"),
    ("table 3 (sheet План (2)) row 4", "таблица 3, лист «План (2)», строка 4"),
    ("table 1 row 5", "таблица 1, строка 5"),
    ("table 1 row 5 line 41", "таблица 1, строка 5, строка текста 41"),
    ("table 2 nested 1 row 3", "таблица 2, вложенная таблица 1, строка 3"),
    ("line 41", "строка текста 41"),
    ("page 3 paragraph 4", "страница 3, абзац 4"),
    ("paragraph 11", "абзац 11"),
    ("sheet Итоги", "лист «Итоги»"),
    ("somewhere else", "somewhere else"),  # another shape: as it is
    (None, ""),
])
def test_locators_in_russian(locator: str | None, russian: str) -> None:
    assert locator_ru(locator) == russian


def test_the_dev_corpus_reasons_read_in_russian() -> None:
    for reason in DEV_REASONS:
        text = error_ru(reason)
        assert text != reason
        assert re.search("[а-яё]", text)
        assert error_kind(reason) is not None
    assert error_ru(DEV_REASONS[0]) == "повреждён ZIP-контейнер (файл обрезан или испорчен)"
    assert error_ru(DEV_REASONS[3]) == ("страница 2 не прочитана: поток её содержимого "
                                        "повреждён и не распаковывается")  # detail translated
    assert error_ru(DEV_REASONS[6]).startswith(  # the parser's own message kept as it is
        "повреждённый XML в word/document.xml (файл обрезан или испорчен): Premature end")
    assert error_kind(DEV_REASONS[5]) == "encrypted"


def test_joined_reasons_and_unknown_ones() -> None:
    joined = "page 2 could not be read: x; OCR used; mean confidence 73%; low OCR confidence"
    assert error_ru(joined) == ("страница 2 не прочитана: x; текст распознан (OCR), средняя "
                                "уверенность 73%; низкая уверенность распознавания")
    assert error_ru("something new went wrong") == "something new went wrong"
    assert error_kind("something new went wrong") is None
    assert (error_ru(None), error_ru("")) == ("", "")


def test_every_row_of_the_vocabulary_fills_its_groups() -> None:
    rows = error_texts()
    assert len(rows) > 40
    for row in rows:
        names = set(row.pattern.groupindex)
        assert set(re.findall(r"\{(\w+)\}", row.text_ru)) <= names, row.pattern.pattern
        assert re.search("[а-яё]", row.text_ru)
