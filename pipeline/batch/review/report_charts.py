"""Small charts of the run report drawn offline by matplotlib (Agg, no display) as SVG that goes
inline into the HTML: one indicator of one municipality, its targets and facts (and plans)
by year.

The chart holds numbers and fixed Russian words only: the names (hostile input) are the
HTML's caption, escaped by the template. Each SVG's ids get a prefix of their own, so several
charts in one page never share an id; no date is written into it, so the same data gives the
same bytes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from typing import Any

SIZE_IN = (3.6, 2.0)
COLORS = {"target": "#4a6fa5", "plan": "#9aa7b8", "fact": "#d08a00"}
LABELS = {"target": "цель", "plan": "план", "fact": "факт"}
_ID_RE = re.compile(r'(\bid=")([^"]+)(")|(url\(#)([^)]+)(\))|(href="#)([^"]+)(")')
_HEAD_RE = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
_META_RE = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
_RC: dict[str, Any] = {"svg.fonttype": "none", "font.family": "DejaVu Sans", "font.size": 8.0,
                       "svg.hashsalt": "natproj", "axes.spines.top": False,
                       "axes.spines.right": False}


def _prefix_ids(svg: str, prefix: str) -> str:
    def sub(m: re.Match[str]) -> str:
        groups = [g for g in m.groups() if g is not None]
        return f"{groups[0]}{prefix}{groups[1]}{groups[2]}"
    return _ID_RE.sub(sub, svg)


def _series(years: Sequence[Mapping[str, Any]], what: str) -> tuple[list[int], list[float]]:
    pts = [(int(y["year"]), float(y[what])) for y in years if y.get(what) is not None]
    return [p[0] for p in pts], [p[1] for p in pts]


def chart_svg(years: Sequence[Mapping[str, Any]], prefix: str) -> str:
    """The ``<svg>`` element of one indicator's targets, plans and facts by year (``years``:
    dicts of ``year``, ``target``, ``plan``, ``fact``)."""
    from matplotlib import rc_context  # imported only when a chart is drawn (slow import)
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    with rc_context(_RC):  # type: ignore[arg-type]  # its keys are typed as Literals
        fig = Figure(figsize=SIZE_IN)
        FigureCanvasSVG(fig)
        ax = fig.add_subplot()
        for what, style in (("target", "--o"), ("plan", ":s"), ("fact", "-D")):
            xs, ys = _series(years, what)
            if xs:
                ax.plot(xs, ys, style, color=COLORS[what], label=LABELS[what], markersize=4,
                        linewidth=1.4)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.ticklabel_format(axis="y", useOffset=False, style="plain")
        ax.grid(axis="y", color="#e3e3e3", linewidth=0.6)
        ax.legend(loc="best", frameon=False, fontsize=7)
        fig.tight_layout(pad=0.3)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    svg = _META_RE.sub("", _HEAD_RE.sub("", buf.getvalue(), count=1), count=1)
    return _prefix_ids(svg, prefix)
