"""Incremental runs: only new and changed files are processed, and the output always equals
what a fresh run on the same input would write, row for row."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.batch.load.manifest import load_manifest, save_manifest
from pipeline.batch.load.write import list_parts
from pipeline.batch.run.runner import RunConfig, RunError, run
from tests.pipeline.batch_corpus import copy_seeds, snapshot, write_corpus


def fresh(folder: Path, tmp_path: Path, name: str) -> dict[str, list[tuple[object, ...]]]:
    out = tmp_path / name
    run(RunConfig(folder, out, workers=0))
    return snapshot(out)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    copy_seeds(folder)
    write_corpus(folder, 12)
    return folder


def part_stamps(out: Path) -> dict[str, int]:
    return {p: (out / p).stat().st_mtime_ns for p in list_parts(out)[0]}


def test_second_run_does_nothing_and_touches_no_part(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    first = run(RunConfig(corpus, out, workers=0, commit_every=4))
    assert first.processed == 17
    assert first.report["batches"] >= 4
    before = part_stamps(out)
    manifest = (out / "_manifest.parquet").stat().st_mtime_ns
    second = run(RunConfig(corpus, out, workers=0))
    assert second.processed == 0
    assert second.report["plan"] == {"unchanged": 17, "deleted": 0, "touched": 0}
    assert part_stamps(out) == before
    assert (out / "_manifest.parquet").stat().st_mtime_ns == manifest  # nothing to record


def test_changes_deletions_and_additions(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    run(RunConfig(corpus, out, workers=0, commit_every=3))
    notes = sorted(corpus.rglob("note_*.txt"))
    notes[0].write_text(notes[0].read_text(encoding="utf-8").replace("не менее", "не более"),
                        encoding="utf-8")
    notes[1].unlink()
    write_corpus(corpus, 2, start=500)
    stamp = notes[2].stat().st_mtime + 100
    os.utime(notes[2], (stamp, stamp))  # touched, same content: not reprocessed

    summary = run(RunConfig(corpus, out, workers=0, commit_every=3))
    plan = summary.report["plan"]
    assert (plan["changed"], plan["new"], plan["deleted"], plan["touched"]) == (1, 2, 1, 1)
    assert summary.processed == 3
    assert snapshot(out) == fresh(corpus, tmp_path, "fresh")
    assert run(RunConfig(corpus, out, workers=0)).processed == 0


def test_identical_files_share_their_rows(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    seed = next(corpus.glob("001_*.txt"))
    shutil.copy(seed, corpus / "copy_of_001.txt")
    run(RunConfig(corpus, out, workers=0, commit_every=2))
    assert snapshot(out) == fresh(corpus, tmp_path, "fresh1")
    snap = snapshot(out)
    # documents: one row per file; other tables: the shared content's rows stored once
    assert len(snap["documents"]) == 18

    seed.unlink()  # one copy left: its rows stay
    run(RunConfig(corpus, out, workers=0))
    assert snapshot(out) == fresh(corpus, tmp_path, "fresh2")
    (corpus / "copy_of_001.txt").unlink()  # last copy gone: its rows go
    run(RunConfig(corpus, out, workers=0))
    assert snapshot(out) == fresh(corpus, tmp_path, "fresh3")


def test_new_file_with_the_content_of_an_existing_one(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    run(RunConfig(corpus, out, workers=0))
    seed = next(corpus.glob("002_*.txt"))
    shutil.copy(seed, corpus / "again.txt")
    summary = run(RunConfig(corpus, out, workers=0))
    assert summary.report["plan"]["new"] == 1
    assert summary.report["plan"]["same_content"] == 1
    assert snapshot(out) == fresh(corpus, tmp_path, "fresh")


def test_full_and_version_change_reprocess(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    run(RunConfig(corpus, out, workers=0, commit_every=5))
    expected = snapshot(out)
    assert run(RunConfig(corpus, out, workers=0, full=True, commit_every=5)).processed == 17
    assert snapshot(out) == expected

    manifest = load_manifest(out)  # pretend an older pipeline made five of the files
    for rel in sorted(manifest.entries)[:5]:
        manifest.entries[rel] = dataclasses.replace(manifest.entries[rel],
                                                    pipeline_version="0.0.1")
    save_manifest(out, manifest)
    summary = run(RunConfig(corpus, out, workers=0))
    assert summary.report["plan"]["outdated"] == 5
    assert summary.processed == 5
    assert snapshot(out) == expected


def test_schema_version_change_rebuilds(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    run(RunConfig(corpus, out, workers=0))
    manifest = load_manifest(out)
    save_manifest(out, manifest)
    table = pq.read_table(out / "_manifest.parquet")
    meta = {**table.schema.metadata, b"schema_version": b"0.9"}
    pq.write_table(table.replace_schema_metadata(meta), out / "_manifest.parquet")
    assert run(RunConfig(corpus, out, workers=0)).processed == 17
    assert snapshot(out) == fresh(corpus, tmp_path, "fresh")


def test_leftovers_of_a_killed_run_are_removed(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    run(RunConfig(corpus, out, workers=0))
    expected = snapshot(out)
    stray = out / "indicators" / "year_part=2021" / "part-stray.parquet"
    shutil.copy(next((out / "indicators").rglob("part-2*.parquet")), stray)
    (out / "documents" / "year_part=2021" / ".part-x.parquet.abc.tmp").write_bytes(b"half")
    assert snapshot(out) != expected  # a reader would see the stray rows …
    run(RunConfig(corpus, out, workers=0))
    assert not stray.exists()
    assert snapshot(out) == expected


def test_unreadable_manifest_needs_full(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    run(RunConfig(corpus, out, workers=0))
    (out / "_manifest.parquet").write_bytes(b"garbage")
    with pytest.raises(RunError, match="--full"):
        run(RunConfig(corpus, out, workers=0))
    assert run(RunConfig(corpus, out, workers=0, full=True)).processed == 17
    assert snapshot(out) == fresh(corpus, tmp_path, "fresh")


@pytest.mark.parametrize("where", [".", "out", "sub/out"])
def test_output_in_the_input_folder_is_refused(corpus: Path, where: str):
    """Its reports would be read as documents by the next run: refused before anything is
    written (the output folder is not even created)."""
    out = corpus / where
    with pytest.raises(RunError, match="input folder"):
        run(RunConfig(corpus, out, workers=0))
    assert where == "." or not out.exists()
    assert not (corpus / "_manifest.parquet").exists()


def test_an_empty_input_does_not_wipe_the_output(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    run(RunConfig(corpus, out, workers=0))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(RunError, match="refusing to remove them all"):
        run(RunConfig(empty, out, workers=0))
    assert len(snapshot(out)["documents"]) == 17
    run(RunConfig(empty, out, workers=0, full=True))
    assert snapshot(out) == {t: [] for t in ("documents", "indicators", "activities", "finance")}
