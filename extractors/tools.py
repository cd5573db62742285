"""The external programs some formats need, and whether each is installed right now.

A file that failed because one was missing records its name (``ConverterMissing.tool``), so
the next run reads it again by itself once the program is there.
"""

from __future__ import annotations

import shutil
import subprocess
from enum import StrEnum

OCR_LANGS = "rus+eng"


class Tool(StrEnum):
    SOFFICE = "soffice"  # LibreOffice: DOC, RTF, ODT
    PDFTOPPM = "pdftoppm"  # poppler-utils: renders scanned pages
    TESSERACT = "tesseract"  # tesseract-ocr: reads them
    TESSERACT_LANGS = "tesseract-langs"  # tesseract-ocr-rus: its Russian (and English) data


INSTALL = {
    Tool.SOFFICE: "apt-get install libreoffice-writer-nogui",
    Tool.PDFTOPPM: "apt-get install poppler-utils",
    Tool.TESSERACT: "apt-get install tesseract-ocr tesseract-ocr-rus",
    Tool.TESSERACT_LANGS: "apt-get install tesseract-ocr tesseract-ocr-rus",
}


def soffice_binary() -> str | None:
    """Path of the LibreOffice launcher on PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def missing_langs() -> list[str]:
    """The OCR languages tesseract lacks (all of them when it cannot be asked)."""
    try:
        out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, timeout=30,
                             check=False).stdout.decode("utf-8", "replace").split()
    except (OSError, subprocess.TimeoutExpired):
        out = []
    return [lang for lang in OCR_LANGS.split("+") if lang not in out]


def ocr_missing() -> Tool | None:
    """The first thing OCR lacks on this machine, or None when it can run."""
    if shutil.which("pdftoppm") is None:
        return Tool.PDFTOPPM
    if shutil.which("tesseract") is None:
        return Tool.TESSERACT
    return Tool.TESSERACT_LANGS if missing_langs() else None


def tool_available(name: str) -> bool:
    """Whether the tool ``name`` (a ``Tool`` value) is installed now; an unknown name is
    not (a manifest written by a later version)."""
    try:
        tool = Tool(name)
    except ValueError:
        return False
    if tool is Tool.SOFFICE:
        return soffice_binary() is not None
    if tool is Tool.TESSERACT_LANGS:
        return shutil.which("tesseract") is not None and not missing_langs()
    return shutil.which(tool.value) is not None


def forget_checks() -> None:
    """Forget what the readers found missing in this process (OCR checks once a process),
    so that a program installed since is used by the next file."""
    from extractors import ocr  # deferred: OCR pulls in numpy and Pillow

    ocr.ocr_unavailable.cache_clear()
