"""An input file as the one-file chain (``pipeline.process``) and the batch that feeds it both
see it: its path, its name in the output, its content digest (the contract's ``doc_id``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: Path
    rel_path: str
    doc_id: str
    size: int
    mtime: float
    refused: str | None = None  # why this entry is not read (it is not a regular file)
