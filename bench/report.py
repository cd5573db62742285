"""Figures, ratios and targets from the benchmark results; RESULTS.md rendering."""

from __future__ import annotations

from typing import Any

from bench import pdf_tables

GIB_MB = 1024.0
LINEAR_TOLERANCE = 1.25  # time per document at the larger level <= 1.25x the smaller one's
FORMAT_NAMES = {"pdf": "PDF", "docx": "DOCX", "txt": "TXT", "pdf_real": "PDF (real reports)",
                "xlsx": "XLSX (generated)", "xlsx_real": "XLSX (real workbooks)"}
XLSX_TARGET = 3.0  # ours end to end at least this many times bare openpyxl (normal mode)
PDF_TARGET = 3.0  # ours end to end at least this many times bare pdfplumber's speed
DOCX_TARGET = 2.5  # ours end to end at least this many times bare python-docx row.cells
DOCX_DOCS_S = 200.0  # and at least this many DOCX documents per CPU second, one process


def _f(x: float | None, digits: int = 2) -> str:
    return "n/a" if x is None else f"{x:,.{digits}f}".replace(",", " ")


def _ratio(num: float | None, den: float | None) -> float | None:
    return num / den if num and den else None


def _levels(results: dict[str, Any], section: str) -> list[int]:
    return sorted(int(k) for k, v in results.get(section, {}).items() if "failed" not in v)


def _work(entry: dict[str, Any]) -> int | None:
    """Output rows (indicators, activities, finance) of a stages or pipeline entry."""
    rows = entry.get("rows")
    if isinstance(rows, dict):
        return sum(v for k, v in rows.items() if k != "documents") or None
    return rows if isinstance(rows, int) else None


def derive(results: dict[str, Any]) -> None:
    """Add ``ratios``, ``scaling`` and ``targets`` to ``results``."""
    side = results.get("side_by_side", {})
    ratios: dict[str, dict[str, Any]] = {}
    for fmt, block in side.items():
        ours = block["tools"].get("ours", {})
        ratios[fmt] = {}
        for name, t in block["tools"].items():
            if name == "ours" or "failed" in t or "failed" in ours:
                continue
            ratios[fmt][name] = {"cpu": _ratio(t["cpu_s"], ours["cpu_s"]),
                                 "wall": _ratio(t["wall_s"], ours["wall_s"])}
    results["ratios"] = ratios
    scaling: dict[str, Any] = {}
    for name, section, time_key, mem_key in (
            ("stages", "stages", "cpu_s", "peak_rss_mb"),
            ("pipeline", "pipeline", "cpu_s", "peak_tree_rss_mb"),
            ("pipeline_wall", "pipeline", "wall_s", "peak_process_rss_mb")):
        lv = _levels(results, section)
        if len(lv) >= 2:
            lo, hi = results[section][str(lv[0])], results[section][str(lv[-1])]
            if lo.get(time_key) is None:
                continue
            scaling[name] = {
                "docs_ratio": lv[-1] / lv[0],
                "time_ratio": _ratio(hi[time_key], lo[time_key]),
                "memory_ratio": _ratio(hi[mem_key], lo[mem_key]),
                "work_ratio": _ratio(_work(hi), _work(lo)),
                "time_key": time_key, "memory_key": mem_key, "levels": [lv[0], lv[-1]],
            }
    results["scaling"] = scaling
    results["targets"] = _targets(results, ratios, scaling)


