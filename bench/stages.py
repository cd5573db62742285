"""Time per pipeline stage in one process, and the whole CLI run with its memory.

``stage_worker`` (run as ``python -m bench.stages FILES.json``) takes every file through
``pipeline.process.process_file`` — whose chain times its own steps (extract, interpret,
normalise, validate) — and ``pipeline.batch.load.write.write_rows`` in batches like the committer's
(write). It
records the process RSS every 50 files, to show whether memory grows with the corpus.

``cli_run`` runs ``python -m pipeline extract`` on a folder and samples the RSS of its whole
process tree (parent and workers) every 0.1 s.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.measure import ROOT, cpu_seconds, peak_rss_mb

log = logging.getLogger(__name__)
RSS_EVERY = 50


def _rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def _write_batch(out: Path, results: list[Any]) -> None:
    from pipeline.batch.load.write import write_rows

    tables: dict[str, list[dict[str, Any]]] = {"documents": [r.document for r in results]}
    for t in ("indicators", "activities", "finance"):
        tables[t] = [row for r in results for row in getattr(r, t)]
    for name, rows in tables.items():
        write_rows(out, name, rows)


def _commit_batch() -> int:
    try:
        from pipeline.batch.load.commit import DEFAULT_COMMIT_FILES
    except ImportError:
        return 200
    return int(DEFAULT_COMMIT_FILES)


def stage_worker(files: list[Path], batch: int = 0) -> dict[str, Any]:
    """Per-file stage times for ``files`` (format taken from the folder name)."""
    from pipeline.batch.run.discover import file_digest
    from pipeline.process import process_file
    from pipeline.sources import SourceFile

    batch = batch or _commit_batch()
    logging.disable(logging.WARNING)
    out = Path(tempfile.mkdtemp(prefix="bench-write-"))
    seen: set[str] = set()
    for path in files:  # warm-up: the first file of each format, not counted
        if path.parent.name not in seen:
            seen.add(path.parent.name)
            st = path.stat()
            process_file(SourceFile(path, path.name, "warmup", st.st_size, st.st_mtime))
    records: list[dict[str, Any]] = []
    pending: list[Any] = []
    write_s, rss = 0.0, [(0, _rss_mb())]
    c0, t_start = cpu_seconds(), time.perf_counter()
    for k, path in enumerate(files, 1):
        rec: dict[str, Any] = {"fmt": path.parent.name, "file": path.name}
        st = path.stat()
        src = SourceFile(path, f"{path.parent.name}/{path.name}", file_digest(path),
                         st.st_size, st.st_mtime)
        res = process_file(src)
        if res.document.get("status") == "failed":
            rec["error"] = str(res.document.get("error"))[:200]
            records.append(rec)
            continue
        steps = res.steps
        rec.update(extract_s=steps["extract"], interpret_s=steps["interpret"],
                   normalise_s=steps["normalise"], validate_s=steps["validate"],
                   pages=res.document.get("pages"), rows=sum(res.row_counts().values()))
        records.append(rec)
        pending.append(res)
        if len(pending) >= batch:
            t0 = time.perf_counter()
            _write_batch(out, pending)
            write_s += time.perf_counter() - t0
            pending.clear()
        if k % RSS_EVERY == 0:
            rss.append((k, _rss_mb()))
    if pending:
        t0 = time.perf_counter()
        _write_batch(out, pending)
        write_s += time.perf_counter() - t0
    wall, cpu = time.perf_counter() - t_start, cpu_seconds() - c0
    rss.append((len(files), _rss_mb()))
    shutil.rmtree(out, ignore_errors=True)
    return {"files": len(files), "wall_s": wall, "cpu_s": cpu, "write_s": write_s,
            "normalise_used": True, "peak_rss_mb": peak_rss_mb(), "rss_curve": rss,
            "records": records}


def run_stages(files: list[Path], timeout: float = 3600) -> dict[str, Any]:
    """``stage_worker`` in a fresh interpreter."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump([str(p) for p in files], fh)
        listing = fh.name
    try:
        proc = subprocess.run([sys.executable, "-m", "bench.stages", listing], cwd=ROOT,
                              capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, "PYTHONHASHSEED": "0"})
    finally:
        os.unlink(listing)
    if proc.returncode != 0:
        return {"failed": " / ".join(proc.stderr.strip().splitlines()[-3:])}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def cli_run(folder: Path, workers: int = 2, timeout: float = 3600) -> dict[str, Any]:
    """``python -m pipeline extract folder`` into a fresh output; wall time and tree RSS."""
    import psutil

    out = Path(tempfile.mkdtemp(prefix="bench-out-"))
    cmd = [sys.executable, "-m", "pipeline", "extract", str(folder), "--out", str(out),
           "--workers", str(workers), "--progress", "none", "-q"]
    peak_sum = peak_one = 0.0
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    parent = psutil.Process(proc.pid)
    while proc.poll() is None:
        if time.perf_counter() - t0 > timeout:
            proc.kill()
            break
        try:
            procs = [parent, *parent.children(recursive=True)]
            rss = [p.memory_info().rss / 2**20 for p in procs]
        except psutil.Error:
            rss = []
        if rss:
            peak_sum, peak_one = max(peak_sum, sum(rss)), max(peak_one, max(rss))
        time.sleep(0.1)
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - t0
    result: dict[str, Any] = {"wall_s": wall, "returncode": proc.returncode,
                              "peak_tree_rss_mb": peak_sum, "peak_process_rss_mb": peak_one,
                              "workers": workers}
    report = out / "run_report.json"
    if report.exists():
        data = json.loads(report.read_text())
        processed = data.get("processed") or {}
        result["by_status"] = processed.get("by_status")
        result["rows"] = processed.get("rows")
        result["timings"] = data.get("timings")
    if proc.returncode not in (0, 1):  # 1: finished, some files failed (counted in by_status)
        result["failed"] = " / ".join((stderr or stdout).strip().splitlines()[-3:])
    shutil.rmtree(out, ignore_errors=True)
    return result


def main(argv: list[str]) -> int:
    files = [Path(p) for p in json.loads(Path(argv[0]).read_text())]
    result = stage_worker(files)
    sys.stdout.flush()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
