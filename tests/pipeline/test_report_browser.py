"""The run report as a real browser draws it: headless Chromium (Debian package ``chromium``)
screenshots the report of a small extraction; the image must be a real page and the rendered
DOM must hold the Russian headings, the failed file's (hostile) name and the series charts
(a passport and an execution report of one municipality)."""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType

import pytest
from PIL import Image

from pipeline.batch.run.runner import RunConfig, run
from tests.modules import load_script
from tests.pipeline.batch_corpus import write_corpus
from tests.pipeline.series_docs import SHARE, passport, report

BROKEN = "сломанный <b>отчёт & <i>co.docx"


@pytest.fixture(scope="module")
def shot() -> ModuleType:
    module = load_script("screenshot_report")
    if module.find_browser() is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (apt-get install chromium); CI needs it")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return module


def test_report_renders_in_chromium(shot: ModuleType, tmp_path: Path):
    folder, out = tmp_path / "in", tmp_path / "out"
    write_corpus(folder, 6)
    (folder / BROKEN).write_bytes(b"PK\x03\x04 not really a zip")
    passport(folder / "passport.xlsx", "15.01.2019", [65, 70, 75, 78, 80, 82])
    report(folder / "report_2020.docx", 2020, "20.01.2021", ("70", "71", "", ""),
           ("300", "310"))
    run(RunConfig(folder, out, workers=1))
    png = tmp_path / "report.png"
    assert shot.main([str(out), str(png), "--size", "1280,2400",
                      "--dom", str(tmp_path / "dom.html")]) == 0
    dom = (tmp_path / "dom.html").read_text(encoding="utf-8")
    with Image.open(png) as img:
        assert img.format == "PNG"
        assert img.size == (1280, 2400)
        rgb = img.convert("RGB")
        colours = rgb.getcolors(maxcolors=1 << 20)
        assert colours is not None
        assert len(colours) > 50  # text, tiles and charts, not a blank page
        white = sum(n for n, c in colours if c == (255, 255, 255))
        assert white < 0.97 * 1280 * 2400
        red = rgb.crop((0, 0, 1280, 600)).getcolors(maxcolors=1 << 20) or []
        assert any(c == (0xC0, 0x39, 0x2B) for _, c in red)  # the failed tile is red
    for heading in ("Отчёт об извлечении данных", "Проблемы", "Данные выгрузки",
                    "Исполнение по федеральным проектам", "Ряды: цели и факты по "
                    "муниципалитетам", "Цели и факты по годам", "Этот запуск"):
        assert heading in dom
    assert "сломанный &lt;b&gt;отчёт &amp; &lt;i&gt;co.docx" in dom  # as text, not markup
    assert "<b>отчёт" not in dom
    assert dom.count('<figure class="chart"><svg') == 2  # the two indicators with both
    assert f"<figcaption>{SHARE}, %</figcaption>" in dom
    assert "повреждён ZIP-контейнер" in dom  # the failure reason in Russian


def test_missing_report_exits_2(shot: ModuleType, tmp_path: Path):
    assert shot.main([str(tmp_path), str(tmp_path / "x.png")]) == 2
