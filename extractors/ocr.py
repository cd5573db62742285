"""OCR of scanned PDFs: pages rendered by ``pdftoppm``, ruled tables found from long dark runs
in the image, each text line of each cell read by ``tesseract`` in single-line mode (one
process per page fed a list of images; on a whole ruled page it loses about half of a table's
numbers), text outside tables read as paragraphs, page-split tables joined by ``pdf_stitch``.
"""

from __future__ import annotations

import functools
import logging
import os
import tempfile
import time
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

import numpy as np
from PIL import Image
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from extractors import pdf_stitch
from extractors.converters import Bounds, run_bounded
from extractors.errors import CorruptFile, EmptyFile, OcrUnavailable, ResourceLimit
from extractors.model import Block, Cell, Document, Paragraph, Table
from extractors.pdf_scan import NO_TEXT_LAYER
from extractors.tools import INSTALL, OCR_LANGS, Tool, missing_langs, ocr_missing
from schemas.enums import Format

log = logging.getLogger(__name__)

DEFAULT_OCR_DPI = 300
DEFAULT_OCR_MAX_PAGES = 20
DEFAULT_OCR_PAGE_TIMEOUT_S = 120.0
DEFAULT_OCR_TIME_BUDGET_S = 240.0  # stops (partial) before the pipeline kills a file at 300 s
DEFAULT_LOW_CONFIDENCE = 60.0
DEFAULT_MIN_WORD_CONF = 20.0  # words below it are dropped (stamps, shading, specks)
DEFAULT_MIN_INK = 0.004  # a cell with a smaller share of dark pixels is empty, not OCRed
MAX_PAGE_PIXELS = 25_000_000  # A3 at 300 dpi; ~35 bytes of RAM per pixel at peak
INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-rus"

Rect = tuple[int, int, int, int]  # first row, first col, last row, last col of a merged cell
Rects = tuple[Rect, ...]


class Word(NamedTuple):
    text: str
    conf: float
    image: int  # index of the image in a tesseract list run (0 for a single image)
    top: int
    key: tuple[int, int, int]  # block, paragraph, line


class Grid(NamedTuple):  # a ruled table on a page image: rule positions and merged cells
    ys: tuple[int, ...]
    xs: tuple[int, ...]
    rects: Rects


@functools.lru_cache(maxsize=1)
def ocr_unavailable() -> tuple[Tool, str] | None:
    """What OCR lacks on this machine (a missing program or language) and why, or None."""
    tool = ocr_missing()
    if tool is Tool.PDFTOPPM:
        return tool, f"pdftoppm is not installed; install it: {INSTALL[tool]}"
    if tool is Tool.TESSERACT:
        return tool, f"tesseract is not installed; install it: {INSTALL_HINT}"
    if tool is Tool.TESSERACT_LANGS:
        return tool, (f"tesseract lacks the {'+'.join(missing_langs())} language data; "
                      f"install: {INSTALL_HINT}")
    return None


def _box_sum(a: np.ndarray, r: int, axis: int) -> np.ndarray:
    """Sum over a window of ``2r + 1`` along ``axis`` (clipped at the borders)."""
    c = np.cumsum(a, axis=axis, dtype=np.int32)
    c = np.concatenate([np.zeros_like(np.take(c, [0], axis=axis)), c], axis=axis)
    n = np.arange(a.shape[axis])
    return np.take(c, np.minimum(n + r + 1, len(n)), axis=axis) - np.take(
        c, np.maximum(n - r, 0), axis=axis)


def dark_mask(img: np.ndarray, radius: int = 15, contrast: int = 25) -> np.ndarray:
    """Pixels darker than their neighbourhood mean by ``contrast``: ink on white and on
    shaded rows alike, where one global threshold takes the shading for ink."""
    f = img.astype(np.int32)
    total = _box_sum(_box_sum(f, radius, 0), radius, 1)
    area = np.outer(*(_box_sum(np.ones(n, np.int32), radius, 0) for n in f.shape))
    return f * area < total - contrast * area


def _run_mask(dark: np.ndarray, length: int) -> np.ndarray:
    """Dark pixels lying on a horizontal run of ``length`` (90 % filled, 1 px of slant)."""
    if dark.shape[1] <= length:
        return np.zeros_like(dark)
    thick = dark | np.roll(dark, 1, axis=0) | np.roll(dark, -1, axis=0)
    half = length // 2
    full = _box_sum(thick.astype(np.int32), half, 1) >= int(0.9 * (2 * half + 1))
    return (_box_sum(full.astype(np.int32), half, 1) > 0) & dark


