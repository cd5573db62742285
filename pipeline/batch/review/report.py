"""The run report: ``<out>/run_report.json`` for machines, ``run_report.html`` for people
(``pipeline.batch.review.report_html``), and ``<out>/_runs.jsonl``, the last runs in short.

The HTML is one self-contained page rendered from a Jinja2 template; its charts are inline
SVG (bars drawn by the template, the series' targets against facts by matplotlib, offline), so
it loads nothing and opens from a mail attachment as well as from the output folder.
"""

from __future__ import annotations

import json
import logging
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.batch.load.manifest import Manifest
from pipeline.batch.load.storage import location, open_storage
from pipeline.batch.load.write import Out
from pipeline.batch.review.report_data import output_problems
from pipeline.batch.review.report_html import render_html
from pipeline.logs import printable

log = logging.getLogger(__name__)

REPORT_JSON = "run_report.json"
REPORT_HTML = "run_report.html"
RUNS_FILE = "_runs.jsonl"
SLOWEST = 10
HISTORY_KEEP = 10


@dataclass(frozen=True, slots=True)
class FileRecord:
    """What the run learned about one processed file."""

    rel_path: str
    format: str | None
    status: str
    error: str | None
    seconds: float
    rows: Mapping[str, int] = field(default_factory=dict)


def _output_section(manifest: Manifest) -> dict[str, Any]:
    by_status: Counter[str] = Counter()
    by_format: dict[str, Counter[str]] = defaultdict(Counter)
    for e in manifest.entries.values():
        by_status[e.status] += 1
        by_format[e.format or "unknown"][e.status] += 1
    return {"files": len(manifest.entries), "by_status": dict(sorted(by_status.items())),
            "by_format": {k: dict(v) for k, v in sorted(by_format.items())},
            "rows": manifest.doc_rows(), "problems": output_problems(manifest)}


def build_report(run: Mapping[str, Any], records: Sequence[FileRecord], manifest: Manifest,
                 data: Mapping[str, Any], review: Mapping[str, Any] | None = None,
                 history: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """Assemble the report dict from the run's facts, its file records, the output (its
    manifest and the data sections of ``report_data.output_data``), the review and the
    last runs."""
    by_format: dict[str, Counter[str]] = defaultdict(Counter)
    by_status: Counter[str] = Counter()
    rows: Counter[str] = Counter()
    for r in records:
        by_format[r.format or "unknown"][r.status] += 1
        by_status[r.status] += 1
        rows.update(r.rows)
    slowest = sorted(records, key=lambda r: -r.seconds)[:SLOWEST]
    failures = [r for r in records if r.status != "ok"]
    seconds = float(run.get("seconds") or 0.0)
    return {
        **run,
        "files_per_s": round(len(records) / seconds, 3) if seconds > 0 else None,
        "processed": {
            "files": len(records), "by_status": dict(sorted(by_status.items())),
            "by_format": {k: dict(v) for k, v in sorted(by_format.items())},
            "rows": dict(sorted(rows.items())),
        },
        "slowest": [{"path": r.rel_path, "format": r.format, "status": r.status,
                     "seconds": round(r.seconds, 3)} for r in slowest],
        "failures": [{"path": r.rel_path, "format": r.format, "status": r.status,
                      "reason": r.error} for r in sorted(failures, key=lambda r: r.rel_path)],
        "output": _output_section(manifest),
        **data,
        "review": dict(review or {}),
        "history": list(history),
    }


def history_entry(report: Mapping[str, Any]) -> dict[str, Any]:
    """The run in one line of ``_runs.jsonl``."""
    proc = report["processed"]
    return {"run_id": report.get("run_id"), "finished_at": report.get("finished_at"),
            "seconds": report.get("seconds"), "files_seen": report.get("files_seen"),
            "processed": proc["files"], "by_status": proc["by_status"],
            "plan": report.get("plan", {})}


def load_history(out: Out) -> list[dict[str, Any]]:
    """The last runs recorded in ``<out>/_runs.jsonl``, oldest first (bad lines skipped)."""
    try:
        lines = open_storage(out).read_bytes(RUNS_FILE).decode("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    runs = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict):
            runs.append(entry)
    return runs[-HISTORY_KEEP:]


def record_history(out: Out, entry: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Add ``entry`` to ``_runs.jsonl``, keeping the last ``HISTORY_KEEP`` runs; the runs."""
    runs = [*load_history(out), dict(entry)][-HISTORY_KEEP:]
    open_storage(out).put(RUNS_FILE, "".join(
        json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in runs).encode("utf-8"))
    return runs


def write_report(out: Out, report: Mapping[str, Any]) -> tuple[str, str]:
    """Write ``run_report.json`` and ``run_report.html`` into ``out``, a folder or any storage
    (each put whole: a reader never sees half a report); their locations."""
    storage = open_storage(out)
    storage.put(REPORT_JSON, json.dumps(report, ensure_ascii=False, indent=1,
                                        default=str).encode("utf-8"))
    storage.put(REPORT_HTML, render_html(report).encode("utf-8"))
    return location(storage, REPORT_JSON), location(storage, REPORT_HTML)


def format_summary(report: Mapping[str, Any]) -> str:
    """A short plain-text summary for the terminal."""
    proc, out = report["processed"], report["output"]
    lines = [
        f"run {report.get('run_id')}: {report.get('files_seen')} file(s) seen, "
        f"{proc['files']} processed in {report.get('seconds')} s "
        f"({report.get('files_per_s') or 0} files/s); plan {report.get('plan')}",
        "processed by format and status: " + ", ".join(
            f"{fmt} {dict(c)}" for fmt, c in proc["by_format"].items()) if proc["files"]
        else "processed: nothing to do",
        "rows written: " + ", ".join(f"{k} {v}" for k, v in proc["rows"].items()),
        f"output: {out['files']} file(s) {out['by_status']}; rows "
        + ", ".join(f"{k} {v}" for k, v in out["rows"].items()),
    ]
    if report["slowest"]:
        lines.append("slowest: " + ", ".join(
            f"{printable(s['path'])} {s['seconds']}s" for s in report["slowest"][:5]))
    for f in report["failures"][:20]:  # names and reasons escaped: one line each
        lines.append(f"  {f['status']}: {printable(f['path'])}: {printable(f['reason'])}")
    if len(report["failures"]) > 20:
        lines.append(f"  … and {len(report['failures']) - 20} more in run_report.json")
    return "\n".join(lines)
