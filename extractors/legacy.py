"""DOC, RTF and ODT extractor: LibreOffice converts the file to DOCX in a private temporary
directory, then the DOCX extractor reads it; the Document keeps the original format and path.

Every conversion gets its own LibreOffice profile (``-env:UserInstallation``), so parallel
workers never share the profile lock, and runs in its own process group, so a timeout kills
``soffice.bin`` and not just the ``soffice`` wrapper script. Its ``TMPDIR`` is a folder inside
the conversion's, so the temporary files LibreOffice leaves when it is stopped (``lu*.tmp``)
go with that folder, which a stopped worker's successor reaps
(``reap_stale_conversions``).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from extractors import docx
from extractors.converters import is_running, kill_group_and_wait, run_bounded
from extractors.detect import sniff_format
from extractors.errors import (
    ConverterMissing,
    CorruptFile,
    ExtractionError,
    UnsupportedFormat,
)
from extractors.model import Document
from extractors.safezip import check_zip
from extractors.tools import Tool, soffice_binary
from schemas.enums import Format

log = logging.getLogger(__name__)

DEFAULT_SOFFICE_TIMEOUT_S = 120
LEGACY_FORMATS = (Format.DOC, Format.RTF, Format.ODT)
INSTALL_HINT = "install LibreOffice: apt-get install libreoffice-writer-nogui"
# The import filter is forced: left to guess, LibreOffice imports a damaged DOC as plain text
# (binary garbage paragraphs) instead of failing. Word 6/95 files need their own filters.
IMPORT_FILTERS = {
    Format.DOC: ("MS Word 97", "MS Word 95", "MS WinWord 6.0"),
    Format.RTF: ("Rich Text Format",),
    Format.ODT: ("writer8",),
}


TMP_PREFIX = "natproj-soffice-"  # + the worker's pid + "-": its conversions' folders
PGID_FILE = "pgid"  # in a conversion's folder: the converter's process group
STALE_ORPHAN_S = 24 * 3600.0  # a folder of the old naming (no pid) is removed after a day


def _folder_owner(folder: Path) -> int | None:
    head = folder.name.removeprefix(TMP_PREFIX).split("-", 1)[0]
    return int(head) if head.isdigit() else None


def reap_stale_conversions(tmpdir: Path | None = None) -> int:
    """Kill the converter process groups left by workers that died (killed mid-conversion,
    or an interrupted run) and remove their folders; return how many folders went.

    A conversion's folder is ``<tmp>/natproj-soffice-<worker pid>-*`` and records the
    converter's process group; the folder is stale once its worker is gone.
    """
    base = tmpdir or Path(tempfile.gettempdir())
    reaped = 0
    for folder in base.glob(f"{TMP_PREFIX}*"):
        owner = _folder_owner(folder)
        try:
            if owner is not None and is_running(owner):  # (a killed worker that is not yet
                continue  # reaped is a zombie, not running: its conversions are stale)
            if owner is None and time.time() - folder.stat().st_mtime < STALE_ORPHAN_S:
                continue
            pgid = int((folder / PGID_FILE).read_text() or 0)
        except FileNotFoundError:
            pgid = 0
        except (OSError, ValueError) as exc:
            log.warning("stale converter folder %s: %s", folder, exc)
            pgid = 0
        if pgid > 1:
            kill_group_and_wait(pgid)
        shutil.rmtree(folder, ignore_errors=True)
        reaped += 1
    if reaped:
        log.info("removed %d converter folder(s) left by stopped workers", reaped)
    return reaped


def convert_to_docx(
    path: Path, out_dir: Path, fmt: Format, timeout_s: float = DEFAULT_SOFFICE_TIMEOUT_S,
    memory_mb: int | None = None,
) -> Path:
    """Convert ``path`` (DOC/RTF/ODT) to a DOCX inside ``out_dir`` and return its path.

    The source is copied under a plain ASCII name first, so odd file names (leading dash,
    quotes, non-UTF-8 bytes) cannot confuse the command line and no LibreOffice lock file is
    written next to the original.

    Raises:
        ConverterMissing: soffice is not on PATH.
        ResourceLimit: the conversion (all filter attempts together) exceeded ``timeout_s``,
            or LibreOffice ran out of its memory cap (see ``converters.address_space_mb``).
        CorruptFile: LibreOffice could not read the file, or crashed.
    """
    binary = soffice_binary()
    if binary is None:
        raise ConverterMissing(
            str(path), f"{fmt.value.upper()} needs LibreOffice to be read; {INSTALL_HINT}",
            Tool.SOFFICE)
    src = out_dir / f"source.{fmt.value}"
    shutil.copyfile(path, src)
    profile = f"-env:UserInstallation={(out_dir / 'profile').resolve().as_uri()}"
    target = out_dir / "converted" / "source.docx"
    scratch = out_dir / "tmp"  # LibreOffice's lu*.tmp files: removed with the folder
    scratch.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(scratch), "TMP": str(scratch), "TEMP": str(scratch)}
    output = ""
    deadline = time.monotonic() + timeout_s
    for infilter in IMPORT_FILTERS[fmt]:
        cmd = [binary, "--headless", "--norestore", "--nolockcheck", profile,
               f"--infilter={infilter}", "--convert-to", "docx",
               "--outdir", str(target.parent), str(src)]
        remaining = max(deadline - time.monotonic(), 0.01)
        _, out, err = run_bounded(cmd, path, remaining, "LibreOffice conversion", env=env,
                                  pgid_file=out_dir / PGID_FILE, memory_mb=memory_mb)
        output = (out + err).decode("utf-8", "replace")
        if target.is_file() and target.stat().st_size > 0:
            log.debug("soffice converted %s with %r", path, infilter)
            return target
    detail = " ".join(output.split())[-300:] or "no output"
    raise CorruptFile(
        str(path),
        f"LibreOffice could not convert this {fmt.value.upper()} file to DOCX "
        f"(damaged, password-protected or not really {fmt.value.upper()}): {detail}",
    )


def extract(path: Path, timeout_s: float = DEFAULT_SOFFICE_TIMEOUT_S,
            memory_mb: int | None = None) -> Document:
    """Read a DOC, RTF or ODT file into a Document through a LibreOffice DOCX conversion;
    ``memory_mb``, the worker's memory limit, caps LibreOffice's address space.

    Raises:
        ConverterMissing: LibreOffice is not installed.
        ResourceLimit: conversion timed out or ran out of memory, or an ODT is a
            decompression bomb.
        CorruptFile: LibreOffice could not read the file.
        UnsupportedFormat: the content is not DOC, RTF or ODT.
    """
    fmt = sniff_format(path)
    if fmt not in LEGACY_FORMATS:
        raise UnsupportedFormat(
            str(path), f"expected a DOC, RTF or ODT file, found {fmt.value.upper()}"
        )
    if fmt is Format.ODT:
        check_zip(path)
    with tempfile.TemporaryDirectory(prefix=f"{TMP_PREFIX}{os.getpid()}-") as tmp:
        converted = convert_to_docx(path, Path(tmp), fmt, timeout_s, memory_mb)
        try:
            doc = docx.extract(converted)
        except ExtractionError as exc:
            raise type(exc)(
                str(path), f"the DOCX converted from this {fmt.value.upper()} file is unreadable: "
                f"{exc.reason}"
            ) from None
    return replace(doc, source=str(path), format=fmt)
