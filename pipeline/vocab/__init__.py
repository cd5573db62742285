"""Vocabularies kept as package data (status, comparator and unit forms, money words, finance
sources, passport keys …) and their loaders."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from itertools import groupby
from typing import TypeVar

from schemas.enums import Comparator, FinanceSource, Status, Unit

__all__ = [
    "DISPLAY_ONLY",
    "ComparatorForm",
    "StatusForm",
    "UnitForm",
    "comparator_forms",
    "finance_sources",
    "fold",
    "form_pattern",
    "kind_patterns",
    "kind_re",
    "money_re",
    "money_words",
    "read_rows",
    "scale_words",
    "status_forms",
    "unit_forms",
    "vocab_digest",
]

NAMES_ONLY = frozenset({"overrides.csv"})  # read by normalisation alone (see NamesSpec)
# read only to show the output in Russian (``pipeline.texts_ru``): no file is read again for them
DISPLAY_ONLY = frozenset({"error_texts.csv"})


def vocab_digest(folder: Traversable | None = None) -> str:
    """Digest of every vocabulary file interpretation reads in ``folder`` (default: this
    package's — the header roles, doc types, units, statuses …, the catalog and the
    gazetteer): a file read with other vocabularies is read again by the next run. The
    overrides are not in it (they are only normalisation), nor the texts that only show the
    output in Russian (``DISPLAY_ONLY``)."""
    h = hashlib.sha256()
    files = sorted((folder or resources.files(__package__)).iterdir(), key=lambda e: e.name)
    for entry in files:
        if entry.name.endswith((".csv", ".tsv")) and entry.name not in NAMES_ONLY | DISPLAY_ONLY:
            h.update(entry.name.encode("utf-8") + b"\0" + entry.read_bytes() + b"\0")
    return h.hexdigest()[:16]


_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "ё": "е"})


def fold(text: str) -> str:
    """Lower-case ``text`` char by char (length kept), ё -> е, exotic spaces -> plain spaces."""
    return "".join(c if len(low := c.lower()) != 1 else low for c in text).translate(_SPACES)


_WORDCHAR = r"[a-zа-я0-9]"


def form_pattern(form: str, bounded: bool = True) -> str:
    """Regex source for a vocabulary form: flexible spaces, optional dots, word-bounded ends."""
    tokens = fold(form).split()
    parts: list[str] = []
    for i, tok in enumerate(tokens):
        if i:
            parts.append(r"\s*" if tokens[i - 1].endswith(".") else r"\s+")
        if tok.endswith(".") and len(tok) > 1:
            parts.append(re.escape(tok[:-1]) + r"\.?")
        else:
            parts.append(re.escape(tok))
    pat = "".join(parts)
    if not bounded or not tokens:
        return pat
    head = rf"(?<!{_WORDCHAR})" if tokens[0][:1].isalnum() else ""
    tail = rf"(?!{_WORDCHAR})" if tokens[-1][-1:].isalnum() or tokens[-1].endswith(".") else ""
    return head + pat + tail


@cache
def read_rows(name: str) -> tuple[dict[str, str], ...]:
    """Rows of one vocabulary CSV shipped in this package."""
    text = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    return tuple(csv.DictReader(io.StringIO(text)))


@dataclass(frozen=True, slots=True)
class StatusForm:
    form: str
    status: Status
    prose: bool
    source: str


@dataclass(frozen=True, slots=True)
class ComparatorForm:
    form: str
    comparator: Comparator
    rank_comparator: Comparator
    needs_number: bool
    source: str


@dataclass(frozen=True, slots=True)
class UnitForm:
    form: str
    unit: Unit
    multiplier: float
    after_number: bool
    source: str


_F = TypeVar("_F", StatusForm, ComparatorForm, UnitForm)


def _key(form: str) -> str:
    return " ".join(fold(form).split()).rstrip(".") or fold(form).strip()


def _longest_first(forms: dict[str, _F]) -> tuple[_F, ...]:
    return tuple(sorted(forms.values(), key=lambda f: (-len(f.form), f.form)))


@cache
def status_forms() -> tuple[StatusForm, ...]:
    """Status forms, folded and de-duplicated, longest first."""
    out: dict[str, StatusForm] = {}
    for r in read_rows("statuses.csv"):
        key = _key(r["raw_form"])
        out.setdefault(key, StatusForm(key, Status(r["canonical"]), r.get("prose") == "yes",
                                       r.get("source", "")))
    return _longest_first(out)


@cache
def comparator_forms() -> tuple[ComparatorForm, ...]:
    """Comparator forms, folded and de-duplicated, longest first."""
    out: dict[str, ComparatorForm] = {}
    for r in read_rows("comparators.csv"):
        key = _key(r["raw_form"])
        canonical = Comparator(r["canonical"])
        rank = Comparator(r.get("rank_canonical") or canonical)
        out.setdefault(key, ComparatorForm(key, canonical, rank,
                                           r.get("context") == "before_number",
                                           r.get("source", "")))
    return _longest_first(out)


@cache
def unit_forms() -> tuple[UnitForm, ...]:
    """Unit forms, folded and de-duplicated (dots kept), longest first."""
    out: dict[str, UnitForm] = {}
    for r in read_rows("units.csv"):
        key = " ".join(fold(r["raw_form"]).split())
        out.setdefault(key, UnitForm(key, Unit(r["unit_enum"]), float(r["multiplier"]),
                                     r.get("context") == "after_number", r.get("source", "")))
    return _longest_first(out)


@cache
def kind_patterns(name: str, kind: str) -> tuple[str, ...]:
    """The patterns of the rows of ``name`` (a CSV with ``kind`` and ``pattern`` columns) of
    that kind, in file order."""
    found = tuple(r["pattern"] for r in read_rows(name) if r["kind"] == kind)
    if not found:
        raise KeyError(f"{name} has no rows of kind {kind!r}")
    return found


@cache
def kind_re(name: str, kind: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """One regex of the patterns of a kind (``money_words.csv``, ``planned``), joined as
    alternatives in file order."""
    return re.compile("|".join(kind_patterns(name, kind)), flags)


def money_words(kind: str) -> tuple[str, ...]:
    """The patterns of one kind of money word (``money_words.csv``: planned, spent, scale …)."""
    return kind_patterns("money_words.csv", kind)


def money_re(kind: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """One regex of the money words of a kind, alternatives in file order."""
    return kind_re("money_words.csv", kind, flags)


@cache
def scale_words() -> tuple[tuple[str, float], ...]:
    """(pattern, roubles per unit) of the scale words (тыс, млн, млрд and their long forms),
    in file order."""
    return tuple((r["pattern"], float(r["scale"])) for r in read_rows("money_words.csv")
                 if r["kind"] == "scale")


@cache
def finance_sources() -> tuple[tuple[re.Pattern[str], FinanceSource], ...]:
    """(regex, source) of the finance sources, tried in order on lower-cased text: the rows of
    one source that follow each other are joined as the alternatives of one regex."""
    rows = read_rows("finance_sources.csv")
    return tuple((re.compile("|".join(r["pattern"] for r in group)), FinanceSource(canonical))
                 for canonical, group in groupby(rows, key=lambda r: r["canonical"]))
