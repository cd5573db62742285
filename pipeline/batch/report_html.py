"""``run_report.html``: the run report for the people who run the pipeline and read its data,
in Russian. Problems first (files failed or read in part, names to review), then the data
(completion by federal project and municipality, targets missed, documents by type and year),
then the run itself and the last runs.

One self-contained page; charts are inline SVG. Every text from the data or the file system
is escaped (file names are hostile input).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.normalise.review import REVIEW_FILE
from schemas.enums import DocStatus

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
UNITS = {"percent": "%", "persons": "чел.", "units": "ед.", "rub": "руб.", "rank": "место",
         "score": "балл", "other": "другое"}
COMPARATORS = {">=": "≥", "<=": "≤", "=": "="}
MAX_ROWS = 200  # rows of a long table shown; the JSON has them all
MUNICIPALITIES_SHOWN = 40


@dataclass(frozen=True, slots=True)
class Markup:
    """A table cell that is HTML already (built here from escaped parts)."""

    html: str


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value))


def num(value: object) -> str:
    """A number the Russian way (``12 345``, ``97,5``); other values as text."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return esc(value)
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}".replace(",", " ").replace(".", ",")
    return f"{int(value):,}".replace(",", " ")


def badge(status: str | None) -> Markup:
    s = status or DocStatus.FAILED
    return Markup(f'<span class="st st-{esc(s)}">{esc(STATUS_TEXT.get(s, s))}</span>')


