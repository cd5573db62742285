"""What shapes the rows is recorded: the vocabularies' digest follows every interpretation
CSV and nothing else; the overrides' digest follows their content, not their path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline import vocab
from pipeline.normalise.names import NamesSpec
from pipeline.vocab import vocab_digest


def test_the_vocabulary_digest_follows_each_interpretation_file(tmp_path: Path):
    (tmp_path / "units.csv").write_text("form,unit,source\nчел.,persons,x\n", encoding="utf-8")
    (tmp_path / "statuses.csv").write_text("form,status,source\n", encoding="utf-8")
    first = vocab_digest(tmp_path)
    (tmp_path / "overrides.csv").write_text("raw_name,canonical,note\nа,,\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("not a vocabulary", encoding="utf-8")
    assert vocab_digest(tmp_path) == first  # overrides are normalisation, not interpretation
    (tmp_path / "units.csv").write_text("form,unit,source\nчел,persons,x\n", encoding="utf-8")
    assert vocab_digest(tmp_path) != first


def test_the_packaged_vocabularies_have_a_stable_digest():
    assert vocab_digest() == vocab_digest()
    assert len(vocab_digest()) == 16


def test_the_overrides_digest_is_their_content(tmp_path: Path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("raw_name,canonical,note\n", encoding="utf-8")
    b.write_text("raw_name,canonical,note\n", encoding="utf-8")
    assert NamesSpec.from_file(a).digest == NamesSpec.from_file(b).digest == NamesSpec().digest
    b.write_text("raw_name,canonical,note\nЧисло школ,,нет\n", encoding="utf-8")
    assert NamesSpec.from_file(b).digest != NamesSpec.from_file(a).digest


def _packaged_vocabularies() -> list[Path]:
    folder = Path(vocab.__file__).parent
    return sorted(p for p in folder.glob("*.csv") if p.name != "overrides.csv")


@pytest.mark.parametrize("name", [p.name for p in _packaged_vocabularies()])
def test_every_packaged_vocabulary_has_a_source_column_and_moves_the_digest(
        tmp_path: Path, name: str) -> None:
    for p in _packaged_vocabularies():
        shutil.copy(p, tmp_path / p.name)
    header = (tmp_path / name).read_text(encoding="utf-8").splitlines()[0].split(",")
    assert any("source" in column for column in header)
    before = vocab_digest(tmp_path)
    with (tmp_path / name).open("a", encoding="utf-8") as f:
        f.write("\n")
    assert vocab_digest(tmp_path) != before
