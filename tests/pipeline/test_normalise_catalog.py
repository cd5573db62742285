"""Catalog and gazetteer loading: counts, enum checks and clear validation errors."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from pipeline.normalise.catalog import (
    FEDERAL_FILE,
    INDICATOR_FILE,
    CatalogError,
    load_catalog,
    vocab_dir,
)
from pipeline.normalise.gazetteer import MUNICIPALITY_FILE, REGION_FILE, load_gazetteer
from schemas.enums import Unit

CATALOG_FILES = ("catalog_national_projects.csv", FEDERAL_FILE, INDICATOR_FILE)


@pytest.fixture
def vocab_copy(tmp_path: Path) -> Path:
    """A writable copy of the packaged catalog and gazetteer CSVs."""
    for name in (*CATALOG_FILES, REGION_FILE, MUNICIPALITY_FILE):
        shutil.copy(vocab_dir() / name, tmp_path / name)
    return tmp_path


def edit_row(path: Path, row: int, **changes: str) -> None:
    """Change columns of data row ``row`` (1-based) of a CSV in place."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = reader.fieldnames or [], list(reader)
    rows[row - 1].update(changes)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_packaged_catalog_loads():
    cat = load_catalog()
    assert len(cat.national_projects) == 32
    assert len(cat.federal_projects) == 69  # 27 curated + 42 from federal_projects_all.csv
    assert len(cat.indicators) == 43
    assert all(isinstance(i.unit_enum, Unit) for i in cat.indicators)
    teacher = cat.indicator("Доля учителей в возрасте до 35 лет, вовлеченных в различные формы "
                            "поддержки и сопровождения в первые три года работы")
    assert teacher is not None
    assert teacher.federal_project == "Учитель будущего"


def test_federal_projects_have_short_output_names():
    names = {p.canonical for p in load_catalog().federal_projects}
    assert {"Молодые профессионалы", "Патриотическое воспитание", "Успех каждого ребенка",
            "Поддержка семей, имеющих детей"} <= names


def test_every_catalog_csv_keeps_a_source_column():
    for name in (*CATALOG_FILES, REGION_FILE, MUNICIPALITY_FILE):
        with (vocab_dir() / name).open(encoding="utf-8") as fh:
            assert "source" in fh.readline().strip().split(","), name


def test_duplicate_indicator_id_names_file_and_row(vocab_copy: Path):
    edit_row(vocab_copy / INDICATOR_FILE, 3, id="ind01")
    with pytest.raises(CatalogError) as err:
        load_catalog(vocab_copy)
    assert str(err.value).startswith(f"{INDICATOR_FILE} row 3: duplicate id 'ind01'")


def test_unknown_unit_enum_is_named(vocab_copy: Path):
    edit_row(vocab_copy / INDICATOR_FILE, 5, unit_enum="percnt")
    with pytest.raises(CatalogError, match=r"catalog_indicators.csv row 5: unit_enum 'percnt' "
                       r"is not one of other, percent"):
        load_catalog(vocab_copy)


def test_unknown_comparator_and_kind(vocab_copy: Path):
    edit_row(vocab_copy / INDICATOR_FILE, 2, comparator="=>")
    with pytest.raises(CatalogError, match="row 2: comparator '=>'"):
        load_catalog(vocab_copy)
    shutil.copy(vocab_dir() / INDICATOR_FILE, vocab_copy / INDICATOR_FILE)
    edit_row(vocab_copy / INDICATOR_FILE, 4, kind="goal")
    with pytest.raises(CatalogError, match="row 4: kind 'goal'"):
        load_catalog(vocab_copy)


def test_unknown_federal_project_reference(vocab_copy: Path):
    edit_row(vocab_copy / INDICATOR_FILE, 7, federal_project_id="E99")
    with pytest.raises(CatalogError, match="row 7: federal_project_id 'E99' is not in"):
        load_catalog(vocab_copy)


def test_federal_project_with_unknown_national_project(vocab_copy: Path):
    edit_row(vocab_copy / FEDERAL_FILE, 2, national_project="Образованиe")
    with pytest.raises(CatalogError, match=f"{FEDERAL_FILE} row 2: national_project"):
        load_catalog(vocab_copy)


def test_missing_column_and_missing_file(vocab_copy: Path):
    path = vocab_copy / FEDERAL_FILE
    text = path.read_text(encoding="utf-8").replace(",canonical,", ",canon,", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError, match=r"missing column.*canonical"):
        load_catalog(vocab_copy)
    path.unlink()
    with pytest.raises(CatalogError, match=f"{FEDERAL_FILE}: file not found"):
        load_catalog(vocab_copy)


def test_catalog_error_pickles():
    import pickle

    err = pickle.loads(pickle.dumps(CatalogError("x.csv", 3, "bad")))
    assert str(err) == "x.csv row 3: bad"


def test_gazetteer_validation_errors(vocab_copy: Path):
    edit_row(vocab_copy / MUNICIPALITY_FILE, 10, region="Томская обл.")
    with pytest.raises(CatalogError, match=f"{MUNICIPALITY_FILE} row 10: region 'Томская обл.'"):
        load_gazetteer(vocab_copy)
    shutil.copy(vocab_dir() / MUNICIPALITY_FILE, vocab_copy / MUNICIPALITY_FILE)
    edit_row(vocab_copy / REGION_FILE, 2, name="Республика Адыгея")
    with pytest.raises(CatalogError, match=f"{REGION_FILE} row 2: duplicate name"):
        load_gazetteer(vocab_copy)
