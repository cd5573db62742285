"""Phrase lookup of place names: every case form as a token tuple, scanned longest-first."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from pipeline.normalise.forms import phrase_forms, word_spans

Key = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Mention:
    """One occurrence of an index key in a text."""

    value: str
    start: int
    end: int


@dataclass(frozen=True)
class PhraseIndex:
    """Token tuples of every case form -> canonical names, scanned longest-first."""

    keys: dict[Key, tuple[str, ...]]
    lengths: dict[str, tuple[int, ...]] = field(default_factory=dict)

    @classmethod
    def build(cls, forms: list[tuple[str, str]]) -> PhraseIndex:
        """Index ``(written variant, canonical)`` pairs by all their case forms."""
        keys: dict[Key, dict[str, None]] = {}
        declined: dict[str, set[Key]] = {}
        for variant, canonical in forms:
            if variant not in declined:
                declined[variant] = phrase_forms(variant)
            for key in declined[variant]:
                keys.setdefault(key, {})[canonical] = None
        return cls.from_keys({k: tuple(v) for k, v in keys.items()})

    @classmethod
    def from_keys(cls, keys: dict[Key, tuple[str, ...]]) -> PhraseIndex:
        """The index of ``keys`` (token tuples -> canonical names), its lengths derived."""
        lengths: dict[str, set[int]] = defaultdict(set)
        for key in keys:
            lengths[key[0]].add(len(key))
        return cls(keys, {w: tuple(sorted(ns, reverse=True)) if len(ns) > 1 else (*ns,)
                          for w, ns in lengths.items()})

    def scan(self, text: str) -> list[tuple[Key, Mention]]:
        """Every non-overlapping mention in ``text``, left to right, longest key first."""
        spans = word_spans(text)
        toks = [s.word for s in spans]
        out, i = [], 0
        while i < len(toks):
            step = 1
            for n in self.lengths.get(toks[i], ()):
                key = tuple(toks[i: i + n])
                if len(key) == n and key in self.keys:
                    for value in self.keys[key]:
                        out.append((key, Mention(value, spans[i].start, spans[i + n - 1].end)))
                    step = n
                    break
            i += step
        return out


def pick(mentions: list[Mention], lead_chars: int | None) -> str | None:
    """Most frequent value among those mentioned in the lead (ties: earliest), else overall."""
    if not mentions:
        return None
    lead = [m for m in mentions if lead_chars is None or m.start < lead_chars] or mentions
    counts = Counter(m.value for m in mentions)
    first: dict[str, int] = {}
    for m in mentions:
        first.setdefault(m.value, m.start)
    return max({m.value for m in lead}, key=lambda v: (counts[v], -first[v]))