def _targets(results: dict[str, Any], ratios: dict[str, Any], scaling: dict[str, Any]
             ) -> list[dict[str, Any]]:
    out = []
    for fmt in ("pdf", "pdf_real"):
        bare = ratios.get(fmt, {}).get("bare", {}).get("cpu")
        out.append({"target": f"{FORMAT_NAMES[fmt]}: ours end to end >= {PDF_TARGET:g}x the "
                              "speed of bare pdfplumber extract_tables() on the same PDFs",
                    "value": bare, "met": None if bare is None else bare >= PDF_TARGET,
                    "detail": f"ours is {_f(bare)}x pdfplumber's speed (CPU time)"})
    bare = ratios.get("docx", {}).get("bare", {}).get("cpu")
    docx_set = results.get("side_by_side", {}).get("docx", {})
    ours = docx_set.get("tools", {}).get("ours", {})
    rate = docx_set["files"] / ours["cpu_s"] if ours.get("cpu_s") and docx_set.get("files") \
        else None
    out.append({"target": f"DOCX: ours end to end >= {DOCX_TARGET:g}x the speed of bare "
                          f"python-docx row.cells and >= {DOCX_DOCS_S:g} docs/s (CPU, one process)",
                "value": bare,
                "met": None if bare is None or rate is None else (
                    bare >= DOCX_TARGET and rate >= DOCX_DOCS_S),
                "detail": f"ours is {_f(bare)}x python-docx's speed, {_f(rate, 0)} docs/s"})
    peers = {k: v["cpu"] for k, v in ratios.get("docx", {}).items()
             if results["side_by_side"]["docx"]["tools"][k]["kind"] == "peer"}
    slowest_win = min(peers.values(), default=None) if peers else None
    out.append({"target": "faster than every peer measured on DOCX",
                "value": slowest_win,
                "met": None if not peers else all(v is not None and v > 1 for v in peers.values()),
                "detail": ", ".join(f"{k} {_f(v)}x" for k, v in peers.items()) or "no peer ran"})
    out += _xlsx_targets(ratios)
    pipe = results.get("pipeline", {})
    lv = _levels(results, "pipeline")
    rss = pipe[str(lv[-1])]["peak_tree_rss_mb"] if lv else None
    out.append({"target": f"peak RSS < 1 GiB at {lv[-1] if lv else '?'} documents",
                "value": rss, "met": None if rss is None else rss < GIB_MB,
                "detail": f"{_f(rss, 0)} MB, whole process tree (parent + workers), RSS summed"})
    out.append(_linear_target(results, scaling))
    return out