def _segments(mask: np.ndarray, min_len: int, max_thick: int) -> list[tuple[int, int, int]]:
    """Horizontal line segments (y, x0, x1) of a run mask; thick bands (shading) are not lines."""
    rows = np.flatnonzero(mask.sum(axis=1) >= min_len)
    out: list[tuple[int, int, int]] = []
    for group in np.split(rows, np.flatnonzero(np.diff(rows) > 2) + 1) if rows.size else []:
        if group[-1] - group[0] + 1 > max_thick:
            continue
        cols = np.flatnonzero(mask[group[0]:group[-1] + 1].any(axis=0))
        for run in np.split(cols, np.flatnonzero(np.diff(cols) > min_len // 4) + 1):
            if run.size and run[-1] - run[0] + 1 >= min_len:
                out.append((int(group.mean()), int(run[0]), int(run[-1])))
    return out


def _cluster(values: list[int], tol: int) -> tuple[int, ...]:
    v = np.sort(np.asarray(values))
    return tuple(int(g.mean()) for g in np.split(v, np.flatnonzero(np.diff(v) > tol) + 1))


def _roots(n: int, pairs: Iterable[tuple[int, int]]) -> list[int]:
    """Connected components (union-find): the root of each of ``n`` items."""
    parent = list(range(n))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for a, b in pairs:
        parent[find(a)] = find(b)
    return [find(i) for i in range(n)]


def _merged_rects(ys: tuple[int, ...], xs: tuple[int, ...], dark: np.ndarray, tol: int) -> Rects:
    """Grid cells joined where their separating rule is missing, as bounding rectangles."""
    nr, nc = len(ys) - 1, len(xs) - 1

    def covered(band: np.ndarray, axis: int) -> bool:
        return band.size > 0 and float(band.any(axis=axis).mean()) >= 0.75

    def gaps() -> Iterable[tuple[int, int]]:
        for r in range(nr):
            for c in range(nc):
                y, x = ys[r + 1] if r + 1 < nr else 0, xs[c + 1] if c + 1 < nc else 0
                if x and not covered(dark[ys[r] + tol:ys[r + 1] - tol, x - tol:x + tol], 1):
                    yield r * nc + c, r * nc + c + 1
                if y and not covered(dark[y - tol:y + tol, xs[c] + tol:xs[c + 1] - tol], 0):
                    yield r * nc + c, (r + 1) * nc + c

    members: dict[int, list[tuple[int, int]]] = {}
    for i, root in enumerate(_roots(nr * nc, gaps())):
        members.setdefault(root, []).append(divmod(i, nc))
    return tuple(sorted({(min(r for r, _ in ms), min(c for _, c in ms), max(r for r, _ in ms),
                          max(c for _, c in ms)) for ms in members.values()}))


def find_grids(dark: np.ndarray, dpi: int) -> tuple[list[Grid], np.ndarray]:
    """Ruled tables of a page (rules touching at least two crossing rules, grouped into
    connected tables) and the mask of all rule pixels."""
    min_len = max(dark.shape[1] // 25, dpi // 3)
    hmask, vmask = _run_mask(dark, min_len), _run_mask(dark.T, min_len).T
    max_thick, tol = max(4, dpi // 20), max(4, dpi // 25)
    hs = _segments(hmask, min_len, max_thick)
    vs = _segments(vmask.T, min_len, max_thick)  # (x, y0, y1)

    def touch(h: tuple[int, int, int], v: tuple[int, int, int]) -> bool:
        return h[1] - tol <= v[0] <= h[2] + tol and v[1] - tol <= h[0] <= v[2] + tol

    for _ in range(2):  # underlines and signature lines cross no rule
        hs = [a for a in hs if sum(touch(a, b) for b in vs) >= 2]
        vs = [b for b in vs if sum(touch(a, b) for a in hs) >= 2]
    pairs = ((i, len(hs) + j) for i, a in enumerate(hs) for j, b in enumerate(vs) if touch(a, b))
    groups: dict[int, tuple[list[int], list[int]]] = {}
    for k, (root, seg) in enumerate(zip(_roots(len(hs) + len(vs), pairs), hs + vs, strict=True)):
        groups.setdefault(root, ([], []))[k >= len(hs)].append(seg[0])
    grids = []
    for ys_raw, xs_raw in groups.values():
        ys, xs = _cluster(ys_raw, tol), _cluster(xs_raw, tol)
        if len(ys) >= 2 and len(xs) >= 2:
            grids.append(Grid(ys, xs, _merged_rects(ys, xs, dark, tol)))
    return sorted(grids, key=lambda g: g.ys[0]), hmask | vmask


def text_lines(ink: np.ndarray) -> list[tuple[int, int]]:
    """Row ranges of the text lines in a cell, from its ink profile (one strip per line, for
    tesseract's single-line mode, which reads short cells that block mode skips)."""
    profile = ink.sum(axis=1)
    rows = np.flatnonzero(profile >= max(2, 0.1 * profile.max(initial=0)))  # descenders are thin
    bands = [[int(b[0]), int(b[-1]) + 1]
             for b in np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1) if b.size]
    if not bands:
        return []
    tall = max(b[1] - b[0] for b in bands)
    merged: list[list[int]] = []
    for band in bands:
        if merged and band[0] - merged[-1][1] <= max(2, tall // 4):
            merged[-1][1] = band[1]
        else:
            merged.append(band)
    lines: list[list[int]] = []
    for i, band in enumerate(merged):  # a lone mark (comma, dash) joins the line above,
        if band[1] - band[0] >= max(4, tall // 3) or len(merged) == 1:  # or the next one
            lines.append(band)
        elif lines:
            lines[-1][1] = band[1]
        else:
            merged[i + 1][0] = band[0]
    margin = max(2, tall // 3)
    return [(max(0, a - margin), min(ink.shape[0], b + margin)) for a, b in lines]


def _tesseract(image: Path, psm: int, path: Path, bounds: Bounds) -> list[Word]:
    """Words (TSV level 5) tesseract reads in an image or a list of images."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # its OpenMP threads thrash under load
    cmd = ["tesseract", str(image), "-", "-l", OCR_LANGS, "--psm", str(psm), "tsv"]
    rc, out, err = run_bounded(cmd, path, bounds.timeout_s, "tesseract", env=env,
                               memory_mb=bounds.memory_mb)
    if rc != 0:
        raise CorruptFile(str(path), f"tesseract failed: {err.decode('utf-8', 'replace')[-300:]}")
    rows = (line.split("\t", 11) for line in out.decode("utf-8", "replace").splitlines()[1:])
    return [Word(f[11].strip(), float(f[10]), int(f[1]) - 1, int(f[7]),
                 (int(f[2]), int(f[3]), int(f[4])))
            for f in rows if len(f) == 12 and f[0] == "5" and f[11].strip()]


def _join(words: list[Word]) -> str:
    """Text of confident words, lines joined with spaces (cell and paragraph wraps) and
    ``обра-`` + ``зования`` mended."""
    lines: dict[tuple[int, tuple[int, int, int]], list[str]] = {}
    for wd in words:
        if wd.conf >= DEFAULT_MIN_WORD_CONF:
            lines.setdefault((wd.image, wd.key), []).append(wd.text)
    text = ""
    for part in (" ".join(ws) for ws in lines.values()):
        hyphen = text.endswith("-") and part[:1].islower()
        text = text[:-1] + part if hyphen else f"{text} {part}".lstrip()
    return text


# page number, its blocks with their top pixel, and the confidence of every word read
_Page = tuple[int, list[tuple[int, "str | pdf_stitch.Fragment"]], list[float]]


def _cell_images(clean: np.ndarray, ink: np.ndarray, grids: list[Grid], dpi: int,
                 prefix: Path) -> list[tuple[tuple[int, Rect], str]]:
    """Write one padded image per text line of every non-empty cell; return (cell, file)."""
    inset, pad = max(3, dpi // 60), max(10, dpi // 15)
    out: list[tuple[tuple[int, Rect], str]] = []
    for g_i, grid in enumerate(grids):
        for rect in grid.rects:
            y0, y1 = grid.ys[rect[0]] + inset, grid.ys[rect[2] + 1] - inset
            x0, x1 = grid.xs[rect[1]] + inset, grid.xs[rect[3] + 1] - inset
            if y1 - y0 < 8 or x1 - x0 < 8 or ink[y0:y1, x0:x1].mean() < DEFAULT_MIN_INK:
                continue
            for ly0, ly1 in text_lines(ink[y0:y1, x0:x1]):
                crop = clean[y0 + ly0:y0 + ly1, x0:x1]
                padded = np.full((crop.shape[0] + 2 * pad, crop.shape[1] + 2 * pad),
                                 int(np.median(crop)), np.uint8)
                padded[pad:-pad, pad:-pad] = crop
                name = f"{prefix}_c{len(out)}.pgm"
                Image.fromarray(padded).save(name)
                out.append(((g_i, rect), name))
    return out


def _ocr_page(img: np.ndarray, page_no: int, dpi: int, tmp: Path, path: Path,
              bounds: Bounds) -> _Page:
    dark = dark_mask(img, radius=max(5, dpi // 20))
    grids, rules = find_grids(dark, dpi)
    ink = dark & ~rules
    clean = img.copy()
    clean[rules] = 255
    crops = _cell_images(clean, ink, grids, dpi, tmp / f"p{page_no}")
    confs: list[float] = []
    texts: dict[tuple[int, Rect], list[Word]] = {}
    if crops:
        listing = tmp / f"p{page_no}_cells.txt"
        listing.write_text("\n".join(name for _, name in crops) + "\n", encoding="utf-8")
        for wd in _tesseract(listing, 7, path, bounds):
            confs.append(wd.conf)
            texts.setdefault(crops[wd.image][0], []).append(wd)
    items: list[tuple[int, str | pdf_stitch.Fragment]] = []
    for g_i, grid in enumerate(grids):
        cells = tuple(Cell(r[0], r[1], _join(texts.get((g_i, r), [])), r[2] - r[0] + 1,
                           r[3] - r[1] + 1) for r in grid.rects)
        n_rows = len(grid.ys) - 1
        table = Table(n_rows, len(grid.xs) - 1, cells, "", row_pages=(page_no,) * n_rows)
        items.append((grid.ys[0], pdf_stitch.Fragment(
            table, page_no, tuple(x * 72.0 / dpi for x in grid.xs),
            first_on_page=g_i == 0, last_on_page=g_i == len(grids) - 1)))
        clean[grid.ys[0]:grid.ys[-1] + 1, grid.xs[0]:grid.xs[-1] + 1] = 255
        ink[grid.ys[0]:grid.ys[-1] + 1, grid.xs[0]:grid.xs[-1] + 1] = False
    if ink.mean() >= DEFAULT_MIN_INK / 10:  # text outside the tables
        Image.fromarray(clean).save(tmp / f"p{page_no}_text.pgm")
        words = _tesseract(tmp / f"p{page_no}_text.pgm", 3, path, bounds)
        confs += [wd.conf for wd in words]
        paras: dict[tuple[int, int], list[Word]] = {}
        for wd in words:
            paras.setdefault(wd.key[:2], []).append(wd)
        for ws in paras.values():
            text = _join(ws)
            if any(sum(ch.isalnum() for ch in tok) >= 3 for tok in text.split()):  # not specks
                items.append((ws[0].top, text))
    items.sort(key=lambda it: it[0])
    return page_no, items, confs


def _render(path: Path, page_no: int, dpi: int, tmp: Path, bounds: Bounds) -> np.ndarray:
    prefix = tmp / f"page{page_no}"
    cmd = ["pdftoppm", "-r", str(dpi), "-gray", "-f", str(page_no), "-l", str(page_no),
           "-singlefile", str(path), str(prefix)]
    rc, _, err = run_bounded(cmd, path, bounds.timeout_s, "pdftoppm", memory_mb=bounds.memory_mb)
    out = prefix.with_suffix(".pgm")
    if rc != 0 or not out.is_file():
        raise CorruptFile(str(path), f"page {page_no} cannot be rendered for OCR: "
                          f"{err.decode('utf-8', 'replace').strip()[-300:]}")
    img = np.asarray(Image.open(out).convert("L"))  # convert() loads, then closes the file
    out.unlink()
    return img


def _assemble(pages: list[_Page]) -> tuple[Block, ...]:
    heads = dict(pdf_stitch.stitch(
        [it for _, items, _ in pages for _, it in items if not isinstance(it, str)]))
    blocks: list[Block] = []
    frag_i = 0
    for page_no, items, _ in pages:
        n_par = 0
        for _, it in items:
            if isinstance(it, str):
                n_par += 1
                blocks.append(Paragraph(it, f"page {page_no} paragraph {n_par}", page=page_no))
                continue
            table = heads.get(frag_i)
            frag_i += 1
            if table is not None:
                n_tables = sum(isinstance(b, Table) for b in blocks) + 1
                blocks.append(replace(table, locator=f"table {n_tables}"))
    return tuple(blocks)


def ocr_pdf(
    path: Path, *, dpi: int = DEFAULT_OCR_DPI, max_pages: int = DEFAULT_OCR_MAX_PAGES,
    page_timeout_s: float = DEFAULT_OCR_PAGE_TIMEOUT_S,
    time_budget_s: float = DEFAULT_OCR_TIME_BUDGET_S, memory_mb: int | None = None,
    why: str = NO_TEXT_LAYER,
) -> Document:
    """Read a scanned PDF by OCR; warnings say ``OCR used; mean confidence NN%`` (plus ``low
    OCR confidence`` below 60, and pages skipped for the budgets), so the file is ``partial``.

    Raises:
        OcrUnavailable: tesseract (with Russian data) or pdftoppm is not installed (a
            ``NoTextLayer`` naming the missing tool).
        CorruptFile, ResourceLimit: no page could be rendered or read in time.
        EmptyFile: OCR found no text.
    """
    lacking = ocr_unavailable()
    if lacking is not None:
        raise OcrUnavailable(str(path), f"{why} and OCR is unavailable: {lacking[1]}",
                             lacking[0])
    try:
        reader = PdfReader(path, strict=False)
        areas = [float(p.mediabox.width * p.mediabox.height) / 72**2 for p in reader.pages]
    except (PyPdfError, OSError, ValueError, KeyError) as exc:
        raise CorruptFile(str(path), f"broken PDF, cannot prepare OCR: {exc}") from None
    n_pages = len(areas)  # resolution lowered where a page would exceed MAX_PAGE_PIXELS:
    dpis = [max(72, min(dpi, int((MAX_PAGE_PIXELS / max(a, 1.0)) ** 0.5))) for a in areas]
    warnings = [f"OCR limited to the first {max_pages} of {n_pages} pages"] * (n_pages > max_pages)
    pages: list[_Page] = []
    started, bounds = time.monotonic(), Bounds(page_timeout_s, memory_mb)
    failed: ResourceLimit | CorruptFile = ResourceLimit(str(path), "no page to read")
    with tempfile.TemporaryDirectory(prefix="natproj-ocr-") as tmp_name:
        for page_no, page_dpi in enumerate(dpis[:max_pages], start=1):
            if time.monotonic() - started > time_budget_s:
                warnings.append(f"OCR stopped before page {page_no} of {n_pages}: time budget "
                                f"{time_budget_s:g} s used up")
                break
            try:
                img = _render(path, page_no, page_dpi, Path(tmp_name), bounds)
                pages.append(_ocr_page(img, page_no, page_dpi, Path(tmp_name), path, bounds))
            except (ResourceLimit, CorruptFile) as exc:  # one bad page must not lose the others
                log.warning("%s: page %d: %s", path, page_no, exc.reason)
                warnings.append(f"page {page_no} was not read: {exc.reason}")
                failed = exc
    if not pages:
        raise type(failed)(str(path), "OCR could not read any page: " + "; ".join(warnings))
    blocks, confs = _assemble(pages), [c for _, _, page_confs in pages for c in page_confs]
    if not blocks or not confs:
        raise EmptyFile(str(path), "scanned PDF: OCR found no text on its pages")
    mean = sum(confs) / len(confs)
    warnings[:0] = [f"OCR used; mean confidence {mean:.0f}%"] + ["low OCR confidence"] * (
        mean < DEFAULT_LOW_CONFIDENCE)
    log.info("%s: OCR of %d page(s) in %.1f s, mean confidence %.0f%%",
             path, len(pages), time.monotonic() - started, mean)
    return Document(source=str(path), format=Format.PDF, blocks=blocks, pages=n_pages,
                    warnings=tuple(warnings))
