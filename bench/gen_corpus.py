"""Deterministic benchmark corpus: DOCX reports, their PDFs (LibreOffice) and TXT dumps.

Usage: ``.venv/bin/python -m bench.gen_corpus --n 100 [--seed 2024] [--root bench/corpus]``

Files live under ``<root>/seed<seed>/{docx,pdf,txt}/rep_<i>.<ext>``; report ``i`` depends only
on ``(i, seed)``, so a corpus of 1,000 reuses the first 100 of a corpus of 100 and a second run
only makes what is missing. A *mixed set* of n documents takes report ``i`` as DOCX, PDF or TXT
in turn (``mixed_format``); the side-by-side set has its reports in all three formats.
DOCX and TXT bytes are reproducible (fixed timestamps in the ZIP and core properties); PDFs
are converted in batches, one ``soffice`` call per batch, each converter with its own
``-env:UserInstallation`` profile, ``jobs`` converters in parallel. ``pages.json`` records each
PDF's page count (the page figure of all three formats).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import logging
import os
import shutil
import subprocess
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from docx import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.shared import Mm, Pt

from bench.reports import Report, TableSpec, build_report

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent / "corpus"
DEFAULT_SEED = 2024
FORMATS = ("docx", "pdf", "txt")
FIXED_TIME = dt.datetime(2024, 1, 1)


def report_name(i: int) -> str:
    return f"rep_{i:05d}"


def txt_encoding(i: int) -> str:
    """Every third dump is a Windows one (cp1251, CRLF), the rest UTF-8."""
    return "cp1251" if i % 3 == 2 else "utf-8"


def docx_bytes(rep: Report) -> bytes:
    """The report as a DOCX (python-docx), with reproducible bytes."""
    d = DocxDocument()
    style = d.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(11)
    sec = d.sections[0]
    width = 180.0
    if rep.landscape:
        sec.orientation = WD_ORIENT.LANDSCAPE
        sec.page_width, sec.page_height = Mm(297), Mm(210)
        sec.left_margin = sec.right_margin = Mm(15)
        width = 267.0
    for block in rep.blocks:
        if isinstance(block, TableSpec):
            _add_table(d, block, width)
        else:
            d.add_paragraph(block)
    d.core_properties.created = d.core_properties.modified = FIXED_TIME
    d.core_properties.author = d.core_properties.last_modified_by = "bench"
    buf = io.BytesIO()
    d.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def _add_table(d: object, spec: TableSpec, width_mm: float) -> None:
    n_cols = len(spec.rows[0])
    table = d.add_table(rows=len(spec.rows), cols=n_cols)  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.autofit = False
    grid = [row.cells for row in table.rows]
    weights = spec.widths if len(spec.widths) == n_cols else (1.0,) * n_cols
    widths = [Mm(width_mm * w / sum(weights)) for w in weights]
    for c, col in enumerate(table.columns):
        col.width = widths[c]
    for row in grid:
        for c, cell in enumerate(row):
            cell.width = widths[c]
    for r, row in enumerate(spec.rows):
        for c, text in enumerate(row):
            if text:
                grid[r][c].text = text
    for r1, c1, r2, c2 in spec.merges:
        grid[r1][c1].merge(grid[r2][c2])


def txt_text(rep: Report) -> str:
    """A plain-text dump as copied out of Word: tables as tab-separated rows."""
    lines: list[str] = []
    for block in rep.blocks:
        if isinstance(block, TableSpec):
            lines += ["\t".join(cell.replace("\n", " ") for cell in row) for row in block.rows]
            lines.append("")
        else:
            lines += [block, ""]
    return "\n".join(lines)


def write_sources(i: int, seed: int, base: Path) -> None:
    """DOCX and TXT of report ``i`` (skipped when present)."""
    name = report_name(i)
    docx_path, txt_path = base / "docx" / f"{name}.docx", base / "txt" / f"{name}.txt"
    if docx_path.exists() and txt_path.exists():
        return
    rep = build_report(i, seed)
    _atomic_write(docx_path, docx_bytes(rep))
    enc = txt_encoding(i)
    text = txt_text(rep)
    if enc == "cp1251":
        text = text.replace("\n", "\r\n")
    _atomic_write(txt_path, text.encode(enc, errors="replace"))


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def convert_pdfs(docx_paths: list[Path], out_dir: Path, jobs: int = 2,
                 batch: int = 100) -> None:
    """Convert DOCX files to PDF with LibreOffice, at most ``batch`` files per ``soffice`` call."""
    if not docx_paths:
        return
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RuntimeError("soffice not found: apt-get install libreoffice-writer-nogui")
    out_dir.mkdir(parents=True, exist_ok=True)
    jobs = max(1, min(jobs, len(docx_paths)))
    size = min(batch, -(-len(docx_paths) // jobs))
    chunks = [docx_paths[k:k + size] for k in range(0, len(docx_paths), size)]
    with tempfile.TemporaryDirectory(prefix="bench-soffice-") as tmp:
        def lane(j: int) -> None:
            # one profile per converter: chunks j, j + jobs … run in turn on it
            profile = (Path(tmp) / f"profile{j}").as_uri()
            for chunk in chunks[j::jobs]:
                cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                       "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, chunk)]
                subprocess.run(cmd, check=True, capture_output=True,
                               timeout=120 + 10 * len(chunk))

        with ThreadPoolExecutor(jobs) as pool:
            list(pool.map(lane, range(jobs)))
    missing = [p for p in docx_paths if not (out_dir / f"{p.stem}.pdf").exists()]
    if missing:
        raise RuntimeError(f"soffice did not convert {len(missing)} file(s), e.g. {missing[0]}")


def pdf_pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


@dataclass(frozen=True, slots=True)
class Corpus:
    """A seeded corpus folder: ``<base>/<fmt>/rep_<i>.<ext>`` and PDF page counts."""

    base: Path
    pages: dict[int, int]

    def path(self, i: int, fmt: str) -> Path:
        return self.base / fmt / f"{report_name(i)}.{fmt}"

    def link_set(self, name: str, paths: list[Path]) -> Path:
        """A folder ``sets/<name>/<fmt>/`` of hard links to exactly ``paths`` (for the CLI)."""
        target = self.base / "sets" / name
        if target.exists():
            shutil.rmtree(target)
        for p in paths:
            link = target / p.parent.name / p.name
            link.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(p, link)
            except OSError:
                shutil.copy2(p, link)
        return target


def mixed_format(i: int) -> str:
    """The format report ``i`` takes in a mixed set: DOCX, PDF, TXT in turn."""
    return FORMATS[i % len(FORMATS)]


def ensure_corpus(n_mixed: int, n_all: int = 0, seed: int = DEFAULT_SEED, root: Path = ROOT,
                  jobs: int = 2) -> Corpus:
    """Make (or reuse) the reports a run needs.

    Reports ``0 … n_mixed - 1`` in their mixed-set format and reports ``0 … n_all - 1`` in
    every format. DOCX and TXT are written for every report (cheap); PDFs only where needed.
    """
    base = root / f"seed{seed}"
    n = max(n_mixed, n_all)
    for i in range(n):
        write_sources(i, seed, base)
    corpus = Corpus(base, {})
    want = [i for i in range(n) if i < n_all or mixed_format(i) == "pdf"]
    todo = [corpus.path(i, "docx") for i in want if not corpus.path(i, "pdf").exists()]
    if todo:
        log.info("converting %d DOCX to PDF with LibreOffice (%d converters)", len(todo), jobs)
        convert_pdfs(todo, base / "pdf", jobs=jobs)
    pages_file = base / "pages.json"
    known = json.loads(pages_file.read_text()) if pages_file.exists() else {}
    pages = {int(k): v for k, v in known.items()}
    if any(i not in pages for i in want):
        pages.update({i: pdf_pages(corpus.path(i, "pdf")) for i in want if i not in pages})
        _atomic_write(pages_file, json.dumps(pages, sort_keys=True).encode())
    corpus.pages.update(pages)
    return corpus


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.gen_corpus", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100,
                    help="reports of the mixed set (default 100)")
    ap.add_argument("--all", type=int, default=0, help="first reports made in every format")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--root", type=Path, default=ROOT)
    ap.add_argument("--jobs", type=int, default=2, help="parallel soffice converters")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    corpus = ensure_corpus(args.n, args.all, args.seed, args.root, args.jobs)
    print(f"{max(args.n, args.all)} reports under {corpus.base}, {len(corpus.pages)} PDFs, "
          f"{sum(corpus.pages.values())} PDF pages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
