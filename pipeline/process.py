"""Process one file: extract -> interpret -> rows. Never raises for bad input.

``process_file`` returns a picklable FileResult, so it runs the same in-process, in a local
process pool or on a Dask worker.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractors import extract
from extractors.errors import ExtractionError
from extractors.model import Document
from pipeline import __version__
from pipeline.discover import SourceFile
from schemas.enums import DocStatus

log = logging.getLogger(__name__)

Row = dict[str, Any]


@dataclass(slots=True)
class FileResult:
    source: SourceFile
    document: Row
    indicators: list[Row] = field(default_factory=list)
    activities: list[Row] = field(default_factory=list)
    finance: list[Row] = field(default_factory=list)
    seconds: float = 0.0

    def row_counts(self) -> dict[str, int]:
        return {
            "indicators": len(self.indicators),
            "activities": len(self.activities),
            "finance": len(self.finance),
        }


def base_document_row(src: SourceFile) -> Row:
    return {
        "doc_id": src.doc_id,
        "source_path": src.rel_path,
        "format": None,
        "status": DocStatus.FAILED.value,
        "error": None,
        "pages": None,
        "extractor_version": __version__,
        "warnings": [],
    }


def failed_result(src: SourceFile, error: str, fmt: str | None = None, seconds: float = 0.0
                  ) -> FileResult:
    """A ``failed`` documents row with a human-readable reason and no other rows."""
    row = base_document_row(src)
    row.update(format=fmt, status=DocStatus.FAILED.value, error=error)
    return FileResult(src, row, seconds=seconds)


def _guess_format(path: Path) -> str | None:
    from schemas.enums import Format

    suffix = path.suffix.lower().lstrip(".")
    if suffix == "htm":
        suffix = "html"
    return suffix if suffix in {f.value for f in Format} else None


def document_to_result(src: SourceFile, doc: Document, seconds: float) -> FileResult:
    """Interpret an extracted Document into rows of the four tables."""
    from pipeline.interpret import interpret

    row = base_document_row(src)
    row.update(format=doc.format.value, pages=doc.pages, encoding=doc.encoding,
               warnings=list(doc.warnings))
    result = interpret(doc)
    row.update(result.meta)
    status = DocStatus.PARTIAL if doc.warnings else DocStatus.OK
    row["status"] = status.value
    if doc.warnings:
        row["error"] = "; ".join(doc.warnings)
    for r in (*result.indicators, *result.activities, *result.finance):
        r["doc_id"] = src.doc_id
    return FileResult(src, row, result.indicators, result.activities, result.finance,
                      seconds=seconds)


def unreadable(exc: OSError) -> str:
    """Why a file found by discovery could not be read when its turn came."""
    if isinstance(exc, FileNotFoundError):
        return "file disappeared before it could be read (deleted or moved during the run)"
    if isinstance(exc, PermissionError):
        return "file could not be read: permission denied (made unreadable during the run?)"
    if isinstance(exc, IsADirectoryError):
        return "file was replaced by a folder before it could be read"
    return f"file could not be read: {exc.strerror or exc}"


def process_file(src: SourceFile, memory_mb: int | None = None) -> FileResult:
    """Extract and interpret one file; bad input and bugs both become a ``failed`` row.
    ``memory_mb``, the worker's memory limit, caps the external converters too."""
    t0 = time.perf_counter()
    if src.refused is not None:  # not a regular file (see pipeline.discover): never opened
        return failed_result(src, src.refused)
    try:
        doc = extract(src.path, memory_mb)
        return document_to_result(src, doc, time.perf_counter() - t0)
    except ExtractionError as exc:
        log.info("%s: %s", src.rel_path, exc)
        return failed_result(src, str(exc), _guess_format(src.path), time.perf_counter() - t0)
    except OSError as exc:  # the file changed under us: gone, made unreadable, a bad disk
        log.warning("%s: %s", src.rel_path, exc)
        return failed_result(src, unreadable(exc), _guess_format(src.path),
                             time.perf_counter() - t0)
    except MemoryError:
        return failed_result(src, "ran out of memory while reading the file",
                             _guess_format(src.path), time.perf_counter() - t0)
    except Exception as exc:
        log.exception("internal error on %s", src.rel_path)
        return failed_result(
            src, f"internal error ({type(exc).__name__}: {exc}); please report this file",
            _guess_format(src.path), time.perf_counter() - t0,
        )
