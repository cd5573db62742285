"""The one item-number rule, table-driven: levels of one or two digits joined by dots."""

from __future__ import annotations

import pytest

from pipeline.grammar.items import (
    is_item_number,
    is_listed_item,
    item_number,
    leading_item_number,
    starts_with_item_number,
    strip_list_mark,
)


@pytest.mark.parametrize(("text", "want"), [
    ("1", "1"), ("1.", "1"), (" 1.2.3. ", "1.2.3"), ("12.10", "12.10"), ("1.1.3.", "1.1.3"),
    ("100", None), ("1.100", None), ("1.a", None), ("1)", None), ("", None), (None, None),
    ("1 Name", None), ("2021", None), ("1..2", None),
])
def test_item_number_of_a_cell(text: str | None, want: str | None):
    assert item_number(text) == want
    assert is_item_number(text) is (want is not None)


@pytest.mark.parametrize(("text", "want"), [
    ("1.2. Name", ("1.2", "Name", True)),
    ("1. Name", ("1", "Name", True)),
    ("3 Name", ("3", "Name", False)),
    ("44 лучших учителя", ("44", "лучших учителя", False)),
    ("1.2 Name", ("1.2", "Name", True)),
    ("100 Name", (None, "100 Name", False)),
    ("Name 1.", (None, "Name 1.", False)),
    ("1.", (None, "1.", False)),
])
def test_leading_item_number(text: str, want: tuple[str | None, str, bool]):
    assert leading_item_number(text) == want


@pytest.mark.parametrize(("text", "want"), [
    ("1.2", True), ("1.2. Name", True), ("1 Name", True), (" 3.", True), ("100", False),
    ("1,2", False), ("Name", False), ("1.2Name", False),
])
def test_starts_with_item_number(text: str, want: bool):
    assert starts_with_item_number(text) is want


@pytest.mark.parametrize(("text", "listed", "stripped"), [
    ("1. Доля", True, "Доля"), ("2) Число", True, "Число"), ("1.2. Доля", True, "Доля"),
    ("3 Доля", False, "Доля"), ("1.Доля", False, "1.Доля"), ("100. Доля", False, "100. Доля"),
    ("Доля 1. из", False, "Доля 1. из"),
])
def test_a_line_of_a_numbered_list(text: str, listed: bool, stripped: str):
    assert is_listed_item(text) is listed
    assert strip_list_mark(text) == stripped
