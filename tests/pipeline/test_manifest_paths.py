"""A hand-edited manifest cannot make a run read or delete files outside the output folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import pipeline
from pipeline.__main__ import main
from pipeline.batch.load.commit import recover
from pipeline.batch.load.manifest import (
    ManifestError,
    load_manifest,
    manifest_path,
    part_path_problem,
)
from pipeline.batch.load.storage import LinkedPath, inside
from pipeline.batch.run.runner import RunConfig, RunError, run

REPORT = "Отчёт о реализации национального проекта «Демография»\nГод {year}\n"


def _edit_documents_part(out: Path, rel_path: str, new_part: str) -> None:
    """Point one entry's documents part at ``new_part``, as someone editing by hand would."""
    path = manifest_path(out)
    table = pq.read_table(path)
    rows = table.to_pylist()
    for row in rows:
        if row["rel_path"] == rel_path:
            row["parts_documents"] = [new_part]
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), path)


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path, Path]:
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    for year in (2021, 2022):
        (folder / f"r{year}.txt").write_text(REPORT.format(year=year), encoding="utf-8")
    run(RunConfig(folder, out, workers=0))
    victim = tmp_path / "precious" / "victim.parquet"
    victim.parent.mkdir()
    shutil.copy(out / load_manifest(out).entries["r2021.txt"].parts["documents"][0], victim)
    return folder, out, victim


@pytest.mark.parametrize("how", ["absolute", "dotdot", "other_table"])
def test_a_part_path_outside_the_output_is_refused(built: tuple[Path, Path, Path], how: str):
    folder, out, victim = built
    part = {"absolute": str(victim),
            "dotdot": "documents/year_part=2021/../../../precious/victim.parquet",
            "other_table": "indicators/year_part=2021/x.parquet"}[how]
    _edit_documents_part(out, "r2021.txt", part)
    (folder / "r2021.txt").write_text(REPORT.format(year=2020), encoding="utf-8")  # changed
    with pytest.raises(ManifestError, match="edited by hand: rerun with --full"):
        load_manifest(out)
    with pytest.raises(RunError, match="is not a relative path documents/year_part="):
        run(RunConfig(folder, out, workers=0))
    assert main(["extract", str(folder), "--out", str(out), "--progress", "none"]) == 2
    assert victim.exists()
    summary = run(RunConfig(folder, out, workers=0, full=True))  # --full starts afresh
    assert summary.processed == 2
    assert victim.exists()
    docs = pipeline.load(out)["documents"]
    assert sorted(docs["source_path"]) == ["r2021.txt", "r2022.txt"]
    assert set(docs["doc_id"]) == {e.doc_id for e in load_manifest(out).entries.values()}


def test_part_path_problem_accepts_only_what_the_writer_writes():
    ok = "documents/year_part=2021/part-20240101T000000-0123456789ab.parquet"
    assert part_path_problem("documents", ok) is None
    for bad in ("/etc/passwd", "documents/../x.parquet", "documents/year_part=1/../x.parquet",
                "documents/year_part=1/.hidden.parquet", "documents//x.parquet",
                "documents/year_part=1/a/b.parquet", "finance/year_part=1/x.parquet", 7):
        assert part_path_problem("documents", bad) is not None, bad


def test_recover_does_not_delete_through_a_linked_partition(built: tuple[Path, Path, Path]):
    _, out, victim = built
    (out / "documents" / "year_part=2099").symlink_to(victim.parent, target_is_directory=True)
    with pytest.raises(LinkedPath, match="year_part=2099 is a symbolic link"):
        recover(out, load_manifest(out))
    assert victim.exists()


@pytest.mark.parametrize("how", ["new_partition", "existing_partition", "table_folder"])
def test_a_linked_folder_in_the_output_is_refused(built: tuple[Path, Path, Path],
                                                  tmp_path: Path, how: str,
                                                  caplog: pytest.LogCaptureFixture):
    """A partition (or table) folder linked to a folder outside: the run neither reads a part
    there nor writes one, it stops (exit 2) naming the link; readers refuse it too."""
    folder, out, victim = built
    outside = victim.parent
    link = {"new_partition": out / "documents" / "year_part=2099",
            "existing_partition": out / "documents" / "year_part=2021",
            "table_folder": out / "documents"}[how]
    if link.exists():
        shutil.rmtree(outside)
        shutil.move(link, outside)  # the real folder moved out, a link left in its place
    link.symlink_to(outside, target_is_directory=True)
    before = sorted((p.name, p.stat().st_mtime_ns) for p in outside.iterdir())
    (folder / "r2099.txt").write_text(REPORT.format(year=2099), encoding="utf-8")
    (folder / "r2021.txt").write_text(REPORT.format(year=2021) + "Итого\n", encoding="utf-8")
    assert main(["extract", str(folder), "--out", str(out), "--progress", "none"]) == 2
    assert f"{link} is a symbolic link" in caplog.text
    assert sorted((p.name, p.stat().st_mtime_ns) for p in outside.iterdir()) == before
    with pytest.raises(LinkedPath, match="is a symbolic link"):
        pipeline.load(out)
    assert main(["extract", str(folder), "--out", str(out), "--full", "--progress",
                 "none"]) == 2
    assert sorted((p.name, p.stat().st_mtime_ns) for p in outside.iterdir()) == before


def test_inside_refuses_links_and_ways_out(tmp_path: Path):
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "l").symlink_to(tmp_path, target_is_directory=True)
    assert inside(tmp_path, "t/x/y.parquet") == tmp_path / "t" / "x" / "y.parquet"
    for bad in ("t/l/y.parquet", "t/l", "/etc/passwd", "t/../../x"):
        with pytest.raises(LinkedPath):
            inside(tmp_path, bad)


def test_a_linked_review_folder_is_refused(built: tuple[Path, Path, Path], tmp_path: Path):
    folder, out, victim = built
    shutil.rmtree(out / "review")
    (out / "review").symlink_to(victim.parent, target_is_directory=True)
    with pytest.raises(RunError, match="review is a symbolic link"):
        run(RunConfig(folder, out, workers=0))
    assert [p.name for p in victim.parent.iterdir()] == ["victim.parquet"]
