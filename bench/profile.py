"""Profile the pipeline (extract + interpret + normalise) on a list of files with pyinstrument.

Worker: ``python -m bench.profile FILES.json`` prints JSON: the top functions by self time and
the project's own functions by total time (recursion counted once). The full text profile is
written to ``bench/corpus/profile.txt`` (git-ignored).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.measure import ROOT

log = logging.getLogger(__name__)
OWN = ("extractors/", "pipeline/", "schemas/")
Key = tuple[str, str, int]


def _short(path: str) -> str:
    p = path.replace(str(ROOT) + "/", "")
    if "site-packages/" in p:
        p = p.split("site-packages/", 1)[1]
    return p


def _key(frame: Any) -> Key:
    return (frame.function or "?", _short(frame.file_path or "?"), frame.line_no or 0)


def _walk(root: Any, self_t: dict[Key, float], total_t: dict[Key, float]) -> None:
    """Self time per function, and total time counted once per recursion chain."""
    todo: list[tuple[Any, frozenset[Key]]] = [(root, frozenset())]
    while todo:
        frame, ancestors = todo.pop()
        key = _key(frame)
        real = [c for c in frame.children if not (c.function or "").startswith("[")]
        # pyinstrument keeps self time in synthetic "[self]" children
        self_t[key] += max(0.0, frame.time - sum(c.time for c in real))
        if key not in ancestors:
            total_t[key] += frame.time
        inner = ancestors | {key}
        todo.extend((c, inner) for c in real)


def profile_worker(files: list[Path], top: int = 15) -> dict[str, Any]:
    from pyinstrument import Profiler

    from pipeline.batch.run.discover import file_digest
    from pipeline.process import process_file
    from pipeline.sources import SourceFile

    logging.disable(logging.WARNING)
    path0 = files[0]
    process_file(SourceFile(path0, path0.name, "w", 0, 0.0))
    profiler = Profiler(interval=0.001)
    profiler.start()
    for path in files:
        st = path.stat()
        src = SourceFile(path, path.name, file_digest(path), st.st_size, st.st_mtime)
        process_file(src)  # a failing file is a failed row, not an exception
    session = profiler.stop()
    root = session.root_frame()
    self_t: dict[Key, float] = defaultdict(float)
    total_t: dict[Key, float] = defaultdict(float)
    if root is not None:
        _walk(root, self_t, total_t)
    duration = session.duration or 1.0
    text = profiler.output_text(unicode=True, color=False, show_all=False)
    out = ROOT / "bench" / "corpus" / "profile.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")

    def rows(items: dict[Key, float], keep: Any) -> list[dict[str, Any]]:
        ranked = sorted(((t, k) for k, t in items.items() if keep(k)), reverse=True)[:top]
        return [{"function": k[0], "where": f"{k[1]}:{k[2]}", "seconds": round(t, 3),
                 "share": round(t / duration, 4)} for t, k in ranked]

    return {
        "files": len(files), "duration_s": duration,
        "self": rows(self_t, lambda k: True),
        "own_total": rows(total_t, lambda k: k[1].startswith(OWN)),
        "text_path": str(out.relative_to(ROOT)),
    }


def run_profile(files: list[Path], timeout: float = 3600) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump([str(p) for p in files], fh)
        listing = fh.name
    try:
        proc = subprocess.run([sys.executable, "-m", "bench.profile", listing], cwd=ROOT,
                              capture_output=True, text=True, timeout=timeout)
    finally:
        os.unlink(listing)
    if proc.returncode != 0:
        return {"failed": " / ".join(proc.stderr.strip().splitlines()[-3:])}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> int:
    files = [Path(p) for p in json.loads(Path(argv[0]).read_text())]
    result = profile_worker(files)
    sys.stdout.flush()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
