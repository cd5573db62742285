"""Batch benchmark: incremental re-runs, worker scaling and memory on 1,000 small files.

Usage: ``.venv/bin/python -m bench.bench_batch [--files 1000] [--small 200] [--json PATH]
[--memory-files 20000] [--memory-small 200] [--memory-only] [--corpora DIR]``

Generates a deterministic corpus (TXT notes and DOCX execution reports, see
``tests/pipeline/batch_corpus.py``), then runs ``python -m pipeline extract`` as a child
process and measures:

* the second run with nothing changed against the first (target: < 5 %),
* throughput with 2 workers against 1 (target: >= 1.7x on a 2-core machine),
* peak resident memory of the run and its workers for ``--small`` and ``--files`` files
  (target: no growth with the file count; ratio <= 1.25),
* the end-of-run memory: the main process's peak RSS of a whole run at ``--memory-small``
  and ``--memory-files`` files (target: ratio <= 1.2; ``bench/batch_memory.py``; 0 files
  skips it, ``--memory-only`` runs it alone and updates its section of the ``--md`` page).

Run times are the ``seconds`` of ``run_report.json`` (the run itself, without interpreter
start-up); wall times include start-up and are printed too. Throughput is files per second of
the processing phase (``timings.process``: after the one-off warm-up in which the parent loads
the vocabularies that the forked workers then share). The machine's load average is printed:
other processes on the machine take cores from the workers and skew the scaling figure.
Exit code 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.batch_memory import (  # noqa: E402
    memory_bench,
    memory_section,
    render_memory,
    update_section,
    wait_sampling,
)
from tests.pipeline.batch_corpus import write_corpus  # noqa: E402

log = logging.getLogger("bench_batch")

NOOP_MAX, SPEEDUP_MIN, MEMORY_GROWTH_MAX = 0.05, 1.7, 1.25
BUSY_LOAD = 1.0  # load average above which other work competes for a 2-core machine


@dataclass(frozen=True, slots=True)
class Measure:
    label: str
    files: int
    workers: int
    processed: int
    seconds: float
    process_s: float
    wall: float
    cpu: float  # user + system seconds of the run and its workers
    peak_rss_mb: float
    load: float

    @property
    def files_per_s(self) -> float:
        return self.processed / self.process_s if self.process_s else 0.0


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:  # a worker ended between listing and reading
            continue
    return total


def extract(label: str, folder: Path, out: Path, workers: int) -> Measure:
    """One ``python -m pipeline extract`` run, sampling the RSS of it and its workers."""
    cmd = [sys.executable, "-m", "pipeline", "extract", str(folder), "--out", str(out),
           "--workers", str(workers), "--progress", "none", "-q", "--commit-every", "200"]
    t0 = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL)
    code, peak = wait_sampling(proc, _tree_rss)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # includes the reaped workers
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if code not in (0, 1):  # 1: the run finished, some files failed
        raise RuntimeError(f"{label}: pipeline exited with {code}")
    report: dict[str, Any] = json.loads((out / "run_report.json").read_text(encoding="utf-8"))
    m = Measure(label, report["files_seen"], workers, report["processed"]["files"],
                report["seconds"], report["timings"].get("process", 0.0), round(wall, 3),
                round(cpu, 2), round(peak / 2**20, 1), round(os.getloadavg()[0], 2))
    log.info("%s: %d processed in %.2f s (processing %.2f s, wall %.2f s), %.1f files/s, "
             "peak RSS %.0f MiB, load %.1f", label, m.processed, m.seconds, m.process_s,
             m.wall, m.files_per_s, m.peak_rss_mb, m.load)
    return m


def _fresh(label: str, folder: Path, out: Path, workers: int) -> Measure:
    shutil.rmtree(out, ignore_errors=True)
    return extract(label, folder, out, workers)


def _fastest(runs: list[Measure]) -> Measure:
    """Other load on the machine only slows runs down: the fastest run is the truest."""
    return max(runs, key=lambda m: m.files_per_s)


def bench(root: Path, n_files: int, n_small: int, repeat: int = 5) -> dict[str, Any]:
    load_before = os.getloadavg()[0]
    if load_before > BUSY_LOAD:
        log.warning("the machine is busy (load average %.1f on %s CPUs): other processes take "
                    "cores from the workers, so the scaling figure understates", load_before,
                    psutil.cpu_count())
    big, small = root / "corpus", root / "corpus_small"
    t0 = time.perf_counter()
    write_corpus(big, n_files)
    write_corpus(small, n_small)
    log.info("generated %d + %d files in %.1f s", n_files, n_small, time.perf_counter() - t0)

    ones, twos = [], []
    for _ in range(repeat):  # interleaved, so a slow spell on the machine hits both counts
        ones.append(_fresh("1 worker, first run", big, root / "out1", 1))
        twos.append(_fresh("2 workers, first run", big, root / "out2", 2))
    one, two = _fastest(ones), _fastest(twos)
    noop = extract("1 worker, nothing changed", big, root / "out1", 1)
    mem_small = _fresh(f"2 workers, {n_small} files", small, root / "out_small", 2)
    ratios = {
        "noop_vs_first": round(noop.seconds / one.seconds, 4),
        "noop_vs_first_wall": round(noop.wall / one.wall, 4),
        "speedup_2_vs_1": round(two.files_per_s / one.files_per_s, 3),
        "speedup_2_vs_1_median_pair": round(statistics.median(
            b.files_per_s / a.files_per_s for a, b in zip(ones, twos, strict=True)), 3),
        "speedup_2_vs_1_whole_run": round(one.seconds / two.seconds, 3),
        "peak_rss_big_vs_small": round(two.peak_rss_mb / mem_small.peak_rss_mb, 3),
    }
    checks = {
        f"no-op run < {NOOP_MAX:.0%} of first": ratios["noop_vs_first"] < NOOP_MAX,
        f"2 workers >= {SPEEDUP_MIN}x 1 worker": ratios["speedup_2_vs_1"] >= SPEEDUP_MIN,
        f"peak memory {n_files} vs {n_small} files <= {MEMORY_GROWTH_MAX}x":
            ratios["peak_rss_big_vs_small"] <= MEMORY_GROWTH_MAX,
    }
    measures = [asdict(m) for m in (one, noop, two, mem_small)]
    return {"cpus": psutil.cpu_count(), "load_before": round(load_before, 2),
            "measures": measures, "ratios": ratios, "checks": checks}


def render(result: dict[str, Any]) -> str:
    lines = [f"{'run':28} {'files':>5} {'done':>5} {'run s':>6} {'proc s':>6} {'wall':>6} "
             f"{'cpu s':>6} {'files/s':>7} {'peak MiB':>8} {'load':>5}"]
    for m in result["measures"]:
        rate = m["processed"] / m["process_s"] if m["process_s"] else 0.0
        lines.append(f"{m['label']:28} {m['files']:>5} {m['processed']:>5} {m['seconds']:>6.2f} "
                     f"{m['process_s']:>6.2f} {m['wall']:>6.2f} {m['cpu']:>6.2f} {rate:>7.1f} "
                     f"{m['peak_rss_mb']:>8.0f} {m['load']:>5.1f}")
    lines += [f"{k}: {v}" for k, v in result["ratios"].items()]
    lines.append(f"cpus: {result['cpus']}, load average before: {result['load_before']}")
    lines += [f"[{'ok' if ok else 'MISSED'}] {k}" for k, ok in result["checks"].items()]
    if "memory" in result:
        lines += ["end-of-run memory (main process):", render_memory(result["memory"])]
    return "\n".join(lines)


def markdown(result: dict[str, Any], args: argparse.Namespace) -> str:
    """The results as a page (``make bench-batch`` writes ``bench/BATCH_RESULTS.md``)."""
    return "\n".join([
        "# Batch benchmark: incremental re-run, worker scaling, memory", "",
        f"Generated by `python -m bench.bench_batch --files {args.files} --small {args.small} "
        f"--repeat {args.repeat}` (`make bench-batch`) on "
        f"{dt.date.today().isoformat()}, {result['cpus']} CPUs, load average before "
        f"{result['load_before']}. Method: see the docstring of `bench/bench_batch.py`; the "
        "1- and 2-worker runs are interleaved and the fastest of each counts.", "",
        "```", render(result), "```", ""])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--small", type=int, default=200)
    parser.add_argument("--dir", type=Path, help="work folder to keep (default: a temporary one)")
    parser.add_argument("--repeat", type=int, default=5,
                        help="fresh runs per worker count, interleaved; the fastest counts "
                             "(default: 5)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--md", type=Path, help="also write the results here as Markdown")
    parser.add_argument("--memory-files", type=int, default=20_000,
                        help="end-of-run memory: the larger run (default 20000; 0 skips)")
    parser.add_argument("--memory-small", type=int, default=200,
                        help="end-of-run memory: the smaller run (default 200)")
    parser.add_argument("--memory-only", action="store_true",
                        help="only the end-of-run memory; --md gets its section updated")
    parser.add_argument("--corpora", type=Path,
                        help="folder of the memory runs' corpora c<N>, kept and reused "
                             "(default: in the work folder)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    with tempfile.TemporaryDirectory(prefix="bench_batch_") as tmp:
        root = args.dir or Path(tmp)
        memory = None
        if args.memory_files:
            memory = memory_bench(root, args.corpora or root, ROOT, args.memory_files,
                                  args.memory_small)
        if args.memory_only:
            return _memory_only(memory, args)
        result = bench(root, args.files, args.small, args.repeat)
    if memory is not None:
        result["memory"] = memory
        result["checks"][memory["check"]] = memory["ok"]
    sys.stdout.write(render(result) + "\n")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
    if args.md:
        args.md.write_text(markdown(result, args), encoding="utf-8")
        if memory is not None:
            update_section(args.md, memory_section(memory, _command(args)))
    return 0 if all(result["checks"].values()) else 1


def _command(args: argparse.Namespace) -> str:
    return (f"python -m bench.bench_batch --memory-files {args.memory_files} --memory-small "
            f"{args.memory_small}{' --memory-only' if args.memory_only else ''}")


def _memory_only(memory: dict[str, Any] | None, args: argparse.Namespace) -> int:
    if memory is None:
        log.error("--memory-only with --memory-files 0: nothing to measure")
        return 2
    sys.stdout.write(render_memory(memory) + "\n")
    if args.json:
        args.json.write_text(json.dumps(memory, indent=1), encoding="utf-8")
    if args.md:
        update_section(args.md, memory_section(memory, _command(args)))
    return 0 if memory["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
