"""The object-store code path (FsspecStorage) on fsspec's in-memory filesystem: the same
rows as a local output, incremental runs, compaction, the lock object released."""

from __future__ import annotations

import uuid
from pathlib import Path

import pipeline
from pipeline.batch.load.compact import CompactSettings, compact_output
from pipeline.batch.load.manifest import load_manifest
from pipeline.batch.load.storage import FsspecStorage, open_storage
from pipeline.batch.load.write import SCHEMA_PART, list_parts
from pipeline.batch.run.runner import RunConfig, run
from tests.pipeline.batch_corpus import write_corpus


def sorted_rows(out: object) -> dict[str, list[tuple[object, ...]]]:
    return {n: sorted(map(tuple, f.astype(str).itertuples(index=False)))
            for n, f in pipeline.load(out).items()}  # type: ignore[arg-type]


def test_an_output_on_an_fsspec_url(tmp_path: Path):
    folder = tmp_path / "in"
    write_corpus(folder, 6)
    url = f"memory://out-{uuid.uuid4().hex[:8]}"
    first = run(RunConfig(folder, url, workers=0, commit_every=2, compact_threshold=0))
    assert first.processed == 6
    storage = open_storage(url)
    assert isinstance(storage, FsspecStorage)
    assert not storage.exists("_lock.json")
    assert not Path("memory:").exists()
    local = tmp_path / "local"
    run(RunConfig(folder, local, workers=0))
    assert sorted_rows(storage) == sorted_rows(local)

    assert run(RunConfig(folder, url, workers=0)).processed == 0
    note = sorted(folder.rglob("note_*.txt"))[0]
    note.write_text(note.read_text(encoding="utf-8") + "\nДополнение.\n", encoding="utf-8")
    assert run(RunConfig(folder, url, workers=0, compact_threshold=0)).processed == 1
    run(RunConfig(folder, local, workers=0))
    assert sorted_rows(storage) == sorted_rows(local)

    result = compact_output(storage, CompactSettings())
    assert result.parts_merged > result.parts_written
    assert sorted_rows(storage) == sorted_rows(local)
    parts = {p for p in list_parts(storage)[0] if not p.endswith(SCHEMA_PART)}
    assert parts == load_manifest(storage).referenced_parts()
