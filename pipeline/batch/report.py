"""The run report: ``<out>/run_report.json`` for machines, ``run_report.html`` for people.

The HTML is one self-contained page; its charts are inline SVG, so it needs no plotting
library and opens from a mail attachment as well as from the output folder.
"""

from __future__ import annotations

import html
import json
import os
import statistics
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.batch.manifest import Manifest

REPORT_JSON = "run_report.json"
REPORT_HTML = "run_report.html"
SLOWEST = 10


@dataclass(frozen=True, slots=True)
class FileRecord:
    """What the run learned about one processed file."""

    rel_path: str
    format: str | None
    status: str
    error: str | None
    seconds: float
    rows: Mapping[str, int] = field(default_factory=dict)


def completion_by_project(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Per federal project: indicator rows, share with status done, median completion_pct."""
    groups: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for r in rows:
        groups[r.get("federal_project") or "(not stated)"].append(r)
    out = []
    for project, items in groups.items():
        with_status = [r for r in items if r.get("status")]
        done = sum(1 for r in with_status if r["status"] == "done")
        pcts = [r["completion_pct"] for r in items if r.get("completion_pct") is not None]
        out.append({
            "federal_project": project, "indicators": len(items),
            "with_status": len(with_status), "done": done,
            "share_done_pct": round(100.0 * done / len(with_status), 1) if with_status else None,
            "median_completion_pct": round(statistics.median(pcts), 1) if pcts else None,
        })
    return sorted(out, key=lambda d: (-d["indicators"], d["federal_project"]))


def _output_section(manifest: Manifest) -> dict[str, Any]:
    by_status: Counter[str] = Counter()
    by_format: dict[str, Counter[str]] = defaultdict(Counter)
    for e in manifest.entries.values():
        by_status[e.status] += 1
        by_format[e.format or "unknown"][e.status] += 1
    return {"files": len(manifest.entries), "by_status": dict(sorted(by_status.items())),
            "by_format": {k: dict(v) for k, v in sorted(by_format.items())},
            "rows": manifest.doc_rows()}


def build_report(run: Mapping[str, Any], records: Sequence[FileRecord], manifest: Manifest,
                 completion: list[dict[str, Any]]) -> dict[str, Any]:
    """Assemble the report dict from the run's facts, its file records and the output."""
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
        "completion_by_federal_project": completion,
    }


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_report(out: Path, report: Mapping[str, Any]) -> tuple[Path, Path]:
    """Write ``run_report.json`` and ``run_report.html`` into ``out`` (atomically)."""
    json_path, html_path = out / REPORT_JSON, out / REPORT_HTML
    _write_text(json_path, json.dumps(report, ensure_ascii=False, indent=1, default=str))
    _write_text(html_path, render_html(report))
    return json_path, html_path


def svg_bars(title: str, items: Sequence[tuple[str, float]], unit: str = "",
             max_value: float | None = None, color: str = "#4a7bb7") -> str:
    """A horizontal bar chart as an inline SVG element."""
    label_w, bar_w, row_h = 300, 320, 22
    height = 30 + row_h * max(len(items), 1)
    top = max_value or max((v for _, v in items), default=0) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 80}" '
             f'height="{height}" role="img" aria-label="{html.escape(title)}">',
             f'<text x="0" y="16" font-weight="bold">{html.escape(title)}</text>']
    if not items:
        parts.append('<text x="0" y="44" fill="#777">no data</text>')
    for i, (label, value) in enumerate(items):
        y = 26 + i * row_h
        w = max(0.0, min(value / top, 1.0)) * bar_w
        short = label if len(label) <= 44 else label[:43] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{html.escape(short)}'
            f'<title>{html.escape(label)}</title></text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" '
            f'fill="{color}"/><text x="{label_w + w + 4:.1f}" y="{y + 14}">'
            f'{value:g}{unit}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape('' if v is None else str(v))}</td>" for v in row)
        + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


CSS = """body{font:14px/1.4 sans-serif;margin:2em;max-width:1100px}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:2px 8px;
text-align:left;vertical-align:top}th{background:#f3f3f3}svg{font:12px sans-serif;display:block;
margin:1em 0}.num{font-size:1.6em;font-weight:bold}"""


def render_html(report: Mapping[str, Any]) -> str:
    """The report as one HTML page with inline SVG charts."""
    out, proc = report["output"], report["processed"]
    completion = report["completion_by_federal_project"]
    failed_by_format = [(fmt, float(c.get("failed", 0))) for fmt, c in out["by_format"].items()]
    charts = [
        svg_bars("Indicators done, % of those with a status, by federal project",
                 [(c["federal_project"], c["share_done_pct"]) for c in completion
                  if c["share_done_pct"] is not None][:25], unit="%", max_value=100.0),
        svg_bars("Files in the output by status",
                 [(k, float(v)) for k, v in out["by_status"].items()], color="#6a9f58"),
        svg_bars("Failed files in the output by format", failed_by_format, color="#c0504d"),
    ]
    facts = [("run", report.get("run_id")), ("finished", report.get("finished_at")),
             ("engine", f"{report.get('engine')} × {report.get('workers')}"),
             ("seconds", report.get("seconds")), ("files/s", report.get("files_per_s")),
             ("pipeline", report.get("pipeline_version")),
             ("schema", report.get("schema_version")), ("input", report.get("input"))]
    plan = report.get("plan", {})
    sections = [
        f"<h1>Extraction run {html.escape(str(report.get('run_id')))}</h1>",
        _table(["", ""], facts),
        "<h2>This run</h2>",
        _table(["files seen", "processed", "unchanged", "deleted", "other types skipped"],
               [[report.get("files_seen"), proc["files"], plan.get("unchanged", 0),
                 plan.get("deleted", 0), report.get("skipped")]]),
        _table(["format", *sorted({s for c in proc["by_format"].values() for s in c})],
               _matrix(proc["by_format"])),
        _table(["table", "rows written"], sorted(proc["rows"].items())),
        "<h2>The output</h2>",
        _table(["table", "rows"], sorted(out["rows"].items())),
        *charts,
        _table(["federal project", "indicators", "with status", "done", "done %",
                "median completion %"],
               [[c["federal_project"], c["indicators"], c["with_status"], c["done"],
                 c["share_done_pct"], c["median_completion_pct"]] for c in completion]),
        "<h2>Slowest files</h2>",
        _table(["file", "format", "status", "seconds"],
               [[s["path"], s["format"], s["status"], s["seconds"]] for s in report["slowest"]]),
        f"<h2>Files not ok in this run ({len(report['failures'])})</h2>",
        _table(["file", "format", "status", "reason"],
               [[f["path"], f["format"], f["status"], f["reason"]]
                for f in report["failures"]]),
    ]
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Extraction run report</title><style>{CSS}</style></head><body>"
            + "\n".join(sections) + "</body></html>\n")


def _matrix(by_format: Mapping[str, Mapping[str, int]]) -> list[list[Any]]:
    statuses = sorted({s for c in by_format.values() for s in c})
    return [[fmt, *(counts.get(s, 0) for s in statuses)] for fmt, counts in by_format.items()]


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
            f"{s['path']} {s['seconds']}s" for s in report["slowest"][:5]))
    for f in report["failures"][:20]:
        lines.append(f"  {f['status']}: {f['path']}: {f['reason']}")
    if len(report["failures"]) > 20:
        lines.append(f"  … and {len(report['failures']) - 20} more in run_report.json")
    return "\n".join(lines)
