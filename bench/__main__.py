"""``make bench``: generate the corpus, run every benchmark, write RESULTS.md and results.json.

Usage: ``.venv/bin/python -m bench [--quick] [--repeats N] [--peer-docs N] [--levels 100,1000]``

1. corpus (``bench.gen_corpus``, cached under ``bench/corpus/``): mixed sets of 100 and 1,000
   documents (report ``i`` as DOCX, PDF or TXT in turn) and the first ``--peer-docs`` reports
   in all three formats;
2. side by side (``bench.peers``, ``bench.measure``): ours, the floor, the bare libraries and the
   peer tools on the same files, each in a fresh process, in rotating order, ``--repeats``
   times; medians;
3. stages (``bench.stages``): extract / interpret / normalise / write per format, in one
   process, on each mixed set;
4. whole pipeline (``python -m pipeline extract --workers 2``) on each mixed set, with the peak
   RSS of its process tree;
5. profile (``bench.profile``, pyinstrument) on the smaller mixed set.
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bench.gen_corpus import DEFAULT_SEED, FORMATS, ROOT, ensure_corpus, mixed_format
from bench.measure import measure
from bench.peers import TOOLS
from bench.profile import run_profile
from bench.report import derive, render
from bench.stages import cli_run, run_stages

log = logging.getLogger("bench")
HERE = Path(__file__).resolve().parent


def _median(values: list[Any]) -> float | None:
    vals = [v for v in values if v is not None]
    return statistics.median(vals) if vals else None


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def side_by_side(corpus: Any, n: int, repeats: int) -> dict[str, Any]:
    """Every available tool on the first ``n`` reports of each format; medians of runs."""
    out: dict[str, Any] = {}
    for fmt in ("pdf", "docx", "txt"):
        files = [corpus.path(i, fmt) for i in range(n)]
        tools = [t for t in TOOLS if fmt in t.formats and t.available()]
        runs: dict[str, list[dict[str, Any]]] = {t.name: [] for t in tools}
        for rep in range(repeats):
            order = tools[rep % len(tools):] + tools[:rep % len(tools)]
            for tool in order:
                res = measure(tool.name, fmt, files)
                log.info("%s %s run %d: %s", fmt, tool.name, rep + 1,
                         res.get("failed") or f"{res['cpu_s']:.2f} s CPU, {res['wall_s']:.2f} s")
                runs[tool.name].append(res)
        out[fmt] = {
            "files": n, "pages": sum(corpus.pages[i] for i in range(n)),
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


def stages(corpus: Any, n: int, repeats: int) -> dict[str, Any]:
    files = [corpus.path(i, mixed_format(i)) for i in range(n)]
    runs = []
    for rep in range(repeats):
        res = run_stages(files)
        log.info("stages n=%d run %d: %s", n, rep + 1,
                 res.get("failed") or f"{res['cpu_s']:.1f} s CPU, {res['wall_s']:.1f} s")
        runs.append(res)
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
    }


def whole(corpus: Any, n: int, repeats: int, workers: int) -> dict[str, Any]:
    files = [corpus.path(i, mixed_format(i)) for i in range(n)]
    folder = corpus.link_set(f"mixed{n}", files)
    runs = []
    for rep in range(repeats):
        c0 = _children_cpu()
        res = cli_run(folder, workers=workers)
        res["cpu_s"] = _children_cpu() - c0
        log.info("pipeline n=%d run %d: %s", n, rep + 1,
                 res.get("failed") or f"{res['wall_s']:.1f} s, {res['peak_tree_rss_mb']:.0f} MB")
        runs.append(res)
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
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true",
                    help="development run: levels 30,100, 10 peer documents, 2 repeats")
    ap.add_argument("--levels", help="mixed-set sizes (default 100,1000)")
    ap.add_argument("--peer-docs", type=int, help="reports per format side by side (default 30)")
    ap.add_argument("--repeats", type=int, help="runs per measurement, median (default 3)")
    ap.add_argument("--repeats-large", type=int, default=1,
                    help="runs at the largest level (default 1)")
    ap.add_argument("--workers", type=int, default=2, help="pipeline workers (default 2)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--skip", default="", help="comma list of: peers,stages,pipeline,profile")
    ap.add_argument("--out", type=Path, default=HERE, help="folder of RESULTS.md/results.json")
    ap.add_argument("--render", action="store_true", help="only re-render RESULTS.md")
    args = ap.parse_args(argv)
    quick = args.quick
    args.levels = [int(x) for x in (args.levels or ("30,100" if quick else "100,1000")).split(",")]
    args.peer_docs = args.peer_docs or (10 if quick else 30)
    args.repeats = args.repeats or (2 if quick else 3)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    args.out.mkdir(parents=True, exist_ok=True)
    out_json, out_md = args.out / "results.json", args.out / "RESULTS.md"
    if args.render:
        out_md.write_text(render(json.loads(out_json.read_text())), encoding="utf-8")
        return 0
    skip = set(filter(None, args.skip.split(",")))
    missing = [t.name for t in TOOLS if not t.available()]
    if missing:
        log.warning("not installed, left out: %s (pip install -e '.[bench]')", ", ".join(missing))
    t_all = time.perf_counter()
    t0 = time.perf_counter()
    corpus = ensure_corpus(max(args.levels), args.peer_docs, args.seed, ROOT)
    results: dict[str, Any] = {
        "config": {"levels": args.levels, "peer_docs": args.peer_docs, "repeats": args.repeats,
                   "repeats_large": args.repeats_large, "workers": args.workers,
                   "seed": args.seed, "quick": args.quick},
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": _cpus(), "load_before": _load()},
        "corpus_s": time.perf_counter() - t0,
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    if "peers" not in skip:
        results["side_by_side"] = side_by_side(corpus, args.peer_docs, args.repeats)
    largest = max(args.levels)
    if "stages" not in skip:
        results["stages"] = {str(n): stages(corpus, n, _reps(args, n, largest))
                             for n in args.levels}
    if "pipeline" not in skip:
        results["pipeline"] = {str(n): whole(corpus, n, _reps(args, n, largest), args.workers)
                               for n in args.levels}
    if "profile" not in skip:
        n = min(args.levels)
        results["profile"] = run_profile([corpus.path(i, mixed_format(i)) for i in range(n)])
    results["machine"]["load_after"] = _load()
    results["total_s"] = time.perf_counter() - t_all
    derive(results)
    out_json.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    out_md.write_text(render(results), encoding="utf-8")
    log.info("wrote %s and %s in %.0f s", out_md, out_json, results["total_s"])
    return 0


def _reps(args: argparse.Namespace, n: int, largest: int) -> int:
    return args.repeats_large if n == largest and len(args.levels) > 1 else args.repeats


def _cpus() -> int:
    import os

    return os.cpu_count() or 1


def _load() -> list[float]:
    import os

    return [round(x, 2) for x in os.getloadavg()]


if __name__ == "__main__":
    sys.exit(main())