def svg_bars(title: str, items: Sequence[tuple[str, float]], unit: str = "",
             max_value: float | None = None, color: str = "#4a7bb7",
             colors: Sequence[str] | None = None) -> str:
    """A horizontal bar chart as an inline SVG element (``colors``: one per bar)."""
    label_w, bar_w, row_h = 330, 320, 22
    height = 30 + row_h * max(len(items), 1)
    top = max_value or max((v for _, v in items), default=0) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 80}" '
             f'height="{height}" role="img" aria-label="{esc(title)}">',
             f'<text x="0" y="16" font-weight="bold">{esc(title)}</text>']
    if not items:
        parts.append('<text x="0" y="44" fill="#777">нет данных</text>')
    for i, (label, value) in enumerate(items):
        y = 26 + i * row_h
        w = max(0.0, min(value / top, 1.0)) * bar_w
        short = label if len(label) <= 48 else label[:47] + "…"
        fill = colors[i] if colors else color
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{esc(short)}'
            f'<title>{esc(label)}</title></text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" '
            f'fill="{fill}"/><text x="{label_w + w + 4:.1f}" y="{y + 14}">'
            f'{num(value)}{esc(unit)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _cell(value: object) -> str:
    if value is None:
        return '<td class="n">—</td>'
    if isinstance(value, Markup):
        return f"<td>{value.html}</td>"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<td class="n">{num(value)}</td>'
    return f"<td>{esc(value)}</td>"


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], limit: int = MAX_ROWS
          ) -> str:
    """A table with a header row (never empty) and at most ``limit`` rows."""
    rows = list(rows)
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in rows[:limit])
    more = (f'<p class="more">… и ещё {num(len(rows) - limit)} (все — в run_report.json)</p>'
            if len(rows) > limit else "")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def facts_table(facts: Sequence[tuple[str, object]]) -> str:
    """Label / value pairs: the labels are the row headers (no empty header row)."""
    body = "".join(f"<tr><th>{esc(k)}</th>{_cell(v)}</tr>" for k, v in facts)
    return f'<table class="facts"><tbody>{body}</tbody></table>'


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
.t-all{background:#555}.good{color:#3f8f3a}.more,.note{color:#666}a{color:#2a5db0}"""


def _tiles(report: Mapping[str, Any]) -> str:
    by_status = report["output"]["by_status"]
    review = report.get("review") or {}
    tiles = [("t-all", "файлов в выгрузке", report["output"]["files"]),
             *((f"t-{s}", STATUS_TEXT[s], by_status.get(s, 0)) for s in
               (DocStatus.OK, DocStatus.PARTIAL, DocStatus.FAILED)),
             ("t-review", "названий на проверку", review.get("to_check", 0))]
    return '<div class="tiles">' + "".join(
        f'<div class="tile {c}"><b>{num(n)}</b>{esc(label)}</div>' for c, label, n in tiles
    ) + "</div>"


def _problems(report: Mapping[str, Any]) -> list[str]:
    problems = report["output"].get("problems", [])
    out = ["<h2>Проблемы</h2>", f"<h3>Файлы с ошибками и прочитанные частично "
           f"({num(len(problems))} из {num(report['output']['files'])} в выгрузке)</h3>"]
    if problems:
        out.append(table(["Файл", "Формат", "Статус", "Причина", "Запуск №"],
                         [[p["path"], p["format"], badge(p["status"]), p["reason"],
                           p.get("run_seq")] for p in problems]))
    else:
        out.append('<p class="good">Нет: все файлы выгрузки прочитаны полностью.</p>')
    by_format = report["output"]["by_format"]
    bars = [(f"{fmt}: {STATUS_TEXT[s]}", float(c[s]), STATUS_COLOR[s])
            for fmt, c in by_format.items() for s in (DocStatus.FAILED, DocStatus.PARTIAL)
            if c.get(s)]
    if bars:  # formats without problems are not drawn as bars at 0
        out.append(svg_bars("Файлы с проблемами по формату", [(lbl, v) for lbl, v, _ in bars],
                            colors=[c for _, _, c in bars]))
    review = report.get("review") or {}
    if review.get("skipped"):  # an output on an object store: no workbook
        out.append("<h3>Названия показателей на проверку</h3>")
        out.append("<p>Файл проверки названий ведётся только для выходной папки на локальном "
                   "диске; для объектного хранилища он не создаётся.</p>")
        return out
    link = f'<a href="{esc(REVIEW_FILE.as_posix())}">{esc(REVIEW_FILE.as_posix())}</a>'
    out.append(f"<h3>Названия показателей на проверку: {num(review.get('to_check', 0))}</h3>")
    out.append(f"<p>Слабые или неоднозначные совпадения с каталогом — в файле {link}: заполните "
               "столбец «Решение (каноническое название)» и запустите извлечение снова "
               f"(без --full). Уже решено: {num(review.get('decided', 0))}.</p>")
    out.append(f"<h3>Строки с низкой уверенностью на проверку: "
               f"{num(review.get('rows_to_check', 0))}</h3>")
    out.append(f"<p>Лист «Проверка строк» того же файла: «удалить» убирает строку из выгрузки, "
               f"«оставить» оставляет её; решения применяются при следующем запуске без "
               f"чтения файлов. Уже решено: {num(review.get('rows_decided', 0))}.</p>")
    return out


def _completion(rows: Sequence[Mapping[str, Any]], key: str, title: str, column: str
                ) -> list[str]:
    return [f"<h3>{esc(title)}</h3>", table(
        [column, "Показателей", "Со статусом", "Выполнено",
         "Выполнено, %", "Медиана исполнения, %"],
        [[c[key], c["indicators"], c["with_status"], c["done"], c["share_done_pct"],
          c["median_completion_pct"]] for c in rows])]


def _data(report: Mapping[str, Any]) -> list[str]:
    fp = report.get("completion_by_federal_project", [])
    places = report.get("completion_by_municipality", [])
    bars = [(c["federal_project"], c["share_done_pct"]) for c in fp
            if c["share_done_pct"] is not None][:25]
    out = ["<h2>Данные выгрузки</h2>",
           svg_bars("Выполнено показателей, % от имеющих статус, по федеральным проектам",
                    bars, unit="%", max_value=100.0) if bars else
           '<p class="note">Статус исполнения показателей в документах не указан: доля '
           "выполненных не считается.</p>",
           *_completion(fp, "federal_project", "Исполнение по федеральным проектам",
                       "Федеральный проект"),
           *_completion(places[:MUNICIPALITIES_SHOWN], "municipality",
                        "Исполнение по муниципалитетам", "Муниципалитет")]
    if len(places) > MUNICIPALITIES_SHOWN:
        out.append(f'<p class="more">Показаны {MUNICIPALITIES_SHOWN} муниципалитетов с '
                   f"наибольшим числом показателей из {num(len(places))}.</p>")
    missed = report.get("missed_indicators", [])
    out += [f"<h3>Показатели, не достигшие плана (худшие {num(len(missed))})</h3>",
            table(["Показатель", "Муниципалитет", "Файл", "Год", "План", "Факт", "Ед.",
                   "Исполнение, %"],
                  [[m["indicator"], m["municipality"], m["file"], esc(m["year"]),
                    Markup(f'<span class="nw">{esc(COMPARATORS.get(m["comparator"], ""))} '
                           f'{num(m["planned"])}</span>'), m["actual"],
                    UNITS.get(m["unit"], m["unit"]), m["execution_pct"]] for m in missed])]
    by_type_year = report.get("documents_by_type_year", [])
    years = sorted({r["year"] for r in by_type_year})
    cells: dict[str, dict[str, int]] = {}
    for r in by_type_year:
        cells.setdefault(r["doc_type"], {})[r["year"]] = r["documents"]
    out += ["<h3>Документы по типу и году отчёта (прочитанные)</h3>",
            table(["Тип документа", *years, "Всего"],
                  [[DOC_TYPES.get(t, t), *(c.get(y, 0) for y in years), sum(c.values())]
                   for t, c in sorted(cells.items())]),
            "<h3>Строк в таблицах выгрузки</h3>",
            table(["Таблица", "Строк"], sorted(report["output"]["rows"].items()))]
    return out


def _plan_text(plan: Mapping[str, int]) -> str:
    return ", ".join(f"{PLAN_TEXT.get(k, k)} {num(v)}" for k, v in plan.items() if v) or "—"


def _this_run(report: Mapping[str, Any]) -> list[str]:
    proc = report["processed"]
    statuses = [s for s in (DocStatus.OK, DocStatus.PARTIAL, DocStatus.FAILED)
                if any(s in c for c in proc["by_format"].values())]
    out = ["<h2>Этот запуск</h2>", facts_table([
        ("Найдено файлов", report.get("files_seen")), ("Обработано", proc["files"]),
        ("План", _plan_text(report.get("plan", {}))),
        ("Пропущено (другие типы файлов)", report.get("skipped"))])]
    if proc["files"]:
        out.append(table(["Формат", *(STATUS_TEXT[s] for s in statuses)],
                         [[fmt, *(c.get(s, 0) for s in statuses)]
                          for fmt, c in proc["by_format"].items()]))
        out.append(table(["Таблица", "Записано строк"], sorted(proc["rows"].items())))
        out += ["<h3>Самые медленные файлы</h3>", table(
            ["Файл", "Формат", "Статус", "Секунд"],
            [[s["path"], s["format"], badge(s["status"]), s["seconds"]]
             for s in report["slowest"]])]
    return out


def _history(report: Mapping[str, Any]) -> list[str]:
    runs = report.get("history", [])
    if not runs:
        return []
    return ["<h2>Последние запуски</h2>", table(
        ["Завершён (UTC)", "Найдено", "Обработано", "обработан", "частично", "ошибка",
         "Секунд", "Запуск"],
        [[r.get("finished_at"), r.get("files_seen"), r.get("processed"),
          *(r.get("by_status", {}).get(s, 0) for s in
            (DocStatus.OK, DocStatus.PARTIAL, DocStatus.FAILED)),
          r.get("seconds"), r.get("run_id")] for r in reversed(runs)])]


def render_html(report: Mapping[str, Any]) -> str:
    """The report as one HTML page with inline SVG charts."""
    facts = [("Запуск", report.get("run_id")), ("Завершён (UTC)", report.get("finished_at")),
             ("Длительность, с", report.get("seconds")),
             ("Файлов в секунду", report.get("files_per_s")),
             ("Движок", f"{report.get('engine')} × {report.get('workers')}"),
             ("Версия конвейера", report.get("pipeline_version")),
             ("Версия схемы", report.get("schema_version")),
             ("Входная папка", report.get("input")), ("Выгрузка", report.get("out"))]
    sections = [
        "<h1>Отчёт об извлечении данных</h1>",
        f'<p class="note">Запуск {esc(report.get("run_id"))}, завершён '
        f'{esc(report.get("finished_at"))} (UTC), входная папка {esc(report.get("input"))}</p>',
        _tiles(report), *_problems(report), *_data(report), *_this_run(report),
        *_history(report), "<h2>Сведения о запуске</h2>", facts_table(facts)]
    return ('<!doctype html><html lang="ru"><head><meta charset="utf-8">'
            f"<title>Отчёт об извлечении данных</title><style>{CSS}</style></head><body>"
            + "\n".join(sections) + "</body></html>\n")
