"""PDF tables against a peer's own test suite: camelot's test cases, scored cell by cell.

Runs the scoring tool (``../shared/tools/peer_tables.py`` by default: 26 cases of camelot's
tests, PDFs and expected tables under ``../shared/peers/camelot``) in a fresh process, with
``--camelot`` when camelot-py is importable, and reads back its per-case scores (``--json``)
and its summary lines (averages by kind, CPU seconds). When the tool or its suite is absent
the section is skipped with the reason, so the bench runs anywhere.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger("bench")
ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TOOL = ROOT.parent / "shared" / "tools" / "peer_tables.py"
TIMEOUT_S = 1800

_MEAN = re.compile(r"^(lattice|stream|all) \((\d+)\): ours exact ([\d.]+), exact\+ ([\d.]+), "
                   r"bag ([\d.]+)(?:; camelot exact ([\d.]+), bag ([\d.]+))?$")
_CPU = re.compile(r"^CPU s: ours ([\d.]+)(?:, camelot ([\d.]+))?$")


def camelot_available() -> bool:
    return importlib.util.find_spec("camelot") is not None


def parse_summary(stdout: str) -> dict[str, Any]:
    """The averages by kind and the CPU seconds the tool prints after its cases."""
    means: dict[str, Any] = {}
    cpu: dict[str, float | None] = {"ours": None, "camelot": None}
    for line in stdout.splitlines():
        if m := _MEAN.match(line.strip()):
            kind, n, ex, exs, bag, cex, cbag = m.groups()
            ours = {"exact": float(ex), "exact_shifted": float(exs), "bag": float(bag)}
            means[kind] = {"cases": int(n), "ours": ours,
                           "camelot": ({"exact": float(cex), "bag": float(cbag)}
                                       if cex is not None and cbag is not None else None)}
        elif m := _CPU.match(line.strip()):
            cpu = {"ours": float(m.group(1)),
                   "camelot": float(m.group(2)) if m.group(2) else None}
    return {"means": means, "cpu_s": cpu}


def run_pdf_tables(tool: Path = DEFAULT_TOOL) -> dict[str, Any]:
    """Score our PDF tables (and camelot's, when installed) on the peer suite."""
    if not tool.exists():
        return {"skipped": f"scoring tool not found: {tool}"}
    with_camelot = camelot_available()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "cases.json"
        cmd = [sys.executable, str(tool), "--json", str(out)] + ["--camelot"] * with_camelot
        log.info("PDF tables on the camelot suite%s", " (camelot too)" * with_camelot)
        try:
            done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                                  timeout=TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            return {"skipped": f"the scoring tool ran over {TIMEOUT_S} s"}
        if done.returncode != 0 or not out.exists():
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            return {"skipped": f"the scoring tool failed: {tail[0][:200]}"}
        cases = json.loads(out.read_text(encoding="utf-8"))
    return {"camelot": with_camelot, "cases": cases, **parse_summary(done.stdout)}


def render_md(section: dict[str, Any] | None) -> list[str]:
    """The section of RESULTS.md: averages by kind, CPU, and every case."""
    lines = ["## PDF tables on camelot's test suite", ""]
    if not section:
        return [*lines, "Not run (`--skip pdf_tables`).", ""]
    if "skipped" in section:
        return [*lines, f"Skipped: {section['skipped']}.", ""]
    cam = section["camelot"]
    lines += ["Each case is a page of camelot's own tests and the table they expect; scores are "
              "shares of expected cells: *exact* at the same row and column, *exact+* at the "
              "best shift of up to 3 rows / 2 columns, *bag* anywhere in the table "
              "(`../shared/tools/peer_tables.py`). Camelot runs with the flavor and page only, "
              "no per-test hints" + ("." if cam else "; it is not installed here, so only ours "
                                     "is shown (`pip install camelot-py`)."), "",
              "| kind | cases | ours exact | ours exact+ | ours bag |"
              + (" camelot exact | camelot bag |" if cam else ""),
              "|---|---:|---:|---:|---:|" + ("---:|---:|" if cam else "")]
    for kind, m in section["means"].items():
        o = m["ours"]
        row = (f"| {kind} | {m['cases']} | {o['exact']:.2f} | {o['exact_shifted']:.2f} | "
               f"{o['bag']:.2f} |")
        if cam and m["camelot"]:
            row += f" {m['camelot']['exact']:.2f} | {m['camelot']['bag']:.2f} |"
        lines.append(row)
    cpu = section["cpu_s"]
    lines += ["", f"CPU seconds for the whole suite: ours {cpu['ours']}"
              + (f", camelot {cpu['camelot']}" if cpu.get("camelot") is not None else "") + ".",
              "", "| case | kind | expected | ours shape | exact | exact+ | bag |",
              "|---|---|---|---|---:|---:|---:|"]
    for c in section["cases"]:
        o = c["ours"]
        lines.append(f"| {c['case']} | {c['kind']} | {c['expected'][0]}x{c['expected'][1]} | "
                     f"{o['shape'][0]}x{o['shape'][1]} | {o['exact']:.2f} | "
                     f"{o['exact_shifted']:.2f} | {o['bag']:.2f} |")
    return [*lines, ""]
