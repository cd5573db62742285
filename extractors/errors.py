"""Bad-input errors: each carries the file and a human-readable reason and pickles across
processes (every argument goes to ``super().__init__``)."""

from __future__ import annotations


class ExtractionError(Exception):
    """The input cannot be read; the file gets a ``failed`` documents row with ``str(e)``."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, reason)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


class UnsupportedFormat(ExtractionError):
    """The content is of a kind no extractor reads (e.g. HTML renamed to .docx)."""


class CorruptFile(ExtractionError):
    """The file claims a format but its bytes are broken or truncated."""


class EncryptedFile(ExtractionError):
    """The file is password-protected."""


class EmptyFile(ExtractionError):
    """The file has no bytes, or no text at all."""


class ResourceLimit(ExtractionError):
    """The file would exceed a size, memory or time budget (e.g. a decompression bomb)."""


class UnsafeXML(ExtractionError):
    """The file's XML declares a DTD or entities (a possible "billion laughs"); not read."""


class NoTextLayer(ExtractionError):
    """A PDF whose pages are images and OCR is unavailable."""


class ConverterMissing(ExtractionError):
    """The format needs an external program (or its data) that is not installed; ``tool``
    names it (an ``extractors.tools.Tool`` value), so a run can retry the file once it is."""

    def __init__(self, path: str, reason: str, tool: str = "") -> None:
        Exception.__init__(self, path, reason, tool)
        self.path = path
        self.reason = reason
        self.tool = tool


class OcrUnavailable(NoTextLayer, ConverterMissing):
    """A scanned PDF, and OCR cannot run here (pdftoppm, tesseract or its languages missing)."""
