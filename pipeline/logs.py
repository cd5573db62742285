"""Logging of a command-line run: plain text lines or one JSON object a line (for log
collectors), our own loggers at the chosen level and other libraries' chatter (pymorphy3
loading its dictionaries, Dask starting up) kept below WARNING unless asked for."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from typing import Any

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
OURS = ("pipeline", "extractors", "schemas")
EXTRA_FIELDS = ("file", "reason")  # given with ``extra=`` on a failed file's line


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
    handler.setFormatter(JsonFormatter() if json_lines else logging.Formatter(TEXT_FORMAT))
    if not verbose:
        handler.addFilter(OthersQuiet())
    logging.basicConfig(handlers=[handler])  # no-op when the host already configured it
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.WARNING)
    for name in OURS:
        logging.getLogger(name).setLevel(ours)
