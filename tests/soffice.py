"""Fixture conversion with LibreOffice, shared by the tests that need a legacy or PDF file."""

from __future__ import annotations

import subprocess
from pathlib import Path


def soffice_convert(src: Path, fmt: str, out_dir: Path) -> Path:
    """Convert ``src`` to ``fmt`` with LibreOffice (own profile, like the legacy extractor)."""
    profile = (out_dir / f"profile-{fmt}").resolve().as_uri()
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation={profile}", "--convert-to", fmt,
         "--outdir", str(out_dir), str(src)],
        check=True, capture_output=True, timeout=180,
    )
    out = out_dir / f"{src.stem}.{fmt}"
    assert out.is_file()
    return out
