"""Precision/recall of indicator matching per threshold on the labelled dev-corpus names.

Usage: .venv/bin/python scripts/threshold_curve.py [--labels CSV] [--scorer NAME|all]
       [--step 5] [--markdown] [--augment N]

A prediction is the top catalog candidate when its score reaches the threshold. TP: it equals
the label; FP: a prediction that differs from the label (including names labelled unmatched);
FN: a labelled name not predicted correctly. Overrides are not used. ``--augment N`` adds N
noisy copies of every labelled name (one to three random typos each, label kept) as a check on
names the threshold was not chosen on.
"""

from __future__ import annotations

import argparse
import csv
import logging
import random
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipeline.normalise.match import SCORERS, Match, Normaliser  # noqa: E402

log = logging.getLogger("threshold_curve")
DEFAULT_LABELS = ROOT / "tests" / "fixtures" / "indicator_labels.csv"
LETTERS = "абвгдеиклмнопрстуя"


@dataclass(frozen=True, slots=True)
class Point:
    """Counts and rates at one threshold."""

    threshold: float
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        """TP / (TP + FP), 1.0 when nothing is predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """TP / (TP + FN)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def read_labels(path: Path) -> list[tuple[str, str]]:
    """``(raw_name, canonical or "")`` pairs."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [(r["raw_name"], r["canonical"]) for r in csv.DictReader(fh)]


def typo(text: str, rng: random.Random) -> str:
    """One random substitution, deletion or transposition of letters."""
    i = rng.randrange(1, max(2, len(text) - 1))
    if not (text[i].isalpha() and text[i - 1].isalpha()):
        return text
    op = rng.randrange(3)
    if op == 0:
        return text[:i] + rng.choice(LETTERS) + text[i + 1:]
    if op == 1:
        return text[:i] + text[i + 1:]
    return text[:i - 1] + text[i] + text[i - 1] + text[i + 1:]


def augment(labels: list[tuple[str, str]], n: int, seed: int = 11) -> list[tuple[str, str]]:
    """``n`` noisy copies of every labelled name (1-3 typos each)."""
    rng = random.Random(seed)
    out = []
    for raw, gold in labels:
        for _ in range(n):
            noisy = raw
            for _ in range(rng.randrange(1, 4)):
                noisy = typo(noisy, rng)
            out.append((noisy, gold))
    return out


def point(labels: list[tuple[str, str]], matches: list[Match], threshold: float) -> Point:
    """Counts at one threshold, from the top candidate of each match."""
    tp = fp = fn = 0
    for (_, gold), m in zip(labels, matches, strict=True):
        top, score = m.candidates[0] if m.candidates else (None, 0.0)
        pred = top if score >= threshold else None
        if pred and pred == gold:
            tp += 1
        elif pred:
            fp += 1
        if gold and pred != gold:
            fn += 1
    return Point(threshold, tp, fp, fn)


def curve(labels: list[tuple[str, str]], scorer: str, step: float) -> list[Point]:
    """P/R points from threshold 50 to 100."""
    norm = Normaliser(overrides=None, threshold=0.0, scorer=scorer)
    matches = norm.match_indicators([n for n, _ in labels])
    points, t = [], 50.0
    while t <= 100.0:
        points.append(point(labels, matches, t))
        t += step
    return points


def render(scorer: str, points: list[Point], markdown: bool) -> str:
    """A table of the curve."""
    if markdown:
        lines = ["| threshold | TP | FP | FN | precision | recall | F1 |",
                 "|---|---|---|---|---|---|---|"]
        lines += [f"| {p.threshold:g} | {p.tp} | {p.fp} | {p.fn} | {p.precision:.3f} | "
                  f"{p.recall:.3f} | {p.f1:.3f} |" for p in points]
    else:
        lines = [f"scorer {scorer}", "thr    TP  FP  FN  prec   rec    F1"]
        lines += [f"{p.threshold:5g} {p.tp:4d} {p.fp:3d} {p.fn:3d}  {p.precision:.3f}  "
                  f"{p.recall:.3f}  {p.f1:.3f}" for p in points]
    best = max(points, key=lambda p: (p.f1, p.precision, -p.threshold))
    lines.append(f"best F1 {best.f1:.3f} at threshold {best.threshold:g} "
                 f"(P {best.precision:.3f}, R {best.recall:.3f})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the curve(s)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    ap.add_argument("--scorer", default="all", help=f"one of {', '.join(SCORERS)} or all")
    ap.add_argument("--step", type=float, default=5.0)
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--augment", type=int, default=0, help="noisy copies per labelled name")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("pymorphy3").setLevel(logging.WARNING)
    labels = read_labels(args.labels)
    if args.augment:
        labels = augment(labels, args.augment)
    scorers = list(SCORERS) if args.scorer == "all" else [args.scorer]
    log.info("%d labelled names, %d with a catalog indicator", len(labels),
             sum(1 for _, g in labels if g))
    for scorer in scorers:
        log.info("%s\n", render(scorer, curve(labels, scorer, args.step), args.markdown))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
