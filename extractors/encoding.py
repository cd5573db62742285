"""Text decoding for Russian documents: BOMs, UTF-16 without BOM, strict UTF-8, then the
single-byte Cyrillic code pages chosen by letter statistics.

Detection never falls back to latin-1 (which decodes any bytes into mojibake): when no
candidate reads as Russian, the file is refused with a reason. The single-byte candidates
are scored on a sample by the log-frequency of Russian letters, with penalties for
characters that ordinary text does not contain (box drawing, rare punctuation) and for an
upper-case letter right after a lower-case one, the usual traces of a wrong code page.
"""

from __future__ import annotations

import functools
import logging
import math
import re
from dataclasses import dataclass
from itertools import pairwise

from extractors.errors import CorruptFile, EmptyFile, ResourceLimit

log = logging.getLogger(__name__)

MAX_TEXT_BYTES = 50 * 1024 * 1024
SAMPLE_BYTES = 64 * 1024
SINGLE_BYTE = ("cp1251", "koi8-r", "cp866")
BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# Relative frequencies of Russian letters (per cent of letters in running text).
LETTER_FREQ = {
    "о": 10.97, "е": 8.45, "а": 8.01, "и": 7.35, "н": 6.70, "т": 6.26, "с": 5.47, "р": 4.73,
    "в": 4.54, "л": 4.40, "к": 3.49, "м": 3.21, "д": 2.98, "п": 2.81, "у": 2.62, "я": 2.01,
    "ы": 1.90, "ь": 1.74, "г": 1.70, "з": 1.65, "б": 1.59, "ч": 1.44, "й": 1.21, "х": 0.97,
    "ж": 0.94, "ш": 0.73, "ю": 0.64, "ц": 0.48, "щ": 0.36, "э": 0.32, "ф": 0.26, "ъ": 0.04,
    "ё": 0.04,
}
LOG_P = {ch: math.log(f / 100) for ch, f in LETTER_FREQ.items()}
# Non-ASCII characters that ordinary Russian documents do contain besides letters.
NEUTRAL = set("«»—–№…“”„‘’•·°§±×≤≥\xa0\u2009\u202f\u2116")
# The 150 most frequent letter pairs inside Russian words (from report texts), most common first.
PAIRS_TEXT = (
    "ов ни ра ро ен но го ст пр те ан ог ль ва на ци ко ес об ия ьн ал ел че ск ед ац он по ре "
    "ле аз ор та ер си ны от ти ит то ат да ме не од ки пе ис ик ио ич ол зо за бр ка ет ий ас "
    "ых во ли ос ие де ма их ии уч ом ги сс бо из ой аг тв ин до фе аб ри тн нн ве вн чи ей оф "
    "вы ем оп кт со ди сп фо рм ми ам ще га це ру же ав ек рг тр ее ла нт вл ок ое ло мо ча бщ "
    "ир лн сл ег оц мы ви ше рс ев им ур ят ай му фи бу ад вс др ля йо ры иф ук ак ез ив ун мп"
)
COMMON_PAIRS = frozenset(PAIRS_TEXT.split())
VOWELS = frozenset("аеёиоуыэюя")
WORD_RE = re.compile(r"[а-яёА-ЯЁ]+")
RUN_RE = re.compile(r"[аеёиоуыэюя]+|[^аеёиоуыэюя]+")
MIXED_RE = re.compile(r"[A-Za-z][а-яёА-ЯЁ]|[а-яёА-ЯЁ][A-Za-z]")  # latin-1 accents read as Cyrillic
NEUTRAL_SCORE = -3.5
ODD_PENALTY = 10.0
CASE_PENALTY = 3.0
PAIR_WEIGHT = 4.0
SHAPE_PENALTY = 3.0
MIXED_PENALTY = 6.0
MIN_MEAN_SCORE = -6.0
MAX_CONTROL_RATIO = 0.01
CONTROL_OK = set("\t\n\r\f\v")


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    warnings: tuple[str, ...] = ()


def char_score(text: str) -> float:
    """Mean plausibility of the non-ASCII characters of ``text`` as Russian (higher is better)."""
    total = 0.0
    count = 0
    prev_lower = False
    for ch in text:
        if ch < "\x80":
            prev_lower = False
            continue
        count += 1
        low = ch.lower()
        lp = LOG_P.get(low)
        if lp is None:
            total += NEUTRAL_SCORE if ch in NEUTRAL else -ODD_PENALTY
            prev_lower = False
            continue
        is_lower = ch == low
        total += lp - (CASE_PENALTY if prev_lower and not is_lower else 0.0)
        prev_lower = is_lower
    return total / count if count else 0.0