def _xlsx_targets(ratios: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for fmt in ("xlsx", "xlsx_real"):
        if fmt not in ratios:
            continue
        bare = ratios[fmt].get("bare", {}).get("cpu")
        ro = ratios[fmt].get("bare-ro", {}).get("cpu")
        out.append({"target": f"{FORMAT_NAMES[fmt]}: ours end to end >= {XLSX_TARGET:g}x the "
                              "speed of bare openpyxl (normal mode, values + merged_cells)",
                    "value": bare, "met": None if bare is None else bare >= XLSX_TARGET,
                    "detail": f"ours is {_f(bare)}x openpyxl's speed (CPU time); "
                              f"{_f(ro)}x openpyxl read-only + <mergeCell> list"})
    return out


def _linear_target(results: dict[str, Any], scaling: dict[str, Any]) -> dict[str, Any]:
    """Linear (not super-linear): from the smaller to the larger set, CPU time per document of
    the whole pipeline and CPU time per output row in one process grow by at most the
    tolerance, and within the one-process run on the larger set the time per output row does
    not grow from its first half to its second. CPU time, because wall time on the shared
    machine swings by 2x between runs; per row, because the larger set's documents are not
    exactly as big on average as the smaller set's."""
    pipe, one = scaling.get("pipeline"), scaling.get("stages")
    per_doc = _ratio(pipe["time_ratio"], pipe["docs_ratio"]) if pipe else None
    per_row = _ratio(one["time_ratio"], one["work_ratio"]) if one else None
    lv = _levels(results, "stages")
    drift = results["stages"][str(lv[-1])].get("drift") if lv else None
    checks = [v for v in (per_doc, per_row, drift) if v is not None]
    sc = pipe or one
    detail = "needs two levels"
    if sc:
        detail = (f"{sc['levels'][0]} -> {sc['levels'][1]} documents: whole pipeline CPU per "
                  f"document x{_f(per_doc)}; one process CPU per output row x{_f(per_row)}; "
                  f"one process at {sc['levels'][1]}, second half ÷ first half per row "
                  f"x{_f(drift)} (each at most {LINEAR_TOLERANCE})")
    return {"target": "time linear in documents", "value": per_doc, "per_row": per_row,
            "drift": drift, "met": None if not checks else all(
                v <= LINEAR_TOLERANCE for v in checks), "detail": detail}


def _mark(met: bool | None) -> str:
    return {True: "**met**", False: "**not met**", None: "n/a"}[met]


def render(results: dict[str, Any]) -> str:
    cfg, machine = results["config"], results["machine"]
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `make bench` (`.venv/bin/python -m bench{' --quick' * cfg['quick']}`) "
        f"on {results['started']}: Python {machine['python']}, {machine['cpus']} CPUs, load "
        f"average {machine['load_before']} before and {machine['load_after']} after "
        f"(the machine is shared, so CPU time is the primary figure and wall time is shown "
        f"beside it). Every figure is the median of {cfg['repeats']} runs "
        f"({cfg['repeats_large']} at the largest level); each run is a fresh process and "
        f"tools take turns in rotating order. Import and a warm-up call on the first file are "
        f"excluded from the timed loop (import time is listed). Whole run: "
        f"{_f(results['total_s'] / 60, 1)} min (corpus check/generation "
        f"{_f(results['corpus_s'], 0)} s).",
        "",
        "Corpus (`bench/gen_corpus.py`, seed "
        f"{cfg['seed']}, cached in `bench/corpus/`): execution reports (two-row plan/fact "
        "headers, project column merged vertically), project passports (key/value table, "
        "year columns, finance by source) and road maps (start/end dates, statuses, section "
        "rows merged across), in Russian, written with python-docx; PDFs converted from them "
        "by LibreOffice in batches; TXT dumps with tab-separated table rows (every third one "
        "cp1251 with CRLF). A mixed set of n documents takes report i as DOCX, PDF, TXT in turn.",
        "",
    ]
    lines += _xlsx_corpus_md(results)
    lines += _targets_md(results)
    lines += _throughput_md(results)
    lines += _side_md(results)
    lines += _stages_md(results)
    lines += _pipeline_md(results)
    lines += _scaling_md(results)
    lines += _profile_md(results)
    lines += pdf_tables.render_md(results.get("pdf_tables"))
    lines += ["## How to run", "",
              "```sh",
              "make bench                              # default: levels 100 and 1,000",
              ".venv/bin/python -m bench --quick       # development: 30 and 100, 2 repeats",
              ".venv/bin/python -m bench --skip peers,profile --levels 100",
              ".venv/bin/python -m bench --render      # re-render this file from results.json",
              ".venv/bin/python -m bench.gen_corpus --n 1000 --all 30   # corpus only",
              "```", "",
              "Peers are not runtime dependencies: `pip install -e '.[bench]'` installs them "
              "(a peer that is not installed is left out of the tables).", ""]
    return "\n".join(lines)


