"""The tools measured side by side: ours, the floor, bare libraries and peer tools.

Each tool is a loader ``load() -> run`` (imports happen in the loader, so they are timed
apart) and ``run(path) -> int`` returning how many tables it got out of the file (text-only
tools return 0), so a tool that reads nothing is visible in the results.

* ``ours``: ``pipeline.process.process_file``'s chain (extract, interpret, normalise,
  validate: the rows of the four tables of one file; no Parquet writing) without its error
  handling, so that the tables extracted can be counted; loaded with the warm-up a run does
  before its workers start (``FileProcessor.warm_up``);
* floor: ``pdftotext`` (poppler) on PDF, ``zipfile`` + ``lxml`` raw text of a DOCX's
  ``word/document.xml``, bytes decoded for TXT;
* bare: ``pdfplumber`` ``page.extract_tables()`` on every page; ``python-docx`` ``row.cells``
  text of every table;
* peers (PyPI, offline, CPU): camelot-py lattice, markitdown, docx2python, docling-slim (DOCX
  backend); unstructured is picked up when installed (see ``TOOLS``).
* XLSX (``bench.peers_xlsx``): floor zipfile + lxml, bare openpyxl normal mode with
  ``merged_cells``, bare-ro openpyxl read-only with the ``<mergeCell>`` list, pandas,
  python-calamine, markitdown, docling's XLSX backend.
"""

from __future__ import annotations

import os
import re
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Any

Run = Callable[[Path], int]
MD_TABLE_RE = re.compile(r"^\|(?: ?-+ ?\|)+\s*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Tool:
    name: str
    kind: str  # ours | floor | bare | peer
    formats: tuple[str, ...]
    load: Callable[[str], Run]
    needs: str = ""  # importable module or executable this tool needs
    note: str = ""

    def available(self) -> bool:
        if not self.needs:
            return True
        if self.needs.startswith("bin:"):
            from shutil import which

            return which(self.needs[4:]) is not None
        return find_spec(self.needs) is not None


def _load_ours(fmt: str) -> Run:
    from extractors import extract
    from pipeline.batch.run.discover import file_digest
    from pipeline.interpret import interpret
    from pipeline.normalise import normalise
    from pipeline.normalise.names import Names, NamesSpec
    from pipeline.process import FileProcessor, to_result, validate
    from pipeline.sources import SourceFile

    FileProcessor().warm_up()  # what a run does before its workers start (batch.engines.preload)
    names = Names.of(NamesSpec())

    def run(path: Path) -> int:
        st = path.stat()
        src = SourceFile(path, path.name, file_digest(path), st.st_size, st.st_mtime)
        doc = extract(path)
        validate(to_result(src, doc, normalise(interpret(doc), names)))
        return sum(1 for b in doc.blocks if hasattr(b, "cells"))

    return run


def _load_floor(fmt: str) -> Run:
    if fmt == "xlsx":
        from bench.peers_xlsx import load_floor
        return load_floor()
    if fmt == "pdf":
        def run_pdf(path: Path) -> int:
            subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                           stdout=subprocess.PIPE)
            return 0
        return run_pdf
    if fmt == "docx":
        from lxml import etree

        def run_docx(path: Path) -> int:
            with zipfile.ZipFile(path) as z:
                root = etree.fromstring(z.read("word/document.xml"))
            "".join(root.itertext())
            return 0
        return run_docx

    def run_txt(path: Path) -> int:
        data = path.read_bytes()
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            data.decode("cp1251")
        return 0
    return run_txt


def _load_bare(fmt: str) -> Run:
    if fmt == "xlsx":
        from bench.peers_xlsx import load_bare
        return load_bare()
    if fmt == "pdf":
        import pdfplumber

        def run_pdf(path: Path) -> int:
            n = 0
            with pdfplumber.open(path) as pdf:
                for page in pdf.pages:
                    n += len(page.extract_tables())
                    page.close()
            return n
        return run_pdf
    import docx

    def run_docx(path: Path) -> int:
        d = docx.Document(str(path))
        for table in d.tables:
            for row in table.rows:
                [c.text for c in row.cells]
        return len(d.tables)
    return run_docx


def _load_camelot(fmt: str) -> Run:
    import logging

    import camelot

    logging.getLogger("camelot").setLevel(logging.ERROR)

    def run(path: Path) -> int:
        tables = camelot.read_pdf(str(path), pages="all", flavor="lattice")
        for t in tables:
            t.df  # noqa: B018 - the cell texts are the result
        return len(tables)
    return run


