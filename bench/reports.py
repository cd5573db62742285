"""Seeded content of one synthetic report: paragraphs and tables with merged cells.

Three kinds, as in the municipal reports on the national project «Образование»:

* execution report: indicators under a two-row plan/fact header, the project column merged
  vertically over its indicators (``vMerge``), a control-points table, finance prose;
* project passport: a key/value table, indicators with a base value and year columns under
  two-row headers, a finance table by year and source;
* road map: activities and control points with start/end dates, responsible, result form and
  a status, section rows merged across the whole table.

``build_report(i, seed)`` depends only on ``(i, seed)``, so report ``i`` is the same whatever the
corpus size.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from bench import vocab as v

Merge = tuple[int, int, int, int]  # r1, c1, r2, c2 (inclusive)


@dataclass(slots=True)
class TableSpec:
    rows: list[list[str]]
    merges: list[Merge] = field(default_factory=list)
    widths: tuple[float, ...] = ()  # relative column widths (empty: equal)


@dataclass(slots=True)
class Report:
    kind: str
    landscape: bool
    blocks: list[str | TableSpec] = field(default_factory=list)

    @property
    def tables(self) -> list[TableSpec]:
        return [b for b in self.blocks if isinstance(b, TableSpec)]


def _num(x: float, decimals: int = 1) -> str:
    """Russian number text: ``1 234,5``."""
    text = f"{x:,.{decimals}f}".replace(",", " ").replace(".", ",")
    return text[:-2] if decimals == 1 and text.endswith(",0") else text


def _value(rng: random.Random, base: float, target: float, unit: str) -> tuple[float, float]:
    planned = round(base + (target - base) * rng.uniform(0.3, 1.0), 1)
    actual = round(planned * rng.choice((1.0, 1.0, 1.05, 0.9, 0.75, 1.2)), 1)
    if unit in {"человек", "единиц", "мест"}:
        planned, actual = float(round(planned)), float(round(actual))
    return planned, actual


def _header(rng: random.Random, year: int) -> tuple[str, str, str, str]:
    place, place_gen = rng.choice(v.PLACES)
    region = rng.choice(v.REGIONS)
    project = rng.choice(v.PROJECTS)
    return place, f"{place_gen} {region}", project, str(year)


def _date(rng: random.Random, year: int) -> str:
    return f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{year}"


def execution_report(rng: random.Random, year: int) -> Report:
    _, where, project, y = _header(rng, year)
    rep = Report("execution", landscape=True, blocks=[
        f"Отчет о ходе реализации муниципального проекта «{project}» за {y} год",
        f"на территории {where}",
        "Национальный проект «Образование»",
        f"Региональный проект «{project}»",
        rng.choice(v.PROSE),
        "1. Сведения о достижении показателей проекта",
    ])
    head = ["№ п/п", "Наименование проекта", "Наименование показателя", "Единица измерения",
            "Базовое значение", f"Значение на {y} год", "", "Процент исполнения", "Примечание"]
    rows = [head, ["", "", "", "", "", "План", "Факт", "", ""]]
    merges: list[Merge] = [(0, 5, 0, 6), *((0, c, 1, c) for c in (0, 1, 2, 3, 4, 7, 8))]
    n = 0
    for _ in range(rng.randint(2, 6)):
        proj = rng.choice(v.PROJECTS)
        first = len(rows)
        for _ in range(rng.randint(2, 5)):
            name, unit, base, target = rng.choice(v.INDICATORS)
            planned, actual = _value(rng, base, target, unit)
            n += 1
            pct = _num(100 * actual / planned) + " %" if planned else "-"
            plan_text = ("не менее " if rng.random() < 0.3 else "") + _num(planned)
            rows.append([str(n), f"«{proj}»" if len(rows) == first else "", name, unit,
                         _num(base), plan_text, _num(actual), pct, rng.choice(v.NOTES)])
        if len(rows) - first > 1:
            merges.append((first, 1, len(rows) - 1, 1))
    rep.blocks.append(TableSpec(rows, merges, (8, 22, 70, 14, 12, 12, 12, 14, 26)))
    rep.blocks.append("2. Сведения о выполнении контрольных точек")
    rep.blocks.append(_control_points(rng, year))
    planned_rub = rng.randint(500, 90_000) * 1000.0
    spent = planned_rub * rng.uniform(0.6, 1.0)
    rep.blocks += [
        f"На {y} год на реализацию муниципального проекта выделено {_num(planned_rub, 2)} "
        f"руб., в том числе из областного бюджета {_num(planned_rub * 0.7, 2)} руб.",
        f"За {y} год освоено {_num(spent, 2)} руб. (не освоены "
        f"{_num(planned_rub - spent, 2)} руб.).",
        rng.choice(v.PROSE),
        f"Начальник управления образования\t\t\t\t{rng.choice(v.RESPONSIBLE).split(',')[0]}",
        _date(rng, year + 1),
    ]
    return rep


def _control_points(rng: random.Random, year: int) -> TableSpec:
    rows = [["№ п/п", "Наименование контрольной точки", "Срок", "Ответственный",
             "Статус", "Комментарий"]]
    for k in range(1, rng.randint(4, 10)):
        rows.append([f"{k}.", rng.choice(v.ACTIVITIES), _date(rng, year),
                     rng.choice(v.RESPONSIBLE), rng.choice(v.STATUSES), rng.choice(v.NOTES)])
    return TableSpec(rows, widths=(8, 70, 18, 50, 18, 30))


def passport(rng: random.Random, year: int) -> Report:
    place, where, project, _ = _header(rng, year)
    start, end = 2019, 2024
    years = [str(y) for y in range(start, end + 1)]
    rep = Report("passport", landscape=True, blocks=[
        "ПАСПОРТ",
        f"муниципального проекта «{project}»",
        f"({place})",
        "1. Основные положения",
    ])
    rep.blocks.append(TableSpec([
        ["Наименование национального проекта", "Образование"],
        ["Наименование федерального проекта", project],
        ["Краткое наименование муниципального проекта", f"«{project}» ({where})"],
        ["Срок начала и окончания проекта", f"01.01.{start} – 31.12.{end}"],
        ["Куратор муниципального проекта", rng.choice(v.RESPONSIBLE)],
        ["Руководитель муниципального проекта", rng.choice(v.RESPONSIBLE)],
    ], widths=(60, 120)))
    rep.blocks.append("2. Цель и показатели муниципального проекта")
    head = ["№ п/п", "Наименование показателя", "Тип показателя", "Базовое значение", "",
            "Период, год", *[""] * (len(years) - 1)]
    rows = [head, ["", "", "", "Значение", "Дата", *years]]
    last = len(head) - 1
    merges: list[Merge] = [(0, 3, 0, 4), (0, 5, 0, last), (0, 0, 1, 0), (0, 1, 1, 1),
                           (0, 2, 1, 2)]
    for k in range(1, rng.randint(5, 14)):
        name, unit, base, target = rng.choice(v.INDICATORS)
        vals = [base + (target - base) * (j + 1) / len(years) for j in range(len(years))]
        rows.append([f"{k}.", f"{name}, {unit}", rng.choice(("основной", "дополнительный")),
                     _num(base), f"31.12.{start - 1}", *(_num(x) for x in vals)])
    rep.blocks.append(TableSpec(rows, merges, (8, 80, 18, 12, 16, *(10,) * len(years))))
    rep.blocks.append("3. Финансовое обеспечение реализации муниципального проекта")
    fhead = ["№ п/п", "Наименование результата и источники финансового обеспечения",
             "Объем финансового обеспечения по годам реализации (тыс. рублей)",
             *[""] * (len(years) - 1), "Всего (тыс. рублей)"]
    frows = [fhead, ["", "", *years, ""]]
    fmerges: list[Merge] = [(0, 2, 0, 1 + len(years)), (0, 0, 1, 0), (0, 1, 1, 1),
                            (0, len(fhead) - 1, 1, len(fhead) - 1)]
    for k in range(1, rng.randint(2, 5)):
        frows.append([f"{k}.", f"Результат: {rng.choice(v.ACTIVITIES)}", *[""] * len(years), ""])
        fmerges.append((len(frows) - 1, 1, len(frows) - 1, len(fhead) - 1))
        for s, src in enumerate(v.SOURCES[: rng.randint(2, 4)], 1):
            amounts = [rng.randint(0, 40_000) / 10 for _ in years]
            frows.append([f"{k}.{s}.", src, *(_num(a) for a in amounts), _num(sum(amounts))])
    rep.blocks.append(TableSpec(frows, fmerges, (8, 70, *(12,) * len(years), 16)))
    return rep


def road_map(rng: random.Random, year: int) -> Report:
    _, where, project, y = _header(rng, year)
    rep = Report("roadmap", landscape=True, blocks=[
        "ПЛАН МЕРОПРИЯТИЙ («ДОРОЖНАЯ КАРТА»)",
        f"по реализации муниципального проекта «{project}» на {y} год",
        f"на территории {where}",
    ])
    rows = [["№ п/п", "Наименование мероприятия, контрольной точки", "Сроки реализации", "",
             "Ответственный исполнитель", "Вид документа и характеристика результата",
             "Статус", "Комментарий"],
            ["", "", "Начало", "Окончание", "", "", "", ""]]
    merges: list[Merge] = [(0, 2, 0, 3), *((0, c, 1, c) for c in (0, 1, 4, 5, 6, 7))]
    for s in range(1, rng.randint(2, 5)):
        rows.append([f"{s}. Региональный проект «{rng.choice(v.PROJECTS)}»", *[""] * 7])
        merges.append((len(rows) - 1, 0, len(rows) - 1, 7))
        for k in range(1, rng.randint(3, 9)):
            kind = "Контрольная точка: " if rng.random() < 0.3 else ""
            rows.append([f"{s}.{k}.", kind + rng.choice(v.ACTIVITIES), _date(rng, year),
                         _date(rng, year), rng.choice(v.RESPONSIBLE),
                         rng.choice(v.RESULT_FORMS), rng.choice(v.STATUSES),
                         rng.choice(v.NOTES)])
    rep.blocks.append(TableSpec(rows, merges, (10, 70, 18, 18, 45, 40, 18, 30)))
    rep.blocks += [rng.choice(v.PROSE), rng.choice(v.PROSE)]
    return rep


KINDS = (execution_report, passport, road_map)


def build_report(i: int, seed: int) -> Report:
    """Report ``i`` of the corpus with ``seed``: always the same content."""
    rng = random.Random(f"natproj-bench:{seed}:{i}")
    kind = KINDS[rng.choices(range(len(KINDS)), weights=(5, 3, 3))[0]]
    return kind(rng, rng.randint(2019, 2024))
