"""The measurements of a benchmark run: side by side, stages, whole pipeline; medians."""

from __future__ import annotations

import logging
import resource
import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.gen_corpus import FORMATS, mixed_format
from bench.measure import measure
from bench.peers import TOOLS
from bench.stages import cli_run, run_stages

log = logging.getLogger("bench")


def _median(values: list[Any]) -> float | None:
    vals = [v for v in values if v is not None]
    return statistics.median(vals) if vals else None


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


REAL_PDF_DIR = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real" / "pdf"
"""Real reports with a text layer (scans, ``*scanned*``, are OCR's and left out)."""


def real_pdfs(folder: Path = REAL_PDF_DIR) -> list[Path]:
    return sorted(p for p in folder.glob("*.pdf") if "scanned" not in p.name)


def _pages(path: Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path)
    try:
        return len(doc)
    finally:
        doc.close()


def side_by_side(corpus: Any, n: int, repeats: int, real_dir: Path = REAL_PDF_DIR,
                 formats: tuple[str, ...] = ("pdf", "docx", "txt", "xlsx")) -> dict[str, Any]:
    """Every available tool on the first ``n`` reports of each format, the PDF tools on the
    real PDFs (set ``pdf_real``, when the folder is there), the XLSX tools on the generated
    workbooks and the real ones (``bench.gen_xlsx``); medians of runs."""
    out: dict[str, Any] = {}
    sets: list[tuple[str, str, list[Path], int]] = []
    for fmt in ("pdf", "docx", "txt"):
        if fmt not in formats:
            continue
        files = [corpus.path(i, fmt) for i in range(n)]
        sets.append((fmt, fmt, files, sum(corpus.pages[i] for i in range(n))))
    real = real_pdfs(real_dir) if "pdf" in formats else []
    if real:
        sets.append(("pdf_real", "pdf", real, sum(map(_pages, real))))
    elif "pdf" in formats:
        log.warning("no real PDFs under %s: the pdf_real set is left out", real_dir)
    if "xlsx" in formats:
        from bench.gen_xlsx import xlsx_sets

        sets += xlsx_sets(n, corpus.base.parent, int(corpus.base.name.removeprefix("seed")))
    for name, fmt, files, pages in sets:
        tools = [t for t in TOOLS if fmt in t.formats and t.available()]
        runs: dict[str, list[dict[str, Any]]] = {t.name: [] for t in tools}
        for rep in range(repeats):
            order = tools[rep % len(tools):] + tools[:rep % len(tools)]
            for tool in order:
                res = measure(tool.name, fmt, files)
                log.info("%s %s run %d: %s", name, tool.name, rep + 1,
                         res.get("failed") or f"{res['cpu_s']:.2f} s CPU, {res['wall_s']:.2f} s")
                runs[tool.name].append(res)
        out[name] = {
            "files": len(files), "pages": pages, "format": fmt,
            "tools": {t.name: _summary(runs[t.name], t.kind, t.note) for t in tools},
        }
    return out


def _summary(runs: list[dict[str, Any]], kind: str, note: str) -> dict[str, Any]:
    ok = [r for r in runs if "failed" not in r]
    if not ok:
        return {"kind": kind, "note": note, "failed": runs[-1].get("failed") if runs else "-"}
    return {
        "kind": kind, "note": note, "runs": len(ok),
        "cpu_s": _median([r["cpu_s"] for r in ok]), "wall_s": _median([r["wall_s"] for r in ok]),
        "cpu_all": [round(r["cpu_s"], 3) for r in ok],
        "import_s": _median([r["import_s"] for r in ok]),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in ok), "tables": ok[-1]["tables"],
        "errors": ok[-1]["errors"], "error_sample": ok[-1]["error_sample"],
    }


