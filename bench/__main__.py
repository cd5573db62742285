"""``make bench``: generate the corpus, run every benchmark, write RESULTS.md and results.json.

Usage: ``.venv/bin/python -m bench [--quick] [--repeats N] [--peer-docs N] [--levels 100,1000]``

1. corpus (``bench.gen_corpus``, cached under ``bench/corpus/``): mixed sets of 100 and 1,000
   documents (report ``i`` as DOCX, PDF or TXT in turn) and the first ``--peer-docs`` reports
   in all three formats;
2. side by side (``bench.peers``, ``bench.measure``): ours, the floor, the bare libraries and the
   peer tools on the same files, each in a fresh process, in rotating order, ``--repeats``
   times; medians; XLSX on the workbooks of ``bench.gen_xlsx`` and the real ones
   (``--formats xlsx`` re-measures only those sets into the last results);
3. stages (``bench.stages``): extract / interpret / normalise / write per format, in one
   process, on each mixed set (``--repeats-large`` runs at the largest level);
4. whole pipeline (``python -m pipeline extract --workers 2``) on each mixed set, with the peak
   RSS of its process tree; in 3 and 4 the levels take turns, repeat by repeat;
5. profile (``bench.profile``, pyinstrument) on the smaller mixed set;
6. PDF tables on camelot's test suite (``bench.pdf_tables``): ours, and camelot without hints
   when it is installed; skipped when the suite's scoring tool is absent.
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import sys
import time
from pathlib import Path
from typing import Any

from bench.gen_corpus import DEFAULT_SEED, ROOT, ensure_corpus, mixed_format
from bench.pdf_tables import DEFAULT_TOOL, run_pdf_tables
from bench.peers import TOOLS
from bench.profile import run_profile
from bench.report import derive, render
from bench.suite import pipeline_runs, side_by_side, stage_runs

log = logging.getLogger("bench")
HERE = Path(__file__).resolve().parent


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true",
                    help="development run: levels 30,100, 10 peer documents, 2 repeats")
    ap.add_argument("--levels", help="mixed-set sizes (default 100,1000)")
    ap.add_argument("--peer-docs", type=int, help="reports per format side by side (default 30)")
    ap.add_argument("--repeats", type=int, help="runs per measurement, median (default 3)")
    ap.add_argument("--repeats-large", type=int, default=2,
                    help="runs at the largest level (default 2; levels take turns)")
    ap.add_argument("--workers", type=int, default=2, help="pipeline workers (default 2)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--skip", default="",
                    help="comma list of: peers,stages,pipeline,profile,pdf_tables")
    ap.add_argument("--peer-tables", type=Path, default=DEFAULT_TOOL,
                    help="the camelot suite's scoring tool "
                         "(default ../shared/tools/peer_tables.py)")
    ap.add_argument("--out", type=Path, default=HERE, help="folder of RESULTS.md/results.json")
    ap.add_argument("--render", action="store_true", help="only re-render RESULTS.md")
    ap.add_argument("--formats", default="",
                    help="comma list (pdf,docx,txt,xlsx): run only the side-by-side part for "
                         "these formats and update their sets in results.json and RESULTS.md")
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
    if args.formats:
        return _side_only(args, out_json, out_md)
    skip = set(filter(None, args.skip.split(",")))
    missing = [t.name for t in TOOLS if not t.available()]
    if missing:
        log.warning("peers not installed, left out: %s (the `bench` extra installs camelot, "
                    "markitdown, docx2python, docling-slim: pip install -e '.[bench]')",
                    ", ".join(missing))
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
    def reps(n: int) -> int:
        return args.repeats_large if n == largest and len(args.levels) > 1 else args.repeats

    if "stages" not in skip:
        results["stages"] = stage_runs(corpus, args.levels, reps)
    if "pipeline" not in skip:
        results["pipeline"] = pipeline_runs(corpus, args.levels, reps, args.workers)
    if "profile" not in skip:
        n = min(args.levels)
        results["profile"] = run_profile([corpus.path(i, mixed_format(i)) for i in range(n)])
    if "pdf_tables" not in skip:
        results["pdf_tables"] = run_pdf_tables(args.peer_tables)
    results["machine"]["load_after"] = _load()
    results["total_s"] = time.perf_counter() - t_all
    derive(results)
    out_json.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    out_md.write_text(render(results), encoding="utf-8")
    log.info("wrote %s and %s in %.0f s", out_md, out_json, results["total_s"])
    return 0


def _side_only(args: argparse.Namespace, out_json: Path, out_md: Path) -> int:
    """Side by side for ``--formats`` only, merged into the results of the last full run."""
    formats = tuple(f for f in args.formats.split(",") if f)
    results: dict[str, Any] = json.loads(out_json.read_text()) if out_json.exists() else {
        "config": {"levels": args.levels, "peer_docs": args.peer_docs, "repeats": args.repeats,
                   "repeats_large": args.repeats_large, "workers": args.workers,
                   "seed": args.seed, "quick": args.quick},
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": _cpus(), "load_before": _load()},
        "corpus_s": 0.0, "started": time.strftime("%Y-%m-%d %H:%M:%S"), "total_s": 0.0}
    t0 = time.perf_counter()
    load_before = _load()
    corpus = ensure_corpus(0, args.peer_docs if set(formats) - {"xlsx"} else 0, args.seed, ROOT)
    side = side_by_side(corpus, args.peer_docs, args.repeats, formats=formats)
    results.setdefault("side_by_side", {}).update(side)
    results.setdefault("updates", []).append({
        "sets": sorted(side), "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "repeats": args.repeats, "load_before": load_before, "load_after": _load(),
        "s": round(time.perf_counter() - t0, 1)})
    results["machine"].setdefault("load_after", _load())
    derive(results)
    out_json.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    out_md.write_text(render(results), encoding="utf-8")
    log.info("updated %s with %s", out_md, ", ".join(sorted(side)))
    return 0


def _cpus() -> int:
    import os

    return os.cpu_count() or 1


def _load() -> list[float]:
    import os

    return [round(x, 2) for x in os.getloadavg()]


if __name__ == "__main__":
    sys.exit(main())
