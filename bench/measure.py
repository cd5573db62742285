"""Time one tool on a list of files in a fresh process: wall, CPU, peak RSS.

Worker: ``python -m bench.measure TOOL FMT FILES.json`` prints one JSON object. The import
and a warm-up call on the first file are timed apart from the loop over all files, for every
tool alike. CPU time counts the process and the children it waited for (``pdftotext``).
"""

from __future__ import annotations

import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[1]


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def peak_rss_mb() -> float:
    """Peak resident set of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(tool: str, fmt: str, files: list[Path]) -> dict[str, Any]:
    from bench.peers import BY_NAME

    logging.disable(logging.WARNING)  # peers' chatter must not cost time
    t0 = time.perf_counter()
    run = BY_NAME[tool].load(fmt)
    import_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    run(files[0])
    warmup_s = time.perf_counter() - t0
    tables = 0
    errors: list[str] = []
    c0, t0 = cpu_seconds(), time.perf_counter()
    for path in files:
        try:
            tables += run(path)
        except Exception as exc:  # a peer failing on a file is a result, not a crash
            errors.append(f"{path.name}: {type(exc).__name__}: {exc}"[:200])
    wall, cpu = time.perf_counter() - t0, cpu_seconds() - c0
    return {"tool": tool, "fmt": fmt, "files": len(files), "wall_s": wall, "cpu_s": cpu,
            "import_s": import_s, "warmup_s": warmup_s, "peak_rss_mb": peak_rss_mb(),
            "tables": tables, "errors": len(errors), "error_sample": errors[:3]}


def measure(tool: str, fmt: str, files: list[Path], timeout: float = 3600) -> dict[str, Any]:
    """Run the worker for ``tool`` on ``files`` in a new interpreter; its JSON result."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump([str(p) for p in files], fh)
        listing = fh.name
    env = {**os.environ, "DO_NOT_TRACK": "1", "PYTHONHASHSEED": "0",
           "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    try:
        proc = subprocess.run([sys.executable, "-m", "bench.measure", tool, fmt, listing],
                              cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"tool": tool, "fmt": fmt, "files": len(files), "failed": f"timeout {timeout}s"}
    finally:
        os.unlink(listing)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        return {"tool": tool, "fmt": fmt, "files": len(files), "failed": " / ".join(tail)}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> int:
    tool, fmt, listing = argv
    files = [Path(p) for p in json.loads(Path(listing).read_text())]
    result = worker(tool, fmt, files)
    sys.stdout.flush()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
