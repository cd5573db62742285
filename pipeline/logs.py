"""Logging of a command-line run: plain text lines or one JSON object a line (for log
collectors), our own loggers at the chosen level and other libraries' chatter (pymorphy3
loading its dictionaries, Dask starting up) kept below WARNING unless asked for.

A text line is one record: control characters in a message (a file named ``a\nERROR x``)
are written as escapes (``printable``), and the lines of a traceback that follow a record
are indented, so no text can pass for a record of its own. JSON lines are escaped by JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
import unicodedata
from typing import Any

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
OURS = ("pipeline", "extractors", "schemas")
EXTRA_FIELDS = ("file", "reason")  # given with ``extra=`` on a failed file's line


# C0 and C1 controls, DEL, the Unicode line and paragraph separators and the bidi controls
# (which can make a line read otherwise than it is)
_ESCAPES = {c: f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"
            for c in range(0x2070)
            if unicodedata.category(chr(c)) in ("Cc", "Zl", "Zp")
            or 0x202A <= c <= 0x202E or 0x2066 <= c <= 0x2069}
_ESCAPES.update({ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"})


def printable(text: object) -> str:
    """``str(text)`` with its control characters as escapes (``\\n``, ``\\x1b``), for a text
    log line or the terminal summary: a file name cannot start a line of its own there."""
    return str(text).translate(_ESCAPES)


class TextFormatter(logging.Formatter):
    """``TEXT_FORMAT`` with the message ``printable`` and a traceback's lines indented."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = printable(record.message)  # every formatter sets it afresh
        return super().formatMessage(record)

    def format(self, record: logging.LogRecord) -> str:
        head, sep, rest = super().format(record).partition("\n")
        if not sep:
            return head
        return head + sep + "\n".join(f"  {printable(line)}" for line in rest.split("\n"))


class OthersQuiet(logging.Filter):
    """Lets other libraries' records through from WARNING only: some (Dask's
    ``distributed``) set their own loggers to INFO when imported, after our set-up."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or record.name.split(".")[0] in OURS


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message"}`` plus ``file`` and ``reason`` when the
    record carries them and ``exception`` for a traceback; UTF-8 text, not escapes."""

    def format(self, record: logging.LogRecord) -> str:
        obj: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "message": record.getMessage(),
        }
        for key in EXTRA_FIELDS:
            if hasattr(record, key):
                obj[key] = str(getattr(record, key))
        if record.exc_info:
            obj["exception"] = self.formatException(record.exc_info)
        return json.dumps(obj, ensure_ascii=False)


def setup_logging(*, json_lines: bool, quiet: bool, verbose: bool) -> None:
    """Log to stderr: ours at INFO (WARNING with ``quiet``, DEBUG with ``verbose``), other
    libraries at WARNING (DEBUG with ``verbose``)."""
    ours = logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if json_lines else TextFormatter())
    if not verbose:
        handler.addFilter(OthersQuiet())
    logging.basicConfig(handlers=[handler])  # no-op when the host already configured it
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.WARNING)
    for name in OURS:
        logging.getLogger(name).setLevel(ours)
