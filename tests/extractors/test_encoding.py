from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from extractors import encoding
from extractors.encoding import decode, decode_text
from extractors.errors import CorruptFile, EmptyFile, ResourceLimit

REPORT = (
    "Отчёт об исполнении плана мероприятий «Дорожной карты» регионального проекта "
    "«Учитель будущего» за 2020 год.\r\nПоказатель 1. Доля педагогических работников, "
    "прошедших повышение квалификации, – не менее 5 %. Целевой показатель достигнут; "
    "№ 223/1 от 17.05.2022, МБОУ СОШ № 4, WorldSkills.\r\n"
)
PLAIN = REPORT.translate(str.maketrans({"«": '"', "»": '"', "–": "-", "№": "N"}))  # KOI8/cp866
SHORT = "Приказ управления образования об утверждении муниципального проекта"
UPPER = "ПРИКАЗ УПРАВЛЕНИЯ ОБРАЗОВАНИЯ ОБ УТВЕРЖДЕНИИ МУНИЦИПАЛЬНОГО ПРОЕКТА"

WORDS_TEXT = (
    "отчет исполнение план мероприятие реализация национальный проект образование показатель "
    "значение процент доля педагогических работников организаций муниципального района "
    "городского округа учитель будущего современная школа успех каждого ребенка цифровая "
    "образовательная среда выполнено исполнено частично достигнут базовое плановое "
    "фактическое год области финансирование бюджета средства освоено рублей центр "
    "поддержка семей детей молодые профессионалы социальная активность наставничество "
    "квалификации повышение общеобразовательных учреждений управление администрация "
    "приказ утверждении руководитель куратор администратор срок ответственный статус"
)
WORDS = WORDS_TEXT.split()


@pytest.mark.parametrize(
    ("text", "raw", "expected"),
    [
        (REPORT, REPORT.encode("utf-8"), "utf-8"),
        (REPORT, b"\xef\xbb\xbf" + REPORT.encode("utf-8"), "utf-8"),
        (REPORT, b"\xff\xfe" + REPORT.encode("utf-16-le"), "utf-16-le"),
        (REPORT, b"\xfe\xff" + REPORT.encode("utf-16-be"), "utf-16-be"),
        (REPORT, REPORT.encode("utf-16-le"), "utf-16-le"),
        (REPORT, REPORT.encode("utf-16-be"), "utf-16-be"),
        (REPORT, REPORT.encode("utf-32"), "utf-32-le"),
        (REPORT, REPORT.encode("cp1251"), "cp1251"),
        (PLAIN, PLAIN.encode("koi8-r"), "koi8-r"),
        (PLAIN, PLAIN.encode("cp866"), "cp866"),
        (SHORT, SHORT.encode("cp1251"), "cp1251"),
        (SHORT, SHORT.encode("koi8-r"), "koi8-r"),
        (UPPER, UPPER.encode("cp1251"), "cp1251"),
        (UPPER, UPPER.encode("koi8-r"), "koi8-r"),
        ("plain ASCII report 2020\n", b"plain ASCII report 2020\n", "utf-8"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le", "utf16be", "utf32",
         "cp1251", "koi8r", "cp866", "cp1251-short", "koi8r-short", "cp1251-upper",
         "koi8r-upper", "ascii"],
)
def test_detects_encoding(text: str, raw: bytes, expected: str) -> None:
    assert decode_text(raw) == (text, expected)


@pytest.mark.parametrize(
    ("raw", "error", "words"),
    [
        (b"", EmptyFile, "0 bytes"),
        (b" \r\n\t \n", EmptyFile, "whitespace"),
        (b"\xef\xbb\xbf  \r\n", EmptyFile, "whitespace"),
        (b"PK\x03\x04\x00\x00\x08\x00" + bytes(range(256)) * 4, CorruptFile, "NUL"),
        (bytes(range(1, 32)) * 40, CorruptFile, "control"),
        ("Café crème à la façon de Genève, très élégant".encode("latin-1"), CorruptFile,
         "cannot determine the text encoding"),
        (REPORT.encode("utf-8") + b"\xff\xfe\xfa" + REPORT.encode("utf-8"), CorruptFile,
         "damaged byte sequence"),
        (b"\xff\xfe" + REPORT.encode("utf-16-le")[:-1], CorruptFile, "UTF-16"),
    ],
    ids=["empty", "whitespace", "bom-only", "binary", "controls", "latin1", "damaged-utf8",
         "odd-utf16"],
)
def test_refuses_bad_bytes(raw: bytes, error: type[Exception], words: str) -> None:
    with pytest.raises(error) as info:
        decode_text(raw, "report.txt")
    assert words in str(info.value)
    assert info.value.path == "report.txt"  # type: ignore[attr-defined]


def test_size_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(encoding, "MAX_TEXT_BYTES", 100)
    with pytest.raises(ResourceLimit, match="exceeds"):
        decode_text(("а" * 60).encode("utf-8"))


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["plain", "bom"])
def test_truncated_last_character_is_dropped_with_warning(bom: bytes) -> None:
    raw = bom + REPORT.encode("utf-8") + "ё".encode()[:1]
    decoded = decode(raw)
    assert (decoded.text, decoded.encoding) == (REPORT, "utf-8")
    assert len(decoded.warnings) == 1
    assert "truncated" in decoded.warnings[0]


def test_utf8_bom_over_other_bytes_is_refused() -> None:
    with pytest.raises(CorruptFile, match="UTF-8 byte-order mark"):
        decode_text(b"\xef\xbb\xbf" + REPORT.encode("cp1251"))


@st.composite
def russian_text(draw: st.DrawFn) -> str:
    """Running Russian text: real words, random case, punctuation, numbers and line breaks."""
    words = draw(st.lists(st.sampled_from(WORDS), min_size=5, max_size=60))
    out = []
    for k, word in enumerate(words):
        style = draw(st.sampled_from(["lower", "lower", "title", "upper"]))
        word = {"lower": word, "title": word.capitalize(), "upper": word.upper()}[style]
        sep = draw(st.sampled_from([" ", " ", " ", ", ", ". ", " – ", "\n", " 2020 ", " 5 % "]))
        out.append(word + (sep if k < len(words) - 1 else ""))
    return "".join(out)


@settings(max_examples=300, deadline=None)
@given(
    text=russian_text(),
    codec=st.sampled_from(
        ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1251", "koi8-r", "cp866"]
    ),
)
def test_russian_text_round_trips(text: str, codec: str) -> None:
    try:
        raw = text.encode(codec)
    except UnicodeEncodeError:
        assume(False)
    decoded, name = decode_text(raw)
    assert decoded == text
    assert name.replace("-sig", "") in {codec.replace("-sig", ""), "utf-16-le", "utf-16-be"}