def _xlsx_corpus_md(results: dict[str, Any]) -> list[str]:
    side = results.get("side_by_side", {})
    if "xlsx" not in side:
        return []
    lines = [
        "XLSX (`bench/gen_xlsx.py`, cached in `bench/corpus/seed*/xlsx/`): "
        f"{side['xlsx']['files']} workbooks written with openpyxl, strings moved to a shared "
        "string table and formulas given cached values as Excel writes them: passports (title "
        "and key/value rows merged across, indicators by year, finance by source under a "
        "merged band), plan/fact sheets (two header rows with merged bands, percent and date "
        "formats, a formula) and budget sheets (years split into sources); every third has "
        "~1000 formatted empty columns a row, as real Voronezh reports have. The real set is "
        "`../shared/corpus/real/xlsx`. For XLSX, *pages* are worksheets. *bare* is openpyxl's "
        "normal mode (`load_workbook(data_only=True)`, values by `iter_rows`, "
        "`merged_cells.ranges`), the only mode in which openpyxl itself gives the merged "
        "ranges; *bare-ro* is its read-only mode plus the `<mergeCell>` list read with lxml "
        "(our reader before `extractors/xlsx_xml.py`).", ""]
    absent = [p for p in ("pandas", "calamine", "markitdown", "docling")
              if p not in side["xlsx"]["tools"]]
    if absent:
        lines[-2] += (f" Not installed in this run, so not measured on XLSX: {', '.join(absent)}.")
    for u in results.get("updates", []):
        lines += [f"Sets {', '.join(u['sets'])} re-measured on {u['started']} "
                  f"(`python -m bench --formats ...`, {u['repeats']} runs, load average "
                  f"{u['load_before']} before and {u['load_after']} after); the other figures "
                  "are from the full run above.", ""]
    return lines


def _targets_md(results: dict[str, Any]) -> list[str]:
    lines = ["## Targets", "", "| target | result | measured |", "|---|---|---|"]
    for t in results.get("targets", []):
        lines.append(f"| {t['target']} | {_mark(t['met'])} | {t['detail']} |")
    return [*lines, ""]


