"""LibreOffice's own temporary files (``lu*.tmp``, its working copy of the document) go to
the conversion's folder, which is removed, and never stay in the process's TMPDIR: a real
conversion of an RTF built here, stopped by its time limit and run to the end."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from extractors import legacy
from extractors.converters import seconds_text
from extractors.errors import ResourceLimit

needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)
RTF = "{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}\\f0 Отчёт 2023\\par}"


@pytest.fixture
def tmpdir_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    base = tmp_path / "tmp"
    base.mkdir()
    monkeypatch.setenv("TMPDIR", str(base))
    monkeypatch.setattr(tempfile, "tempdir", None)  # gettempdir() reads TMPDIR again
    return base


def _rtf(tmp_path: Path) -> Path:
    src = tmp_path / "report.rtf"
    src.write_text(RTF, encoding="ascii", errors="backslashreplace")
    return src


@pytest.mark.soffice
@needs_soffice
@pytest.mark.parametrize("timeout_s", [1.0, 60.0])
def test_no_libreoffice_temp_file_stays_in_tmpdir(tmp_path: Path, tmpdir_env: Path,
                                                  timeout_s: float):
    try:
        legacy.extract(_rtf(tmp_path), timeout_s=timeout_s, memory_mb=2048)
    except ResourceLimit:
        assert timeout_s < 60  # stopped mid-conversion: the case that left lu*.tmp
    assert sorted(p.name for p in tmpdir_env.iterdir()) == []


def test_durations_print_sensibly():
    assert seconds_text(7.99998) == "8 s"
    assert seconds_text(0.799989) == "0.8 s"
    assert seconds_text(1.49999) == "1.5 s"
    assert seconds_text(300.0) == "300 s"
    assert seconds_text(1234.56) == "1235 s"
