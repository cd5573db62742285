"""Compaction: the small parts of many incremental runs merged into few, with every row kept,
the manifest still driving the next runs, and a crash mid-way leaving the old data."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import pipeline
import pipeline.batch.load.compact as compact_mod
from pipeline.__main__ import main
from pipeline.batch.load.compact import CompactSettings, compact_output, small_parts
from pipeline.batch.load.manifest import load_manifest
from pipeline.batch.load.write import SCHEMA_PART, list_parts, partition_of_part
from pipeline.batch.run.runner import RunConfig, RunError, output_lock, run
from schemas import TABLES
from tests.pipeline.batch_corpus import snapshot, write_corpus

RUNS = 10


def data_parts(out: Path) -> list[str]:
    return [p for p in list_parts(out)[0] if not p.endswith(SCHEMA_PART)]


def loaded(out: Path) -> dict[str, list[tuple[object, ...]]]:
    """The tables as ``pipeline.load`` reads them (the parts the manifest names), sorted."""
    return {name: sorted(map(tuple, frame.astype(str).itertuples(index=False)))
            for name, frame in pipeline.load(out).items()}


@pytest.fixture(scope="module")
def many_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Ten incremental runs over 27 documents: 9, then two more each run, one changed."""
    root = tmp_path_factory.mktemp("compaction")
    folder, out = root / "in", root / "out"
    write_corpus(folder, 9)
    run(RunConfig(folder, out, workers=0, commit_every=3, compact_threshold=0))
    for k in range(1, RUNS):
        write_corpus(folder, 2, start=9 + 2 * (k - 1))
        note = sorted(folder.rglob("note_*.txt"))[k % 5]
        note.write_text(note.read_text(encoding="utf-8") + f"\nДополнение {k}.\n",
                        encoding="utf-8")
        run(RunConfig(folder, out, workers=0, commit_every=3, compact_threshold=0))
    return folder, out


@pytest.fixture
def copy(many_runs: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    folder, out = many_runs
    shutil.copytree(folder, tmp_path / "in")
    shutil.copytree(out, tmp_path / "out")
    return tmp_path / "in", tmp_path / "out"


def fresh(folder: Path, tmp_path: Path) -> dict[str, list[tuple[object, ...]]]:
    out = tmp_path / "fresh"
    run(RunConfig(folder, out, workers=0))
    return snapshot(out)


def test_compaction_keeps_every_row_and_drops_the_file_count(copy: tuple[Path, Path]):
    folder, out = copy
    before, before_loaded = snapshot(out), loaded(out)
    n_before = len(data_parts(out))
    assert n_before > 40
    assert len(load_manifest(out).entries) == 27

    result = compact_output(out)
    assert 0 < result.parts_written < result.parts_merged

    after = data_parts(out)
    assert len(after) < n_before / 3
    per_partition = Counter((p.split("/")[0], partition_of_part(p)) for p in after)
    assert max(per_partition.values()) == 1  # all small: one part per partition
    assert snapshot(out) == before  # every row, row for row, all four tables
    assert loaded(out) == before_loaded
    assert load_manifest(out).referenced_parts() == set(after)
    assert sum(len(v) for v in before.values()) == sum(
        len(pipeline.load(out)[t]) for t in TABLES)
    assert run(RunConfig(folder, out, workers=0)).processed == 0
    assert compact_output(out).parts_merged == 0  # nothing left to merge


def test_the_manifest_drives_incremental_runs_after_compaction(copy: tuple[Path, Path],
                                                                tmp_path: Path):
    folder, out = copy
    compact_output(out)
    notes = sorted(folder.rglob("note_*.txt"))
    notes[0].write_text(notes[0].read_text(encoding="utf-8").replace("не менее", "не более"),
                        encoding="utf-8")
    notes[1].unlink()
    summary = run(RunConfig(folder, out, workers=0))
    assert (summary.report["plan"]["changed"], summary.report["plan"]["deleted"]) == (1, 1)
    assert snapshot(out) == fresh(folder, tmp_path)
    assert load_manifest(out).referenced_parts() == set(data_parts(out))


def test_a_crash_before_the_manifest_is_replaced_leaves_the_old_data(
        copy: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch):
    folder, out = copy
    before, before_loaded = snapshot(out), loaded(out)
    old_parts = set(data_parts(out))
    manifest_bytes = (out / "_manifest.parquet").read_bytes()

    def crash(*args: object, **kwargs: object) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(compact_mod, "install", crash)
    with pytest.raises(OSError, match="disk gone"):
        compact_output(out)
    assert (out / "_manifest.parquet").read_bytes() == manifest_bytes
    assert old_parts < set(data_parts(out))  # new parts were written, the old ones kept
    assert loaded(out) == before_loaded  # readers of the manifest see the old rows
    monkeypatch.undo()

    assert run(RunConfig(folder, out, workers=0, compact_threshold=0)).processed == 0
    assert set(data_parts(out)) == old_parts  # the orphans are gone
    assert snapshot(out) == before


def test_extract_compacts_past_the_threshold(copy: tuple[Path, Path], tmp_path: Path):
    folder, out = copy
    settings = CompactSettings(min_parts=4)
    assert small_parts(out, load_manifest(out), settings)  # partitions with > 3 small parts
    expected = snapshot(out)
    assert main(["extract", str(folder), "--out", str(out), "--workers", "0",
                 "--compact-threshold", "3", "--progress", "none", "-q"]) == 0
    assert not small_parts(out, load_manifest(out), settings)
    assert snapshot(out) == expected
    assert load_manifest(out).referenced_parts() == set(data_parts(out))


def test_the_compact_command(copy: tuple[Path, Path], tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]):
    _, out = copy
    with output_lock(out), pytest.raises(RunError, match="another run"):
        compact_output(out)
    assert main(["compact", str(tmp_path / "nothing")]) == 2
    assert main(["compact", str(out), "--target-rows", "50", "-q"]) == 0
    assert "part(s) merged into" in capsys.readouterr().out
    rows = [pq.ParquetFile(out / p).metadata.num_rows for p in data_parts(out)]
    assert max(rows) <= 50 + 30  # a merged part stops before the part that would pass 50