def _load_markitdown(fmt: str) -> Run:
    from markitdown import MarkItDown

    md = MarkItDown(enable_plugins=False)

    def run(path: Path) -> int:
        text = md.convert(str(path)).text_content
        return len(MD_TABLE_RE.findall(text))
    return run


def _load_docx2python(fmt: str) -> Run:
    from docx2python import docx2python

    def run(path: Path) -> int:
        with docx2python(path) as d:
            body = d.body
        return sum(1 for t in body if len(t) > 1)
    return run


def _load_unstructured(fmt: str) -> Run:
    os.environ.setdefault("DO_NOT_TRACK", "1")
    if fmt == "pdf":
        from unstructured.partition.pdf import partition_pdf as part
    else:
        from unstructured.partition.docx import partition_docx as part

    def run(path: Path) -> int:
        kwargs = {"strategy": "fast"} if fmt == "pdf" else {}
        return sum(1 for e in part(filename=str(path), **kwargs) if e.category == "Table")
    return run


def _load_xlsx(name: str) -> Callable[[str], Run]:
    def load(fmt: str) -> Run:
        from bench import peers_xlsx
        loader: Callable[[], Run] = getattr(peers_xlsx, f"load_{name}")
        return loader()
    return load


def _load_docling(fmt: str) -> Run:
    # docling-slim without torch: DocumentConverter imports torch, so the format's backend is
    # driven directly (its PDF pipeline needs layout models, so PDF is not measured)
    from docling.backend.msexcel_backend import MsExcelDocumentBackend
    from docling.backend.msword_backend import MsWordDocumentBackend
    from docling.datamodel.base_models import InputFormat
    from docling.datamodel.document import InputDocument

    backend_class: Any = MsExcelDocumentBackend if fmt == "xlsx" else MsWordDocumentBackend
    input_format = InputFormat.XLSX if fmt == "xlsx" else InputFormat.DOCX

    def run(path: Path) -> int:
        src = InputDocument(path_or_stream=path, format=input_format, backend=backend_class)
        backend: Any = src._backend
        doc = backend.convert()
        for t in doc.tables:
            t.data.grid  # noqa: B018 - the cell grid is the result
        return len(doc.tables)
    return run


TOOLS: tuple[Tool, ...] = (
    Tool("ours", "ours", ("docx", "pdf", "txt", "xlsx"), _load_ours,
         note="extract + interpret + normalise, no writing"),
    Tool("floor", "floor", ("docx", "pdf", "txt", "xlsx"), _load_floor, needs="bin:pdftotext"),
    Tool("bare", "bare", ("docx", "pdf", "xlsx"), _load_bare),
    Tool("bare-ro", "bare", ("xlsx",), _load_xlsx("bare_ro"),
         note="our reader before extractors.xlsx_xml"),
    Tool("pandas", "peer", ("xlsx",), _load_xlsx("pandas"), needs="pandas"),
    Tool("calamine", "peer", ("xlsx",), _load_xlsx("calamine"), needs="python_calamine"),
    Tool("camelot", "peer", ("pdf",), _load_camelot, needs="camelot"),
    Tool("markitdown", "peer", ("docx", "pdf", "xlsx"), _load_markitdown, needs="markitdown"),
    Tool("docx2python", "peer", ("docx",), _load_docx2python, needs="docx2python"),
    Tool("unstructured", "peer", ("docx", "pdf"), _load_unstructured, needs="unstructured",
         note='strategy="fast" on PDF'),
    Tool("docling", "peer", ("docx", "xlsx"), _load_docling, needs="docling",
         note="docling-slim, MsWordDocumentBackend / MsExcelDocumentBackend, no torch"),
)
BY_NAME = {t.name: t for t in TOOLS}


def tool_label(name: str, fmt: str) -> str:
    """Human name of a tool on a format, e.g. ``pdfplumber extract_tables()``."""
    labels = {
        ("floor", "pdf"): "pdftotext (poppler)", ("floor", "docx"): "zipfile + lxml text",
        ("floor", "txt"): "read + decode", ("bare", "pdf"): "pdfplumber extract_tables()",
        ("bare", "docx"): "python-docx row.cells", ("camelot", "pdf"): "camelot-py lattice",
    }
    from bench.peers_xlsx import LABELS

    return {**labels, **LABELS}.get((name, fmt), name)
