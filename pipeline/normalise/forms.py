"""Case forms of territory names (declension rules) and word tokens for phrase lookup."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
WORD_RE = re.compile(r"[0-9a-zа-я]+(?:-[0-9a-zа-я]+)*")

NOUN_FORMS: dict[str, tuple[str, ...]] = {
    "район": ("район", "района", "району", "район", "районом", "районе"),
    "улус": ("улус", "улуса", "улусу", "улус", "улусом", "улусе"),
    "округ": ("округ", "округа", "округу", "округ", "округом", "округе"),
    "область": ("область", "области", "области", "область", "областью", "области"),
    "край": ("край", "края", "краю", "край", "краем", "крае"),
    "республика": ("республика", "республики", "республике", "республику", "республикой",
                   "республике"),
    "город": ("город", "города", "городу", "город", "городом", "городе"),
}
HARD_MASC = ("ий", "ого", "ому", "ий", "им", "ом")
SOFT_MASC = ("ий", "его", "ему", "ий", "им", "ем")
YJ_MASC = ("ый", "ого", "ому", "ый", "ым", "ом")
OJ_MASC = ("ой", "ого", "ому", "ой", "ым", "ом")
OJ_VELAR_MASC = ("ой", "ого", "ому", "ой", "им", "ом")
AJA_FEM = ("ая", "ой", "ой", "ую", "ой", "ой")
JAJA_FEM = ("яя", "ей", "ей", "юю", "ей", "ей")
VELARS = "кгх"
HUSHING = "жшчщ"


@dataclass(frozen=True, slots=True)
class Span:
    """One lower-cased word of a text with its character offsets."""

    word: str
    start: int
    end: int


def fold(text: str) -> str:
    """Lower-case ``text`` and fold ё to е."""
    return text.lower().replace("ё", "е")


def word_spans(text: str) -> list[Span]:
    """Split ``text`` into folded word tokens with their offsets."""
    return [Span(m.group(), m.start(), m.end()) for m in WORD_RE.finditer(fold(text))]


def words(text: str) -> tuple[str, ...]:
    """Folded word tokens of ``text``."""
    return tuple(m.group() for m in WORD_RE.finditer(fold(text)))


def _adj_endings(word: str) -> tuple[str, ...] | None:
    """Ending table of a masculine or feminine adjective, or None when not an adjective."""
    if len(word) < 4:
        return None
    stem_last = word[-3]
    if word.endswith("ий") and stem_last in VELARS + HUSHING + "н":
        return HARD_MASC if stem_last in VELARS else SOFT_MASC
    if word.endswith("ый"):
        return YJ_MASC
    if word.endswith("ой"):
        return OJ_VELAR_MASC if stem_last in VELARS + HUSHING else OJ_MASC
    if word.endswith("ая"):
        return AJA_FEM
    if word.endswith("яя"):
        return JAJA_FEM
    return None


def word_forms(word: str) -> tuple[str, ...] | None:
    """Six case forms of a declinable word (adjective or territory noun), else None."""
    w = fold(word)
    if w in NOUN_FORMS:
        return NOUN_FORMS[w]
    endings = _adj_endings(w)
    if endings is None:
        return None
    stem = w[: -len(endings[0])]
    return tuple(stem + e for e in endings)


def split_head(name: str) -> tuple[str, str]:
    """Split a name into its declinable head and its fixed tail (``город Майкоп``)."""
    if " — " in name:
        head, tail = name.split(" — ", 1)
        return head, tail
    parts = name.split()
    noun = next((i for i, p in enumerate(parts) if fold(p) in NOUN_FORMS), -1)
    if noun < 0:
        return name, ""
    return " ".join(parts[: noun + 1]), " ".join(parts[noun + 1:])


@lru_cache(maxsize=4096)
def geo_noun_forms(word: str) -> tuple[str, ...] | None:
    """Six case forms of a one-word proper place name via pymorphy3 (``Москва`` -> ``Москвы``)."""
    from pipeline.grammar.lemma import morph

    w = fold(word)
    for parse in morph().parse(w):
        tag = parse.tag
        if "Geox" in tag and tag.POS == "NOUN" and tag.case == "nomn" and tag.number == "sing":
            forms = [parse.inflect({c}) for c in CASES]
            if all(forms):
                return tuple(f.word for f in forms if f is not None)
    return None


def phrase_forms(name: str) -> set[tuple[str, ...]]:
    """Token tuples of ``name`` in the six cases: the head declines, the tail stays or agrees."""
    head, tail = split_head(name)
    head_words, tail_words = words(head), words(tail)
    tables = [word_forms(w) for w in head_words]
    if head_words and not any(tables):
        tables[-1] = geo_noun_forms(head_words[-1])
    tail_table = geo_noun_forms(tail_words[0]) if len(tail_words) == 1 else None
    out: set[tuple[str, ...]] = set()
    for i in range(len(CASES)):
        declined = tuple(t[i] if t else w for w, t in zip(head_words, tables, strict=True))
        out.add(declined + tail_words)
        if tail_table:
            out.add((*declined, tail_table[i]))
    return out
