"""What shapes the rows is recorded: the vocabularies' digest follows every interpretation
CSV and nothing else; the overrides' digest follows their content, not their path."""

from __future__ import annotations

from pathlib import Path

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

