"""The smaller cases of issue 17 (item 10), each run through the pipeline on a file built
here: HTML nested past the parser's depth limit, unclosed ``<font>`` tags before a table, a
TXT that mixes UTF-8 and cp1251 lines, a file gone or unreadable by the time it is read."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import pipeline
from pipeline.batch.run.runner import RunConfig, run
from pipeline.process import FileResult, process_file, unreadable
from pipeline.sources import SourceFile

TITLE = "Отчет об исполнении плана мероприятий"
TABLE = ("<table><tr><td>Показатель</td><td>План</td><td>Факт</td></tr>"
         "<tr><td>Доля детей, охваченных программами</td><td>50</td><td>52</td></tr></table>")
CP1251_LINES = "Муниципальный проект «Успех каждого ребенка»\nза 2021 год\n"


def _html(body: str) -> bytes:
    return f"<html><head><meta charset='utf-8'></head><body>{body}</body></html>".encode()


# name: (file bytes, status, words in the error or None, text the documents row must keep,
#        indicator rows at least)
CASES: dict[str, tuple[bytes, str, str | None, str, int]] = {
    "deep_300.html": (_html("<div>" * 300 + TITLE + "</div>" * 300), "ok", None, TITLE, 0),
    "deep_300_table.html": (_html(f"<p>{TITLE}</p>" + "<div>" * 300 + TABLE + "</div>" * 300),
                            "ok", None, TITLE, 1),
    "deep_5000.html": (_html(f"<p>{TITLE}</p>" + "<div>" * 5000 + "Текст в глубине"),
                       "partial", "nested deeper than 2048 levels", TITLE, 0),
    "unclosed_font.html": (_html(f"<p>{TITLE}</p>" + "<font size=2>строка " * 400 + TABLE),
                           "ok", None, TITLE, 1),
    "utf8_then_cp1251.txt": ((TITLE + "\n").encode() + CP1251_LINES.encode("cp1251"),
                             "partial", "mixes encodings", TITLE, 0),
    "cp1251_then_utf8.txt": ((TITLE + "\n").encode("cp1251") + CP1251_LINES.encode(),
                             "partial", "mixes encodings", TITLE, 0),
}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    base = tmp_path_factory.mktemp("odd")
    for name, (data, *_) in CASES.items():
        (base / "in").mkdir(exist_ok=True)
        (base / "in" / name).write_bytes(data)
    run(RunConfig(base / "in", base / "out", workers=1))
    tables = pipeline.load(base / "out")
    docs = {d["source_path"]: d for d in tables["documents"].to_dict("records")}
    counts = tables["indicators"].merge(tables["documents"][["doc_id", "source_path"]])
    for name, doc in docs.items():
        doc["n_indicators"] = int((counts["source_path"] == name).sum())
    return docs


@pytest.mark.parametrize("name", list(CASES))
def test_odd_input_is_read(results: dict[str, dict[str, object]], name: str):
    _, status, words, text, min_indicators = CASES[name]
    doc = results[name]
    assert doc["status"] == status, doc["error"]
    if words is None:
        assert doc["error"] is None
    else:
        assert words in str(doc["error"])
    assert doc["title"] is not None
    assert text in str(doc["title"])
    assert "Р" + "ћ" not in str(doc["title"])  # no UTF-8 read as cp1251
    assert doc["n_indicators"] >= min_indicators


def _delete(path: Path) -> None:
    path.unlink()


def _make_folder(path: Path) -> None:
    path.unlink()
    path.mkdir()


def _make_unreadable(path: Path) -> None:
    path.chmod(0)


CHANGES: dict[str, Callable[[Path], None]] = {
    "deleted": _delete, "replaced_by_folder": _make_folder, "unreadable": _make_unreadable,
}
CHANGE_ERRORS = {
    "deleted": "file disappeared before it could be read",
    "replaced_by_folder": "file was replaced by a folder before it could be read",
    "unreadable": "file could not be read: permission denied",
}


def changed_under_us(src: SourceFile) -> FileResult:
    """The file is changed after discovery, right before it is read (named by its stem)."""
    change = CHANGES.get(Path(src.rel_path).stem)
    if change is not None:
        change(src.path)
    return process_file(src)


@pytest.mark.parametrize("change", list(CHANGES))
@pytest.mark.parametrize("fmt", ["txt", "docx", "pdf"])
def test_a_file_changed_after_discovery_gets_a_failed_row(tmp_path: Path, change: str,
                                                           fmt: str):
    if change == "unreadable" and os.geteuid() == 0:
        pytest.skip("root reads files whatever their mode")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(f"{TITLE}\nза 2021 год\n", encoding="utf-8")
    (folder / f"{change}.{fmt}").write_bytes(b"%PDF-1.4\n" if fmt == "pdf" else b"PK\x03\x04")
    summary = run(RunConfig(folder, tmp_path / "out", workers=1), task=changed_under_us)
    docs = {d["source_path"]: d for d in
            pipeline.load(tmp_path / "out")["documents"].to_dict("records")}
    row = docs[f"{change}.{fmt}"]
    assert row["status"] == "failed"
    assert row["error"].startswith(CHANGE_ERRORS[change])
    assert "internal error" not in row["error"]
    assert docs["good.txt"]["status"] == "ok"
    assert summary.by_status == {"failed": 1, "ok": 1}
    if (tmp_path / "in" / f"{change}.{fmt}").exists():
        (tmp_path / "in" / f"{change}.{fmt}").chmod(0o700)
        shutil.rmtree(tmp_path / "in" / f"{change}.{fmt}", ignore_errors=True)


@pytest.mark.parametrize(("exc", "words"), [
    (FileNotFoundError(2, "No such file or directory"), CHANGE_ERRORS["deleted"]),
    (PermissionError(13, "Permission denied"), CHANGE_ERRORS["unreadable"]),
    (IsADirectoryError(21, "Is a directory"), CHANGE_ERRORS["replaced_by_folder"]),
    (OSError(5, "Input/output error"), "file could not be read: Input/output error"),
])
def test_every_read_error_has_a_reason(exc: OSError, words: str):
    assert unreadable(exc).startswith(words)