def interleaved(levels: list[int], reps: Callable[[int], int],
                run_one: Callable[[int, int], dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    """``run_one(n, rep)`` for every level and repeat, levels taking turns, so that a busy
    spell on the shared machine falls on every level alike."""
    runs: dict[int, list[dict[str, Any]]] = {n: [] for n in levels}
    for rep in range(max(reps(n) for n in levels)):
        for n in levels:
            if rep < reps(n):
                runs[n].append(run_one(n, rep))
    return runs


def stage_runs(corpus: Any, levels: list[int], reps: Callable[[int], int]
               ) -> dict[str, dict[str, Any]]:
    def one(n: int, rep: int) -> dict[str, Any]:
        res = run_stages([corpus.path(i, mixed_format(i)) for i in range(n)])
        log.info("stages n=%d run %d: %s", n, rep + 1,
                 res.get("failed") or f"{res['cpu_s']:.1f} s CPU, {res['wall_s']:.1f} s")
        return res

    runs = interleaved(levels, reps, one)
    return {str(n): _stage_summary(n, runs[n]) for n in levels}


def _drift(records: list[dict[str, Any]]) -> float | None:
    """Time per output row of the second half of the files ÷ that of the first half."""
    recs = [x for x in records if "error" not in x]
    half = len(recs) // 2

    def per_row(part: list[dict[str, Any]]) -> float | None:
        rows = sum(x["rows"] for x in part)
        t = sum(x["extract_s"] + x["interpret_s"] + x["normalise_s"] for x in part)
        return t / rows if rows else None

    first, second = per_row(recs[:half]), per_row(recs[half:])
    return second / first if first and second else None


def _stage_summary(n: int, runs: list[dict[str, Any]]) -> dict[str, Any]:
    ok = [r for r in runs if "failed" not in r]
    if not ok:
        return {"failed": runs[-1]["failed"]}
    per_fmt: dict[str, dict[str, Any]] = {}
    for fmt in FORMATS:
        cols: dict[str, list[float]] = {}
        for r in ok:
            recs = [x for x in r["records"] if x["fmt"] == fmt and "error" not in x]
            for stage in ("extract_s", "interpret_s", "normalise_s"):
                cols.setdefault(stage, []).append(sum(x[stage] for x in recs))
            cols.setdefault("docs", []).append(len(recs))
            cols.setdefault("pages", []).append(sum(x["pages"] or 0 for x in recs))
            cols.setdefault("errors", []).append(
                sum(1 for x in r["records"] if x["fmt"] == fmt and "error" in x))
        per_fmt[fmt] = {k: _median(v) for k, v in cols.items()}
    return {
        "files": n, "runs": len(ok), "formats": per_fmt,
        "write_s": _median([r["write_s"] for r in ok]),
        "cpu_s": _median([r["cpu_s"] for r in ok]), "wall_s": _median([r["wall_s"] for r in ok]),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in ok),
        "rss_curve": ok[-1]["rss_curve"], "normalise_used": ok[-1]["normalise_used"],
        "drift": _median([_drift(r["records"]) for r in ok]),
        "rows": sum(x.get("rows", 0) for x in ok[-1]["records"]),
        "cpu_all": [round(r["cpu_s"], 2) for r in ok],
    }


def pipeline_runs(corpus: Any, levels: list[int], reps: Callable[[int], int], workers: int
                  ) -> dict[str, dict[str, Any]]:
    folders = {n: corpus.link_set(f"mixed{n}", [corpus.path(i, mixed_format(i))
                                                for i in range(n)]) for n in levels}

    def one(n: int, rep: int) -> dict[str, Any]:
        c0 = _children_cpu()
        res = cli_run(folders[n], workers=workers)
        res["cpu_s"] = _children_cpu() - c0
        log.info("pipeline n=%d run %d: %s", n, rep + 1,
                 res.get("failed") or f"{res['wall_s']:.1f} s, {res['peak_tree_rss_mb']:.0f} MB")
        return res

    runs = interleaved(levels, reps, one)
    return {str(n): _pipeline_summary(corpus, n, runs[n], workers) for n in levels}


def _pipeline_summary(corpus: Any, n: int, runs: list[dict[str, Any]], workers: int
                      ) -> dict[str, Any]:
    ok = [r for r in runs if "failed" not in r]
    if not ok:
        return {"failed": runs[-1]["failed"]}
    return {
        "files": n, "runs": len(ok), "workers": workers,
        "pdf_pages": sum(corpus.pages[i] for i in range(n) if mixed_format(i) == "pdf"),
        "wall_s": _median([r["wall_s"] for r in ok]), "cpu_s": _median([r["cpu_s"] for r in ok]),
        "peak_tree_rss_mb": max(r["peak_tree_rss_mb"] for r in ok),
        "peak_process_rss_mb": max(r["peak_process_rss_mb"] for r in ok),
        "by_status": ok[-1].get("by_status"), "rows": ok[-1].get("rows"),
        "timings": ok[-1].get("timings"),
        "process_s": _median([(r.get("timings") or {}).get("process") for r in ok]),
        "wall_all": [round(r["wall_s"], 2) for r in ok],
    }
