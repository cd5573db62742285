"""``run_report.html``: the run report for the people who run the pipeline and read its data,
in Russian. Problems first (files failed or read in part, names to review, names outside the
catalog), then the data (completion by federal project and municipality, targets missed,
documents by type and year), then the series (its check flags with the worst cases, targets
against facts per municipality), then the run itself and the last runs.

One self-contained page rendered from the Jinja2 template ``templates/report.html.j2``
(shipped as package data) with autoescape on: every text from the data or the file system
(file names are hostile input) is escaped by Jinja2, and only the template's own markup and
the charts (inline SVG: the bars drawn by the template, the series charts by matplotlib,
``pipeline.batch.review.report_charts``) are markup. This module turns the report dict into the
template's rows and cells.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from pipeline.batch.review.report_charts import chart_svg
from pipeline.load import SERIES_FILE
from pipeline.normalise.review import REVIEW_FILE
from pipeline.texts_ru import FLAG_TEXT, TABLE_NAMES, UNITS, error_ru, locator_ru
from schemas.enums import DocStatus

TEMPLATE = "report.html.j2"
MACROS = "report_macros.html.j2"
STATUS_TEXT: dict[str, str] = {DocStatus.OK: "обработан", DocStatus.PARTIAL: "частично",
               DocStatus.FAILED: "ошибка"}
STATUS_COLOR: dict[str, str] = {DocStatus.OK: "#3f8f3a", DocStatus.PARTIAL: "#d08a00",
                DocStatus.FAILED: "#c0392b"}
DOC_TYPES = {"execution_report": "отчёт об исполнении", "explanatory_note":
             "пояснительная записка", "project_passport": "паспорт проекта",
             "roadmap_report": "отчёт по дорожной карте", "order": "приказ, постановление",
             "other": "другое"}
PLAN_TEXT = {"new": "новые", "changed": "изменённые", "unchanged": "без изменений",
             "deleted": "удалённые", "vocabulary": "словари изменились",
             "renormalise": "пересопоставлены", "retry": "повтор", "full": "полный",
             "row_decisions": "строки удалены по проверке",
             "restore": "строки восстановлены по проверке"}
COMPARATORS = {">=": "≥", "<=": "≤", "=": "="}
MAX_ROWS = 200  # rows of a long table shown; the JSON has them all
MUNICIPALITIES_SHOWN = 40
CSS = """body{font:14px/1.45 "DejaVu Sans",Arial,sans-serif;margin:1.5em 2em;max-width:1180px;
color:#222}h1{font-size:1.6em;margin:.2em 0}h2{margin-top:1.6em;border-bottom:2px solid #dde5f0}
h3{margin:1.2em 0 .3em}table{border-collapse:collapse;margin:.4em 0 1em}td,th{border:1px solid
#ccc;padding:3px 8px;text-align:left;vertical-align:top}thead th{background:#eef2f7}
table.facts th{background:#f6f6f6;font-weight:normal;color:#555}td.n{text-align:right;
white-space:nowrap}.nw{white-space:nowrap}svg{font:12px "DejaVu Sans",Arial,sans-serif;
display:block;margin:.6em 0}
.st{display:inline-block;padding:0 .5em;border-radius:3px;color:#fff;white-space:nowrap}
.st-ok{background:#3f8f3a}.st-partial{background:#d08a00}.st-failed{background:#c0392b}
.tiles{display:flex;gap:1em;margin:1em 0}.tile{border-radius:6px;padding:.5em 1em;
min-width:9em;color:#fff}.tile b{display:block;font-size:1.8em}.t-ok{background:#3f8f3a}
.t-partial{background:#d08a00}.t-failed{background:#c0392b}.t-review{background:#4a6fa5}
.t-all{background:#555}.good{color:#3f8f3a}.more,.note{color:#666}a{color:#2a5db0}
.charts{display:flex;flex-wrap:wrap;gap:.5em 1.5em}figure.chart{margin:0;width:280px}
figure.chart svg{width:270px;height:auto;margin:0}figcaption{font-size:12px;color:#444}"""


@dataclass(frozen=True, slots=True)
class Badge:
    """A status cell, drawn as a coloured badge."""

    status: str
    kind: str = "badge"


@dataclass(frozen=True, slots=True)
class Plan:
    """A planned value with its comparator (``≥ 2 230``)."""

    comparator: str | None
    value: object
    kind: str = "plan"


@dataclass(frozen=True, slots=True)
class Hint:
    """A text cell with another text shown on hover (the English reason under the Russian)."""

    text: str
    title: str | None = None
    kind: str = "hint"


def num(value: object) -> str:
    """A number the Russian way (``12 345``, ``97,5``); other values as text."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}".replace(",", " ").replace(".", ",")
    return f"{int(value):,}".replace(",", " ")


def _numeric(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@cache
def environment() -> Environment:
    """The report's Jinja2 environment: templates of this package, autoescape on."""
    env = Environment(loader=PackageLoader("pipeline.batch.review", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      keep_trailing_newline=True)
    env.filters.update(num=num, comparator=lambda c: COMPARATORS.get(c or "", ""),
                       status_text=lambda s: STATUS_TEXT.get(s, s))
    env.tests["numeric"] = _numeric
    return env


def svg_bars(title: str, items: Sequence[tuple[str, float]], unit: str = "",
             max_value: float | None = None, color: str = "#4a7bb7",
             colors: Sequence[str] | None = None) -> str:
    """A horizontal bar chart as an inline SVG element (``colors``: one per bar)."""
    return str(environment().get_template(MACROS).module.svg_bars(  # type: ignore[attr-defined]
        bar_chart(title, items, unit, max_value, color, colors)))


def bar_chart(title: str, items: Sequence[tuple[str, float]], unit: str = "",
              max_value: float | None = None, color: str = "#4a7bb7",
              colors: Sequence[str] | None = None) -> dict[str, Any]:
    """The geometry of a horizontal bar chart for the template's ``svg_bars``."""
    label_w, bar_w, row_h = 330, 320, 22
    top = max_value or max((v for _, v in items), default=0) or 1
    bars = []
    for i, (label, value) in enumerate(items):
        y = 26 + i * row_h
        w = max(0.0, min(value / top, 1.0)) * bar_w
        bars.append({"label": label, "short": label if len(label) <= 48 else label[:47] + "…",
                     "value": value, "fill": colors[i] if colors else color,
                     "text_y": y + 14, "rect_y": y + 3, "width": f"{w:.1f}",
                     "value_x": f"{label_w + w + 4:.1f}"})
    return {"title": title, "unit": unit, "bars": bars, "width": label_w + bar_w + 80,
            "height": 30 + row_h * max(len(items), 1), "label_x": label_w - 6,
            "bar_x": label_w, "bar_h": row_h - 6}


def _reason(text: str | None) -> Hint | None:
    return Hint(error_ru(text), text) if text else None


def _tiles(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    by_status = report["output"]["by_status"]
    review = report.get("review") or {}
    return [{"css": "t-all", "label": "файлов в выгрузке", "count": report["output"]["files"]},
            *({"css": f"t-{s}", "label": STATUS_TEXT[s], "count": by_status.get(s, 0)}
              for s in (DocStatus.OK, DocStatus.PARTIAL, DocStatus.FAILED)),
            {"css": "t-review", "label": "названий на проверку",
             "count": review.get("to_check", 0)}]


def _problems(report: Mapping[str, Any]) -> dict[str, Any]:
    problems = report["output"].get("problems", [])
    bars = [(f"{fmt}: {STATUS_TEXT[s]}", float(c[s]), STATUS_COLOR[s])
            for fmt, c in report["output"]["by_format"].items()
            for s in (DocStatus.FAILED, DocStatus.PARTIAL) if c.get(s)]
    review = dict(report.get("review") or {})
    outside = review.get("outside_catalog")
    return {
        "problems": [[p["path"], p["format"], Badge(p["status"]), _reason(p["reason"]),
                      p.get("run_seq")] for p in problems],
        # formats without problems are not drawn as bars at 0
        "problem_bars": bar_chart("Файлы с проблемами по формату",
                                  [(lbl, v) for lbl, v, _ in bars],
                                  colors=[c for _, _, c in bars]) if bars else None,
        "review": review, "review_file": REVIEW_FILE.as_posix(), "outside": outside,
        "outside_rows": [[s["name"], s["rows"]] for s in (outside or {}).get("sample", [])],
    }


def _completion_rows(rows: Sequence[Mapping[str, Any]], key: str) -> list[list[object]]:
    return [[c[key], c["indicators"], c["with_status"], c["done"], c["share_done_pct"],
             c["median_completion_pct"]] for c in rows]


def _data(report: Mapping[str, Any]) -> dict[str, Any]:
    fp = report.get("completion_by_federal_project", [])
    places = report.get("completion_by_municipality", [])
    bars = [(c["federal_project"], c["share_done_pct"]) for c in fp
            if c["share_done_pct"] is not None][:25]
    by_type_year = report.get("documents_by_type_year", [])
    years = sorted({r["year"] for r in by_type_year})
    cells: dict[str, dict[str, int]] = {}
    for r in by_type_year:
        cells.setdefault(r["doc_type"], {})[r["year"]] = r["documents"]
    return {
        "done_bars": bar_chart("Выполнено показателей, % от имеющих статус, по федеральным "
                               "проектам", bars, unit="%", max_value=100.0),
        "completion": [
            {"title": "Исполнение по федеральным проектам", "column": "Федеральный проект",
             "rows": _completion_rows(fp, "federal_project")},
            {"title": "Исполнение по муниципалитетам", "column": "Муниципалитет",
             "rows": _completion_rows(places[:MUNICIPALITIES_SHOWN], "municipality")}],
        "places_total": len(places), "places_shown": MUNICIPALITIES_SHOWN,
        "missed": [[m["indicator"], m["municipality"], m["file"], str(m["year"]),
                    Plan(m["comparator"], m["planned"]), m["actual"],
                    UNITS.get(m["unit"], m["unit"]), m["execution_pct"]]
                   for m in report.get("missed_indicators", [])],
        "type_years": years,
        "by_type_year": [[DOC_TYPES.get(t, t), *(c.get(y, 0) for y in years),
                          sum(c.values())] for t, c in sorted(cells.items())],
        "output_rows": _table_rows(report["output"]["rows"]),
    }


def _table_rows(rows: Mapping[str, int]) -> list[list[object]]:
    return [[TABLE_NAMES.get(t, t), n] for t, n in sorted(rows.items())]


def _series(report: Mapping[str, Any]) -> dict[str, Any]:
    checks = report.get("series_checks")
    if not checks:
        return {"series": None, "series_file": SERIES_FILE}
    flags = checks.get("flags", {})
    worst = [{"title": FLAG_TEXT.get(f, (f, ""))[0].capitalize(), "count": n,
              "rows": [_worst_row(r) for r in checks.get("worst", {}).get(f, [])]}
             for f, n in flags.items() if n]
    charts: list[dict[str, Any]] = []
    for i, c in enumerate(checks.get("charts", [])):
        if not charts or charts[-1]["place"] != c["place"]:
            charts.append({"place": c["place"], "municipality": c["municipality"],
                           "charts": []})
        charts[-1]["charts"].append({
            "svg": Markup(chart_svg(c["years"], f"s{i}-")),
            "indicator": c["indicator"] or c["indicator_key"],
            "unit": UNITS.get(c["unit"], c["unit"]) if c["unit"] else None})
    return {"series": checks, "series_file": SERIES_FILE, "worst": worst, "charts": charts,
            "flag_rows": [[*FLAG_TEXT.get(f, (f, ""))[:1], n, FLAG_TEXT.get(f, (f, ""))[1]]
                          for f, n in flags.items()]}


def _worst_row(r: Mapping[str, Any]) -> list[object]:
    return [r["municipality"], r["indicator"], str(r["year"]),
            Plan(r["target_comparator"], r["target_value"])
            if r["target_value"] is not None else None,
            r["planned_value"], r["actual_value"], UNITS.get(r["unit"], r["unit"]),
            ", ".join(FLAG_TEXT.get(f, (f, ""))[0] for f in r["flags"]),
            locator_ru(r["target_locator"]) or None, locator_ru(r["fact_locator"]) or None]


def _plan_text(plan: Mapping[str, int]) -> str:
    return ", ".join(f"{PLAN_TEXT.get(k, k)} {num(v)}" for k, v in plan.items() if v) or "—"


def _this_run(report: Mapping[str, Any]) -> dict[str, Any]:
    proc = report["processed"]
    statuses = [s for s in (DocStatus.OK, DocStatus.PARTIAL, DocStatus.FAILED)
                if any(s in c for c in proc["by_format"].values())]
    runs = report.get("history", [])
    return {
        "run_facts": [("Найдено файлов", report.get("files_seen")),
                      ("Обработано", proc["files"]),
                      ("План", _plan_text(report.get("plan", {}))),
                      ("Пропущено (другие типы файлов)", report.get("skipped"))],
        "run_statuses": [STATUS_TEXT[s] for s in statuses],
        "run_formats": [[fmt, *(c.get(s, 0) for s in statuses)]
                        for fmt, c in proc["by_format"].items()],
        "run_rows": _table_rows(proc["rows"]),
        "slowest": [[s["path"], s["format"], Badge(s["status"]), s["seconds"]]
                    for s in report["slowest"]],
        "history": [[r.get("finished_at"), r.get("files_seen"), r.get("processed"),
                     *(r.get("by_status", {}).get(s, 0) for s in
                       (DocStatus.OK, DocStatus.PARTIAL, DocStatus.FAILED)),
                     r.get("seconds"), r.get("run_id")] for r in reversed(runs)],
        "facts": [("Запуск", report.get("run_id")),
                  ("Завершён (UTC)", report.get("finished_at")),
                  ("Длительность, с", report.get("seconds")),
                  ("Файлов в секунду", report.get("files_per_s")),
                  ("Движок", f"{report.get('engine')} × {report.get('workers')}"),
                  ("Версия конвейера", report.get("pipeline_version")),
                  ("Версия схемы", report.get("schema_version")),
                  ("Входная папка", report.get("input")), ("Выгрузка", report.get("out"))],
    }


def render_html(report: Mapping[str, Any]) -> str:
    """The report as one HTML page with inline SVG charts."""
    context = {"report": _Lenient(report), "css": Markup(CSS), "tiles": _tiles(report),
               "max_rows": MAX_ROWS, **_problems(report), **_data(report),
               **_series(report), **_this_run(report)}
    return environment().get_template(TEMPLATE).render(context)


class _Lenient(dict[str, Any]):
    """The report for the template: a key it lacks reads as None (an old or partial report)."""

    def __missing__(self, key: str) -> None:
        return None
