"""Log forging: a file name holding a newline (or another control character) cannot write a
line of its own into the text log or the end-of-run summary; JSON lines stay JSON."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.logs import TextFormatter, printable

REPO = Path(__file__).resolve().parents[2]
FORGED = "2020-01-01 00:00:00,000 ERROR pipeline: FORGED"
RECORD_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ ")


def _extract(folder: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline", "extract", str(folder), "--out",
                           str(out), "--workers", "0", "--progress", "none", *extra],
                          cwd=REPO, capture_output=True, text=True, timeout=300)


@pytest.fixture
def forged_input(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / f"x\n{FORGED}\r\x1b[2K.pdf").write_bytes(b"%PDF-1.4 truncated")  # fails
    (folder / "good.txt").write_text("Отчёт о реализации национального проекта «Демография»"
                                     "\nГод 2023\n", encoding="utf-8")
    return folder


def test_a_file_name_cannot_forge_a_text_log_line_or_summary_line(forged_input: Path,
                                                                  tmp_path: Path):
    proc = _extract(forged_input, tmp_path / "out")
    assert proc.returncode == 1, proc.stderr
    assert "FORGED" in proc.stderr  # the name is logged, escaped
    assert "x\\n2020-01-01 00:00:00,000 ERROR pipeline: FORGED\\r\\x1b[2K.pdf" in proc.stderr
    for line in proc.stderr.splitlines():
        assert not line.startswith("2020-01-01"), line
        assert RECORD_RE.match(line) or line.startswith("  "), line
    assert "\x1b" not in proc.stderr
    assert "\r" not in proc.stderr
    assert "FORGED" in proc.stdout  # the summary names the failed file, escaped
    assert not [line for line in proc.stdout.splitlines() if line.startswith("2020-01-01")]
    assert "\x1b" not in proc.stdout
    assert "\r" not in proc.stdout

    dry = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(forged_input),
                          "--out", str(tmp_path / "dry"), "--dry-run"], cwd=REPO,
                         capture_output=True, text=True, timeout=300)
    assert dry.returncode == 0, dry.stderr
    assert "FORGED" in dry.stdout
    assert not [line for line in dry.stdout.splitlines() if line.startswith("2020-01-01")]


def test_json_lines_stay_one_object_a_line(forged_input: Path, tmp_path: Path):
    proc = _extract(forged_input, tmp_path / "out", "--log-format", "json")
    assert proc.returncode == 1, proc.stderr
    records = [json.loads(line) for line in proc.stderr.splitlines()]
    assert any("FORGED" in r["message"] for r in records)


def test_printable_escapes_every_control_character():
    assert printable("a\nb\r\tc\x00\x1b\x7f\x85\u2028\u2029\u202e") == (
        "a\\nb\\r\\tc\\x00\\x1b\\x7f\\x85\\u2028\\u2029\\u202e")
    assert printable("Отчёт «Демография» 2023.pdf") == "Отчёт «Демография» 2023.pdf"


def test_a_traceback_is_indented_under_its_record():
    try:
        raise ValueError(f"bad\n{FORGED}")
    except ValueError:
        record = logging.LogRecord("pipeline", logging.ERROR, __file__, 1, "failed %s",
                                   ("a\nb",), sys.exc_info())
    lines = TextFormatter().format(record).split("\n")
    assert lines[0].endswith("ERROR pipeline: failed a\\nb")
    assert all(line.startswith("  ") for line in lines[1:])
    assert any("FORGED" in line for line in lines[1:])