def _throughput_md(results: dict[str, Any]) -> list[str]:
    side = results.get("side_by_side")
    if not side:
        return []
    xl = "xlsx" in side
    lines = ["## Throughput per format (ours, one process)", "",
             "extract + interpret + normalise, no writing; the first "
             f"{results['config']['peer_docs']} reports in each format. Pages are the pages of "
             "each report's PDF rendering (DOCX and TXT have none of their own).", "",
             "*× bare*: the bare library's CPU time ÷ ours (pdfplumber extract_tables(), "
             "python-docx row.cells" + (", openpyxl normal mode + merged_cells" if xl else "")
             + "; above 1: ours is faster); *÷ floor*: ours ÷ the floor's "
             "(pdftotext, zipfile + lxml text, read + decode" + (
                 ", zipfile + lxml parse of the sheets" if xl else "")
             + "; how many times the floor ours takes).", "",
             "| format | docs | pages | CPU s | docs/s (CPU) | pages/s (CPU) | wall s "
             "| docs/s (wall) | pages/s (wall) | × bare | ÷ floor |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for fmt, block in side.items():
        o = block["tools"].get("ours", {})
        if "failed" in o or not o:
            lines.append(f"| {FORMAT_NAMES[fmt]} | failed: {o.get('failed')} |")
            continue
        n, p = block["files"], block["pages"]
        r = results.get("ratios", {}).get(fmt, {})
        floor = r.get("floor", {}).get("cpu")
        lines.append(
            f"| {FORMAT_NAMES[fmt]} | {n} | {p} | {_f(o['cpu_s'])} | {_f(n / o['cpu_s'], 1)} | "
            f"{_f(p / o['cpu_s'], 1)} | {_f(o['wall_s'])} | {_f(n / o['wall_s'], 1)} | "
            f"{_f(p / o['wall_s'], 1)} | {_f(r.get('bare', {}).get('cpu'))} | "
            f"{_f(1 / floor if floor else None)} |")
    return [*lines, ""]


def _side_md(results: dict[str, Any]) -> list[str]:
    from bench.peers import tool_label

    side = results.get("side_by_side")
    if not side:
        return []
    lines = ["## Side by side (same files, same run)", "",
             "*ratio* = the tool's time ÷ ours, i.e. how many times faster ours is (above 1: "
             "ours is faster). *tables* = tables the tool returned for the last file set "
             "(ours joins tables split across pages, so it may find fewer than page-wise "
             "tools).", ""]
    for fmt, block in side.items():
        lines += [f"### {FORMAT_NAMES[fmt]}: {block['files']} files, {block['pages']} pages", "",
                  "| tool | kind | CPU s | wall s | docs/s (CPU) | ratio CPU | ratio wall "
                  "| tables | peak RSS MB | import s |", "|---" * 10 + "|"]
        ratios = results.get("ratios", {}).get(fmt, {})
        for name, t in block["tools"].items():
            label = tool_label(name, block.get("format", fmt))
            label += f" ({t['note']})" if t.get("note") else ""
            if "failed" in t:
                lines.append(f"| {label} | {t['kind']} | failed: {t['failed']} |||||||| ")
                continue
            r = ratios.get(name, {})
            err = f" ({t['errors']} errors)" if t.get("errors") else ""
            lines.append(
                f"| {label} | {t['kind']} | {_f(t['cpu_s'])} | {_f(t['wall_s'])} | "
                f"{_f(block['files'] / t['cpu_s'], 1)} | "
                f"{'1 (ours)' if name == 'ours' else _f(r.get('cpu'))} | "
                f"{'' if name == 'ours' else _f(r.get('wall'))} | {t['tables']}{err} | "
                f"{_f(t['peak_rss_mb'], 0)} | {_f(t['import_s'])} |")
        lines.append("")
    return lines


def _stages_md(results: dict[str, Any]) -> list[str]:
    st = results.get("stages")
    if not st:
        return []
    lines = ["## Time per stage (one process, mixed sets)", "",
             "CPU-bound stages timed by the chain of `pipeline.process.process_file` itself "
             "(extract, interpret, normalise: each a step of its own); *write* is "
             "`pipeline.batch.load.write.write_rows` in batches of the committer's size.", "",
             "| docs | format | files | extract s | interpret s | normalise s | ms/doc "
             "extract | ms/doc interpret | ms/doc normalise |", "|---" * 9 + "|"]
    for key, s in st.items():
        n = int(key)
        if "failed" in s:
            lines.append(f"| {n} | failed: {s['failed']} |||||||| ")
            continue
        for fmt, f in s["formats"].items():
            d = f["docs"] or 1
            norm = f["normalise_s"] if s["normalise_used"] else None
            lines.append(
                f"| {n} | {FORMAT_NAMES[fmt]} | {f['docs']:.0f} | {_f(f['extract_s'])} | "
                f"{_f(f['interpret_s'])} | {_f(norm)} | {_f(1000 * f['extract_s'] / d, 1)} | "
                f"{_f(1000 * f['interpret_s'] / d, 1)} | "
                f"{_f(None if norm is None else 1000 * norm / d, 1)} |")
        lines.append(f"| {n} | all | {n} | write {_f(s['write_s'])} s "
                     f"({_f(1000 * s['write_s'] / n, 1)} ms/doc) | total CPU "
                     f"{_f(s['cpu_s'])} s, wall {_f(s['wall_s'])} s | peak RSS "
                     f"{_f(s['peak_rss_mb'], 0)} MB ||||")
    return [*lines, ""]


def _pipeline_md(results: dict[str, Any]) -> list[str]:
    pipe = results.get("pipeline")
    if not pipe:
        return []
    lines = ["## Whole pipeline (`python -m pipeline extract --workers "
             f"{results['config']['workers']}`, fresh output)", "",
             "Wall time includes start-up, discovery, worker warm-up and Parquet commits; CPU is "
             "the process tree's. Peak RSS sampled every 0.1 s: the tree's sum (shared pages "
             "counted in every process, so an upper bound) and the largest single process.", "",
             "*process s* is the run report's processing phase (after start-up, discovery and "
             "worker warm-up).", "",
             "| docs | wall s | process s | docs/s (wall) | PDF pages/s (wall) | CPU s "
             "| docs/s (CPU) | peak tree RSS MB | peak process RSS MB | status |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for n, p in pipe.items():
        if "failed" in p:
            lines.append(f"| {n} | failed: {p['failed']} |||||||||")
            continue
        lines.append(
            f"| {n} | {_f(p['wall_s'], 1)} | {_f(p.get('process_s'), 1)} | "
            f"{_f(int(n) / p['wall_s'], 1)} | "
            f"{_f(p['pdf_pages'] / p['wall_s'], 1)} | {_f(p['cpu_s'], 1)} | "
            f"{_f(int(n) / p['cpu_s'], 1) if p['cpu_s'] else 'n/a'} | "
            f"{_f(p['peak_tree_rss_mb'], 0)} | {_f(p['peak_process_rss_mb'], 0)} | "
            f"{p.get('by_status')} |")
    return [*lines, ""]


def _scaling_md(results: dict[str, Any]) -> list[str]:
    sc = results.get("scaling")
    if not sc:
        return []
    lines = ["## Growth from the smaller to the larger set", "",
             "Linear time means the time ratio equals the documents ratio (fixed start-up costs "
             "make the whole pipeline's ratio smaller); flat memory means a memory ratio near 1. "
             "Per-row: time ratio ÷ ratio of output rows (the work done).", "",
             "| measured on | docs | time ratio | per-document time ratio | per-row time ratio "
             "| memory ratio |", "|---|---|---|---|---|---|"]
    names = {"stages": "one process (CPU time, process peak RSS)",
             "pipeline": "whole pipeline (CPU time of the tree, tree peak RSS)",
             "pipeline_wall": "whole pipeline (wall time: noisy on a shared machine; largest "
                              "process peak RSS)"}
    for key, s in sc.items():
        per_row = _ratio(s["time_ratio"], s.get("work_ratio"))
        lines.append(f"| {names[key]} | {s['levels'][0]} -> {s['levels'][1]} "
                     f"(x{_f(s['docs_ratio'], 0)}) | x{_f(s['time_ratio'])} | "
                     f"x{_f(_ratio(s['time_ratio'], s['docs_ratio']))} | "
                     f"{'x' + _f(per_row) if per_row else 'n/a'} | x{_f(s['memory_ratio'])} |")
    st = results.get("stages", {})
    drifts = [f"{n}: x{_f(v.get('drift'))}" for n, v in st.items() if "failed" not in v]
    if drifts:
        lines += ["", "Within each one-process run, time per output row of the second half of "
                  "the files ÷ the first half (above 1 would mean slowing down as the run goes "
                  "on): " + ", ".join(drifts) + "."]
    curve = results.get("stages", {}).get(str(max(map(int, results.get("stages", {"0": 0})))))
    if isinstance(curve, dict) and curve.get("rss_curve"):
        pts = ", ".join(f"{k}: {_f(v, 0)}" for k, v in curve["rss_curve"])
        lines += ["", f"RSS (MB) of the one-process run after n files: {pts}."]
    return [*lines, ""]


def _profile_md(results: dict[str, Any]) -> list[str]:
    prof = results.get("profile")
    if not prof:
        return []
    if "failed" in prof:
        return ["## Profile", "", f"failed: {prof['failed']}", ""]
    lines = ["## Profile (pyinstrument)", "",
             f"{prof['files']} files of the mixed set, {_f(prof['duration_s'], 1)} s; full tree "
             f"in `{prof['text_path']}`.", "", "Our functions by total time:", "",
             "| function | where | s | share |", "|---|---|---|---|"]
    lines += [f"| `{r['function']}` | {r['where']} | {_f(r['seconds'])} | "
              f"{_f(100 * r['share'], 1)} % |" for r in prof["own_total"]]
    lines += ["", "Functions by self time (any library):", "",
              "| function | where | s | share |", "|---|---|---|---|"]
    lines += [f"| `{r['function']}` | {r['where']} | {_f(r['seconds'])} | "
              f"{_f(100 * r['share'], 1)} % |" for r in prof["self"]]
    return [*lines, ""]
