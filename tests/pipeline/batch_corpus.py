"""A deterministic corpus of small reports (TXT notes and DOCX execution reports) for the
batch tests and ``bench/bench_batch.py``: file ``i`` always has the same bytes."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import zipfile
from pathlib import Path

from docx import Document as DocxDocument

SHARED_SEEDS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "seeds"
# the repository ships the seed reports in data/raw too, for clones without shared/ beside them
REPO_SEEDS = Path(__file__).resolve().parents[2] / "data" / "raw"
SEEDS = SHARED_SEEDS if SHARED_SEEDS.is_dir() else REPO_SEEDS

PROJECTS = ("Учитель будущего", "Современная школа", "Успех каждого ребенка",
            "Цифровая образовательная среда")
PLACES = ("Асбестовского городского округа", "Сысертского городского округа",
          "Асиновского района", "Верхнебуреинского муниципального района",
          "Камышловского городского округа")
MEASURES = ("Доля педагогических работников, прошедших повышение квалификации",
            "Число участников открытых онлайн-уроков",
            "Доля детей, охваченных дополнительным образованием",
            "Количество общеобразовательных организаций, обновивших материально-техническую базу")


def txt_report(i: int) -> str:
    """An explanatory note in the style of the seeds."""
    year = 2019 + i % 5
    project = PROJECTS[i % len(PROJECTS)]
    lines = [
        "Пояснительная записка", "",
        "к реализации мероприятий в рамках национального проекта «Образование»", "",
        f"за {year} год на территории {PLACES[i % len(PLACES)]}", "",
        "Национальный проект «Образование»", "",
        f"Региональный проект «{project}»", "",
        f"Муниципальный проект «{project}»",
        "В рамках реализации проекта предусмотрены следующие показатели:", "",
    ]
    for k in range(1, 4):
        lines += [
            f"Показатель {k}. «{MEASURES[(i + k) % len(MEASURES)]} (вариант {i})»",
            f"Мероприятие «Организация работы по направлению {k}»",
            f"Показатель на {year} год – не менее {10 + (i * 7 + k) % 80} %.",
            "Целевой показатель достигнут." if (i + k) % 3 else "Показатель не достигнут.",
            "",
        ]
    return "\n".join(lines) + "\n"


def docx_report(i: int, path: Path) -> None:
    """An execution report with one indicator table (merged header cells)."""
    year = 2019 + i % 5
    d = DocxDocument()
    d.add_paragraph("Отчет об исполнении плана мероприятий реализации национального проекта "
                    f"«Образование» на {year} год")
    d.add_paragraph(f"в {PLACES[i % len(PLACES)].replace('ского', 'ском')}")
    rows = [
        ["Наименование национального проекта", "Наименование регионального проекта",
         "Наименование мероприятия", f"Показатели на {year} год", "", "Процент исполнения"],
        ["", "", "", "Плановый", "Фактический", ""],
    ]
    for k in range(1, 4):
        planned, actual = 10 + (i + k) % 50, 5 + (i * 3 + k) % 60
        rows.append(["Образование", PROJECTS[(i + k) % len(PROJECTS)],
                     f"Показатель:\n{k}. {MEASURES[(i + k) % len(MEASURES)]} ({i})",
                     f"не менее {planned}%", f"{actual}%",
                     f"{round(100 * actual / planned, 1)}%".replace(".", ",")])
    t = d.add_table(rows=len(rows), cols=6)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            t.cell(r, c).text = text
    t.cell(0, 3).merge(t.cell(0, 4))
    for c in (0, 1, 2, 5):
        t.cell(0, c).merge(t.cell(1, c))
    # fixed timestamps keep the bytes, hence the doc_id, the same on every run
    d.core_properties.created = d.core_properties.modified = dt.datetime(2024, 1, 1)
    buf = io.BytesIO()
    d.save(buf)
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))


def write_corpus(folder: Path, n: int, docx_every: int = 4, start: int = 0) -> list[Path]:
    """Write files ``start`` … ``start + n - 1`` into ``folder`` (every ``docx_every``-th one
    a DOCX, the rest TXT) and return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + n):
        sub = folder / f"batch{i // 100:03d}"
        sub.mkdir(exist_ok=True)
        if docx_every and i % docx_every == 0:
            path = sub / f"report_{i:05d}.docx"
            docx_report(i, path)
        else:
            path = sub / f"note_{i:05d}.txt"
            path.write_text(txt_report(i), encoding="utf-8")
        paths.append(path)
    return paths


def copy_seeds(folder: Path) -> list[Path]:
    """The shared seed reports (with their truth files) copied into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for src in sorted(SEEDS.glob("0*")):
        out.append(Path(shutil.copy2(src, folder / src.name)))
    return out


def _plain(value: object) -> object:
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, float) and value != value:
        return None
    return value


def snapshot(out: Path, drop: tuple[str, ...] = ()) -> dict[str, list[tuple[object, ...]]]:
    """Every table of ``out`` as sorted row tuples (for row-for-row comparisons)."""
    import pyarrow.dataset as ds

    result = {}
    for name in ("documents", "indicators", "activities", "finance"):
        table = ds.dataset(out / name, format="parquet", partitioning="hive").to_table()
        cols = [c for c in table.column_names if c not in drop]
        rows = [tuple(_plain(r[c]) for c in cols) for r in table.to_pylist()]
        result[name] = sorted(rows, key=repr)
    return result
