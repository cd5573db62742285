"""The run report's series section: the count of each check flag with its worst rows, and per
municipality the targets against the facts as small inline SVG charts (matplotlib), built
from a passport and execution reports of one municipality written here."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from pipeline.batch.review.report_html import render_html
from pipeline.batch.review.report_series import CHARTS_MAX, choose_charts
from pipeline.batch.run.runner import RunConfig, run
from tests.pipeline.series_docs import LESSONS, PLACE, SHARE, series_corpus


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("report_series")
    run(RunConfig(input=series_corpus(base / "in"), out=base / "out", workers=0))
    return base / "out"


def test_flags_are_counted_with_their_worst_rows(out: Path) -> None:
    checks = json.loads((out / "run_report.json").read_text(encoding="utf-8"))["series_checks"]
    assert checks["rows"] == 12
    assert checks["flags"] == {"target_changed": 0, "plan_differs_from_target": 1,
                               "facts_disagree": 1, "missing_fact": 2}
    [worst] = checks["worst"]["plan_differs_from_target"]
    assert (worst["municipality"], worst["indicator"], worst["year"]) == (PLACE, SHARE, 2021)
    assert (worst["target_value"], worst["planned_value"], worst["actual_value"]) == (75, 74, 77)
    assert worst["flags"] == ["plan_differs_from_target", "facts_disagree"]
    assert {(w["indicator"], w["year"]) for w in checks["worst"]["missing_fact"]} == {
        (SHARE, 2019), (LESSONS, 2019)}
    assert checks["worst"]["target_changed"] == []


def test_targets_against_facts_per_municipality(out: Path) -> None:
    checks = json.loads((out / "run_report.json").read_text(encoding="utf-8"))["series_checks"]
    assert checks["with_both"] == {"municipalities": 1, "indicators": 2}
    assert (checks["charts_left_out"], checks["municipalities_left_out"]) == (0, 0)
    charts = {c["indicator"]: c for c in checks["charts"]}
    assert set(charts) == {SHARE, LESSONS}
    share = charts[SHARE]
    assert (share["municipality"], share["unit"]) == (PLACE, "percent")
    assert [y["year"] for y in share["years"]] == list(range(2019, 2025))
    by_year = {y["year"]: y for y in share["years"]}
    assert (by_year[2020]["target"], by_year[2020]["plan"], by_year[2020]["fact"]) == (70, 70, 71)
    assert (by_year[2021]["target"], by_year[2021]["fact"]) == (75, 77)
    assert by_year[2024]["fact"] is None


def test_the_page_shows_the_charts_and_the_checks(out: Path) -> None:
    page = (out / "run_report.html").read_text(encoding="utf-8")
    assert page.index("Данные выгрузки") < page.index("Ряды: цели и факты") < page.index(
        "Этот запуск")
    assert page.count('<figure class="chart"><svg') == 2
    # no problems; the statuses derived from plan and fact give the federal projects' bars
    assert page.count("<svg") == 3
    assert f"<h4>{PLACE}</h4>" in page
    assert f"<figcaption>{SHARE}, %</figcaption>" in page
    assert "<figcaption>Число участников открытых онлайн-уроков, чел.</figcaption>" in page
    assert "План отчёта отличается от цели: худшие 1 из 1" in page
    assert "Нет факта за прошедший год: худшие 2 из 2" in page
    assert "таблица 1, лист «Sheet», строка 4" in page  # the passport's locator, in Russian
    assert "таблица 1, строка 2" in page  # the report's
    ids = Counter(re.findall(r'\bid="([^"]+)"', page))
    assert ids
    assert max(ids.values()) == 1  # two charts never share an id
    assert all(f"url(#{i})" in page for i in re.findall(r'<clipPath id="([^"]+)"', page))
    for legend in ("цель", "план", "факт"):
        assert f">{legend}<" in page  # matplotlib's text stays text (svg.fonttype none)


def test_charts_are_capped_by_municipality_and_indicator() -> None:
    both = Counter({(f"p{p}", f"i{i}", "percent"): 1 + (i % 3) for p in range(10)
                    for i in range(7)})
    both[("p9", "extra", "percent")] = 5  # p9 has the most indicators: drawn first
    chosen = choose_charts(both)
    assert len(chosen) == CHARTS_MAX == 24
    assert chosen[0] == ("p9", "extra", "percent")  # its indicator with the most years first
    assert [k[0] for k in chosen[::4]] == ["p9", "p0", "p1", "p2", "p3", "p4"]
    assert choose_charts(both, places=2, per_place=1) == [("p9", "extra", "percent"),
                                                         ("p0", "i2", "percent")]


def test_left_out_charts_and_hostile_names_on_the_page() -> None:
    evil = "<script>alert(1)</script>"
    chart = {"place": "1", "municipality": evil, "indicator_key": "k", "indicator": evil,
             "unit": "persons", "comparator": None,
             "years": [{"year": 2020, "target": 5.0, "plan": None, "fact": 4.0}]}
    page = render_html({
        "output": {"files": 0, "by_status": {}, "by_format": {}, "rows": {}},
        "processed": {"files": 0, "by_status": {}, "by_format": {}, "rows": {}},
        "slowest": [], "failures": [],
        "series_checks": {"rows": 1, "flags": {"missing_fact": 0},
                          "worst": {"missing_fact": []},
                          "with_both": {"municipalities": 3, "indicators": 9},
                          "charts": [chart], "charts_left_out": 8,
                          "municipalities_left_out": 2}})
    assert "<script>" not in page
    assert "<h4>&lt;script&gt;alert(1)&lt;/script&gt;</h4>" in page
    assert "ещё 8 показателей с целью и фактом не показаны" in page
    assert "муниципалитетов без графика: 2" in page
    assert page.count("<svg") == 1


def test_completion_tables_derive_the_status_a_report_does_not_state(out: Path) -> None:
    """The reports state plan and fact but no status or percent: the completion tables count
    them by their plan and fact (70 → 71: done; 74 → 76 and 77: done), as the series does."""
    report = json.loads((out / "run_report.json").read_text(encoding="utf-8"))
    place = next(c for c in report["completion_by_municipality"] if c["municipality"] == PLACE)
    assert place["with_status"] >= 3
    assert place["done"] >= 3
    assert place["median_completion_pct"] is not None