@functools.lru_cache(maxsize=1 << 16)  # every word is scored once per candidate code page
def _word_shape(word: str) -> tuple[float, int, int]:
    """Penalty for un-Russian letter runs in one word, its common pairs and its pairs."""
    w = word.lower()
    penalty = 0.0
    if len(w) >= 2 and not VOWELS.intersection(w):
        penalty += 4.0 / 3.0 * len(w)
    if w[0] in "ьъы":
        penalty += 4.0 / 3.0
    for run in RUN_RE.findall(w):
        limit = 2 if run[0] in VOWELS else 3
        penalty += max(0, len(run) - limit)
    hits = sum(1 for a, b in pairwise(w) if a + b in COMMON_PAIRS)
    return SHAPE_PENALTY * penalty, hits, len(w) - 1


def russian_score(text: str) -> float:
    """How much ``text`` looks like Russian: letter frequencies, word shapes, common pairs,
    and no Cyrillic letters glued to Latin ones."""
    n = sum(1 for ch in text if ch >= "\x80")
    if not n:
        return 0.0
    shape = hits = pairs = 0.0
    for word in WORD_RE.findall(text):
        s, h, p = _word_shape(word)
        shape, hits, pairs = shape + s, hits + h, pairs + p
    shape += MIXED_PENALTY * len(MIXED_RE.findall(text))
    return char_score(text) + (PAIR_WEIGHT * (hits - 0.5 * pairs) - shape) / n


def _bom(data: bytes) -> tuple[str, int] | None:
    """The codec named by a byte-order mark at the start of ``data`` and the mark's length."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return name, len(bom)
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when the high bytes of a sample are mostly 0x00 or 0x04."""
    sample = data[: min(len(data), 8192) & ~1]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]

    def high_ratio(part: bytes) -> float:
        return (part.count(0) + part.count(4)) / len(part)

    e, o = high_ratio(even), high_ratio(odd)
    if o >= 0.7 and e <= 0.2:
        return "utf-16-le"
    if e >= 0.7 and o <= 0.2:
        return "utf-16-be"
    return None


def _strict(data: bytes, codec: str, source: str, why: str) -> str:
    """``data`` decoded strictly; a decoding error is a CorruptFile explained by ``why``."""
    try:
        return data.decode(codec)
    except UnicodeDecodeError as e:
        raise CorruptFile(
            source, f"{why}, but its bytes are not valid {codec.upper()} "
            f"(broken sequence at byte {e.start}): the file is damaged or truncated"
        ) from None


def _utf8(data: bytes, source: str) -> Decoded | None:
    """Strict UTF-8; a cut last character is dropped with a warning; mostly-UTF-8 is refused."""
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as e:
        first_bad, reason = e.start, e.reason
    if first_bad >= len(data) - 3 and reason == "unexpected end of data":
        warning = "the text ends in the middle of a UTF-8 character (truncated file)"
        log.warning("%s: %s", source, warning)
        return Decoded(data[:first_bad].decode("utf-8"), "utf-8", (warning,))
    if mixed := _by_line(data, source):
        return mixed
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ch >= "\x80") - bad
    if good >= 20 * bad:
        raise CorruptFile(
            source, f"the text is UTF-8 but has {bad} damaged byte sequence(s), the first at "
            f"byte {first_bad}: the file is corrupt or mixes encodings",
        )
    return None


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _by_line(data: bytes, source: str) -> Decoded | None:
    """A text some of whose lines are UTF-8 and the others in one Cyrillic code page (files
    pasted together), each line decoded on its own, with a warning; None when the lines that
    are not UTF-8 are damaged UTF-8 rather than another encoding, or read as no Russian."""
    lines = data.splitlines(keepends=True)
    utf8 = [_is_utf8(ln) for ln in lines]
    other = [ln for ln, ok in zip(lines, utf8, strict=True) if not ok]
    n_utf8 = sum(1 for ln in lines if not ln.isascii()) - len(other)
    if not other or not n_utf8:
        return None
    for ln in other:  # damaged UTF-8 keeps most of its non-ASCII characters
        text = ln.decode("utf-8", errors="replace")
        if sum(1 for ch in text if ch >= "\x80") - text.count("\ufffd") >= text.count("\ufffd"):
            return None
    try:
        codec = _single_byte(b"".join(other), source).encoding
    except CorruptFile:
        return None
    text = "".join(ln.decode("utf-8" if ok else codec) for ln, ok in zip(lines, utf8, strict=True))
    warning = (f"the text mixes encodings: {n_utf8} line(s) in UTF-8 and {len(other)} in "
               f"{codec}; each line was decoded on its own")
    log.warning("%s: %s", source, warning)
    return Decoded(text, f"utf-8+{codec}", (warning,))


