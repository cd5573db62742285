"""Benchmark of indicator-name normalisation: prints names/s for 100,000 names.

Usage: .venv/bin/python bench/bench_normalise.py [--n 100000] [--typo-rate 0.05] [--seed 7]

Names are the labelled dev-corpus names with a random municipality of the gazetteer put in
(genitive case) and a random unit tail, so nearly all raw names are distinct; a share of them
(``--typo-rate``) also gets one to three random typos. Timing is wall-clock and CPU.
"""

from __future__ import annotations

import argparse
import csv
import logging
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipeline.normalise.forms import word_forms  # noqa: E402
from pipeline.normalise.gazetteer import default_gazetteer  # noqa: E402
from pipeline.normalise.match import Normaliser  # noqa: E402

log = logging.getLogger("bench_normalise")
LABELS = ROOT / "tests" / "fixtures" / "indicator_labels.csv"
TERRITORY_RE = re.compile(
    r"[А-ЯЁ][а-яё]+(?:ого|ой) (?:муниципального )?(?:района|городского округа)")
TAILS = ("", "", ", процент", " (процент)", ", %", ", ед.", ", чел.", ", единиц")
LETTERS = "абвгдеклмнопрстуя"


def genitive(name: str) -> str:
    """``Асиновский район`` -> ``Асиновского района`` (first two words declined)."""
    return " ".join((word_forms(w) or (w,) * 6)[1] if i < 2 else w.lower()
                    for i, w in enumerate(name.split())).capitalize()


def typo(text: str, rng: random.Random) -> str:
    """One random substitution, deletion or swap inside a word."""
    i = rng.randrange(1, max(2, len(text) - 1))
    if not text[i].isalpha():
        return text
    op = rng.randrange(3)
    if op == 0:
        return text[:i] + rng.choice(LETTERS) + text[i + 1:]
    if op == 1:
        return text[:i] + text[i + 1:]
    return text[:i - 1] + text[i] + text[i - 1] + text[i + 1:]


def make_names(n: int, seed: int, typo_rate: float = 0.05) -> list[str]:
    """``n`` synthetic raw indicator names."""
    rng = random.Random(seed)
    with LABELS.open(encoding="utf-8", newline="") as fh:
        base = [r["raw_name"] for r in csv.DictReader(fh)]
    places = [genitive(m.name) for m in default_gazetteer().municipalities
              if m.kind in ("district", "urban_okrug")]
    out = []
    for _ in range(n):
        name = TERRITORY_RE.sub(rng.choice(places), rng.choice(base), count=1)
        if rng.random() < typo_rate:
            for _ in range(rng.randrange(1, 4)):
                name = typo(name, rng)
        out.append(name + rng.choice(TAILS))
    return out


def main(argv: list[str] | None = None) -> int:
    """Time Normaliser construction and matching; print names/s."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--typo-rate", type=float, default=0.05)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("pymorphy3").setLevel(logging.WARNING)
    names = make_names(args.n, args.seed, args.typo_rate)
    t0 = time.perf_counter()
    norm = Normaliser(overrides=None)
    t1, c1 = time.perf_counter(), time.process_time()
    matches = norm.match_indicators(names)
    t2, c2 = time.perf_counter(), time.process_time()
    matched = sum(m.canonical is not None for m in matches)
    log.info("names: %d (%d distinct raw, %d distinct keys), typo rate %.2f, matched: %d",
             len(names), len(set(names)), len(norm.memo), args.typo_rate, matched)
    log.info("build: %.2f s; match: %.2f s wall, %.2f s CPU", t1 - t0, t2 - t1, c2 - c1)
    log.info("%.0f names/s", len(names) / (t2 - t1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