def _single_byte(data: bytes, source: str) -> Decoded:
    """The Cyrillic code page whose reading of a sample looks most like Russian."""
    sample = data[:SAMPLE_BYTES]
    scores: dict[str, float] = {}
    for codec in SINGLE_BYTE:
        try:
            scores[codec] = russian_score(sample.decode(codec))
        except UnicodeDecodeError:
            continue
    best = max(scores, key=lambda c: scores[c], default=None)
    if best is None or scores[best] < MIN_MEAN_SCORE:
        raise CorruptFile(
            source, "cannot determine the text encoding: the bytes are neither UTF-8 nor "
            "UTF-16 and do not read as Russian text in cp1251, KOI8-R or cp866",
        )
    log.debug("%s: single-byte scores %s -> %s", source, scores, best)
    return Decoded(_strict(data, best, source, f"the text looks like {best}"), best)


def _check_text(decoded: Decoded, source: str, size: int) -> Decoded:
    """``decoded`` unless it is blank or binary."""
    text = decoded.text
    if not text.strip():
        raise EmptyFile(source, "the file contains only whitespace, no text")
    controls = sum(1 for ch in text[:SAMPLE_BYTES] if ch < " " and ch not in CONTROL_OK)
    if "\x00" in text or controls > MAX_CONTROL_RATIO * min(len(text), SAMPLE_BYTES):
        raise CorruptFile(source, "binary data, not text: the file is full of control bytes")
    log.debug("%s: %d bytes decoded as %s", source, size, decoded.encoding)
    return decoded


def decode(data: bytes, source: str = "<bytes>") -> Decoded:
    """Decode ``data`` as Russian text, with the encoding name and any non-fatal warnings.

    Raises:
        EmptyFile: no bytes, or only whitespace.
        ResourceLimit: more than ``MAX_TEXT_BYTES``.
        CorruptFile: binary data, damaged UTF-8/UTF-16, or no encoding reads as Russian.
    """
    if not data:
        raise EmptyFile(source, "empty file (0 bytes)")
    if len(data) > MAX_TEXT_BYTES:
        raise ResourceLimit(
            source, f"text file of {len(data) / 1e6:.1f} MB exceeds the "
            f"{MAX_TEXT_BYTES // (1024 * 1024)} MB limit",
        )
    if found := _bom(data):
        codec, skip = found
        why = f"the file starts with a {codec.upper()} byte-order mark"
        decoded = _utf8(data[skip:], source) if codec == "utf-8" else None
        if decoded is None:  # for UTF-8, _strict raises: the bytes are not UTF-8
            decoded = Decoded(_strict(data[skip:], codec, source, why), codec)
        return _check_text(decoded, source, len(data))
    if b"\x00" in data or b"\x04" in data:
        if codec16 := _utf16_without_bom(data):
            text = _strict(data, codec16, source, "the byte pattern is UTF-16")
            return _check_text(Decoded(text, codec16), source, len(data))
        if b"\x00" in data:
            raise CorruptFile(source, "binary data, not text: the file contains NUL bytes")
    decoded = _utf8(data, source) or _single_byte(data, source)
    return _check_text(decoded, source, len(data))


def decode_text(data: bytes, source: str = "<bytes>") -> tuple[str, str]:
    """Decode ``data`` as Russian text and return ``(text, encoding name)``.

    Raises:
        EmptyFile: no bytes, or only whitespace.
        ResourceLimit: more than ``MAX_TEXT_BYTES``.
        CorruptFile: binary data, damaged UTF-8/UTF-16, or no encoding reads as Russian.
    """
    decoded = decode(data, source)
    return decoded.text, decoded.encoding
