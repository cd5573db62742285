"""Document metadata: type, title, projects, report year and date, read from the leading
lines, key-value tables and signature lines of a document."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from itertools import chain, pairwise
from typing import TypeGuard

from extractors.model import Document, Paragraph, Table
from pipeline.grammar.years import YEARS_RANGE_RE, year_phrase_re
from pipeline.interpret.headers import Header, norm, role_of
from pipeline.interpret.prose import quoted
from pipeline.interpret.values import parse_date
from pipeline.vocab import read_rows
from schemas.enums import DocType

LEAD_LINES = 25
LEAD_CELLS = 40
LEAD_TABLE_ROWS = 10
LETTERHEAD_ROWS, LETTERHEAD_COLS, LETTERHEAD_LINES = 2, 3, 12
FIGURE_CELL_RE = re.compile(r"[\d., ]*\d[\d., ]*")  # a cell that is a figure: no letterhead
YEAR_PHRASE_RE = year_phrase_re("за", "на")  # «за 2019 год», «на 2024 г.»
YEAR_LINE_RE = re.compile(r"^(20\d\d)\s*(?:год|г\.?)$", re.IGNORECASE)  # a title's line '2020 год'
STATE_DATE_RE = re.compile(r"по\s+состоянию\s+на\s+(\d{1,2})\.(\d{1,2})\.(20\d\d)", re.IGNORECASE)
# a passport's period field in any table («Сроки реализации программы» | «2015 - 2025 годы»)
PERIOD_FIELD_RE = re.compile(r"срок\w*\s+(?:реализаци|действи|исполнени)\w*[^\n]{0,80}\n?"
                             r"[^\n]{0,40}?(?<!\d)(20\d\d)\s*(?:г\.?|года?)?\s*[-–—]\s*20\d\d",
                             re.IGNORECASE)
REPORT_TYPES = frozenset({DocType.EXECUTION_REPORT, DocType.ROADMAP_REPORT,
                          DocType.EXPLANATORY_NOTE})  # what a state date or a year line dates
STAMP_DATE_RE = re.compile(r"^(?:от|№|n)\s*[«\"]?\d", re.IGNORECASE)  # 'от 19.09.2014 N 939'
PERIOD_RE = re.compile(r"(\d{1,2}\.\d{1,2}\.(20\d\d))\s*[-–—]")
# an approval stamp over the title («Утверждено приказом …», «УТВЕРЖДАЮ», «Приложение № 2»)
STAMP_LINE_RE = re.compile(r"^(?:утвержд|согласован|приложение\b)", re.IGNORECASE)
WORD_RE = re.compile(r"[^\W\d_]{3,}")  # a title says a word, not just «I» or «1.»
APPENDIX_MIN_LINES = 3  # lines of an order's own page before the appendix that is the programme
DATE_LINE_RE = re.compile(
    r"^(?:от\s+)?[«\"]?\d{1,2}[»\"]?[\s.]+(?:\d{1,2}|[а-яё]+)[\s.]+\d{4}\s*(?:г\.?|года)?$",
    re.IGNORECASE)
HEADER_DATE_RE = re.compile(r"\bот\s+(\d{1,2}\.\d{1,2}\.\d{4}|[«\"]?\d{1,2}[»\"]?\s+[а-яё]+\s+"
                            r"\d{4})", re.IGNORECASE)
QUOTED_CELL_RE = re.compile(r"^[«\"“][^«»\"“”]{2,120}[»\"”]$")
TRAILING_DATE_RE = re.compile(r"\s(\d{1,2}\.\d{1,2}\.\d{4})\s*(?:г\.?)?$")
MUNICIPAL_PROJECT_RE = re.compile(r"муниципальн\w+\s+проект\w*\s*[«\"“]", re.IGNORECASE)
FEDERAL_PROJECT_RE = re.compile(
    r"(?:федеральн\w+|регионал\w+)\s+(?:\(\s*\w+\s*\)\s*)?проект\w*\s*[«\"“]", re.IGNORECASE)
NATIONAL_PROJECT_RE = re.compile(r"национальн\w+\s+проект\w*\s*[«\"“]", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Lead:
    """The document's leading text: paragraphs before the first table plus key-value rows."""

    lines: list[str]
    all_lines: list[str]
    kv: dict[str, str]
    cells: list[str]
    full_text: str


def _kv_rows(table: Table) -> dict[str, str]:
    out: dict[str, str] = {}
    if table.n_cols != 2:
        return out
    for row in table.dense():
        key, val = norm(row[0]), norm(row[1])
        if key and val:
            out[key.lower()] = val
    return out


def caption_lines(table: Table, n_rows: int) -> list[str]:
    """Texts of a table's first ``n_rows`` rows (its captions), each once per row."""
    grid = table.dense()
    return [t for r in range(n_rows) for t in dict.fromkeys(norm(c) for c in grid[r]) if t]


def caption_rows(table: Table, header: Header) -> int:
    """Title rows over a table: the rows above its header band, or, when it has none (the
    top of a sheet that is one big grid), the rows at its top with one text each."""
    if header.start or header.n_rows:
        return header.start
    grid = table.dense(fill=True)
    n = 0
    while n < min(len(grid), LEAD_TABLE_ROWS + 2) and len({norm(c) for c in grid[n]
                                                           if norm(c)}) <= 1:
        n += 1
    return n


def lead_of(doc: Document, caption_rows: int = 0) -> Lead:
    """The lead of ``doc``; ``caption_rows`` title rows over its first table (the start of
    that table's header band) read as lead lines too."""
    lines: list[str] = []
    all_lines: list[str] = []
    kv: dict[str, str] = {}
    cells: list[str] = []
    table_texts: list[str] = []
    letterhead: list[str] = []
    seen_table = False
    for b in doc.blocks:
        if not seen_table and not lines and is_letterhead(b):
            letterhead.extend(t for c in b.cells for line in c.text.splitlines()
                              if (t := norm(line)))
            kv.update(_kv_rows(b))
            table_texts.extend(c.text for c in b.cells)
            continue
        if isinstance(b, Paragraph):
            for line in b.text.splitlines():
                t = norm(line.replace("*", " ").replace("<i>", "").replace("</i>", ""))
                if t:
                    all_lines.append(t)
                    if not seen_table and len(lines) < LEAD_LINES:
                        lines.append(t)
        else:
            if not seen_table:  # a sheet's title rows over its first table read as lead lines
                lines.extend(caption_lines(b, caption_rows)[:max(0, LEAD_LINES - len(lines))])
            if not seen_table or len(cells) < LEAD_CELLS:
                cells.extend(norm(c.text) for c in b.cells if c.row < LEAD_TABLE_ROWS and c.text)
            seen_table = True
            kv.update(_kv_rows(b))
            table_texts.extend(c.text for c in b.cells)
    lines.extend(letterhead[:LETTERHEAD_LINES])  # after the title, which comes first
    return Lead(lines, all_lines, kv, cells, "\n".join(all_lines + table_texts))


def is_letterhead(block: Paragraph | Table) -> TypeGuard[Table]:
    """A letter's heading laid out as a small table before the text (the sender's stamp
    beside the addressee): its lines are lead lines, and the lead goes on after it."""
    return (isinstance(block, Table) and block.n_rows <= LETTERHEAD_ROWS
            and block.n_cols <= LETTERHEAD_COLS
            and not any(FIGURE_CELL_RE.fullmatch(c.text.strip()) for c in block.cells))


@dataclass(frozen=True, slots=True)
class TypeRule:
    strength: str  # strong: anywhere in the lead; title: the earliest line; appendix
    pattern: re.Pattern[str]
    doc_type: DocType


@cache
def type_rules() -> tuple[TypeRule, ...]:
    """Title patterns -> document type (``vocab/doc_types.csv``), in priority order."""
    return tuple(TypeRule(r["strength"], re.compile(r["pattern"], re.IGNORECASE),
                          DocType(r["doc_type"])) for r in read_rows("doc_types.csv"))


def _appendix_order(lead: Lead) -> tuple[DocType, str] | None:
    """An order whose own text comes first and whose appendix is the programme: the line
    «Приложение к постановлению …» after the order's page."""
    rules = [r for r in type_rules() if r.strength == "appendix"]
    titles = [r for r in type_rules() if r.strength == "title"]
    for i, line in enumerate(lead.lines):
        if any(t.pattern.search(line) for t in titles):
            return None  # the document's own title comes first
        if i >= APPENDIX_MIN_LINES and (rule := next(
                (r for r in rules if r.pattern.search(line)), None)):
            return rule.doc_type, line
    return None


SPACED_RE = re.compile(r"^(?:[А-ЯЁA-Z] ){2,}[А-ЯЁA-Z]\b")  # 'О Т Ч Е Т'


def title_lines(lines: Iterable[str]) -> Iterator[str]:
    """Lines as a title reads: letter-spaced words closed up (``О Т Ч Е Т`` -> ``ОТЧЕТ``),
    and each line with the next one (``Отчет`` / ``о ходе реализации …``), before the line
    alone when the next one goes on in lower case (``ПАСПОРТ`` / ``муниципальной …``)."""
    closed = (SPACED_RE.sub(lambda m: m.group(0).replace(" ", ""), line) for line in lines)
    for t, nxt in pairwise(chain(closed, [None])):
        assert t is not None
        goes_on = nxt is not None and (nxt[:1].islower() or _open_quote(t))
        if goes_on:
            yield f"{t} {nxt}"
        yield t
        if nxt is not None and not goes_on:
            yield f"{t} {nxt}"


def _open_quote(text: str) -> bool:
    """A title line whose quotation goes on in the next line (``ПАСПОРТ … "РАЗВИТИЕ`` /
    ``ГОРОДСКОГО СООБЩЕСТВА" НА 2015 - 2025 ГОДЫ``)."""
    return text.count('"') % 2 == 1 or text.count("«") > text.count("»")


def title_cells(lead: Lead) -> list[str]:
    """The texts at the top of the first table that may be a title: a sheet's title sits
    beside or under an approval stamp, so not in a row of its own. Column headers and the
    stamp's number-and-date line are left out."""
    return [c for c in lead.cells if not role_of(c) and not STAMP_DATE_RE.match(c)
            and not STAMP_LINE_RE.match(c)]


def doc_type_of(lead: Lead, more_titles: Iterable[str] = ()) -> tuple[DocType, str | None]:
    """Type by the strongest title words of the lead; the earliest line otherwise; then the
    texts at the top of its first table; then the titles of the document's other tables (a
    workbook's sheets are the forms of one report)."""
    rules = type_rules()
    for rule in (r for r in rules if r.strength == "strong"):
        for line in lead.lines:
            if rule.pattern.search(line):
                return rule.doc_type, line
    if found := _appendix_order(lead):
        return found
    titles = [r for r in rules if r.strength == "title"]
    for lines in (lead.lines, title_cells(lead), more_titles):
        last: str | None = None
        for line in title_lines(lines):
            for rule in titles:
                if rule.pattern.search(line):
                    return rule.doc_type, _own_title(line, last, rule.pattern)
            last = line
    return DocType.OTHER, next((t for t in lead.lines if not STAMP_LINE_RE.match(t)
                                and WORD_RE.search(t)), lead.lines[0] if lead.lines else None)


def _own_title(line: str, last: str | None, pattern: re.Pattern[str]) -> str:
    """A title found in a line joined with the one before (a sheet's name, «Показатели» /
    «Отчет о достижении …») is the second line's own when that one says it alone."""
    if last is not None and line.startswith(last + " "):
        tail = line[len(last) + 1:]
        if pattern.search(tail):
            return tail
    return line


def _named(regex: re.Pattern[str], lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        for m in regex.finditer(line):
            name = quoted(line[m.end() - 1:])
            name = re.split(r"[»\"”](?!\s*[»\"”])", name)[0] if "«" not in name else name
            name = norm(name.strip("«»\"“” "))
            if name and name not in out:
                out.append(name)
    return out


def _kv(lead: Lead, *keys: str) -> str | None:
    for k, v in lead.kv.items():
        if all(key in k for key in keys):
            return norm(v.strip("«»\" "))
    return None


def projects_of(lead: Lead) -> tuple[list[str], list[str], list[str]]:
    """National, federal and municipal project names, as written, in order of mention."""
    text_lines = lead.all_lines[:200]
    national = _named(NATIONAL_PROJECT_RE, text_lines)
    federal = _named(FEDERAL_PROJECT_RE, text_lines)
    municipal = _named(MUNICIPAL_PROJECT_RE, text_lines)
    if v := _kv(lead, "национальн", "проект"):
        national.insert(0, v)
    if v := _kv(lead, "регионал", "проект") or _kv(lead, "федерал", "проект"):
        federal.insert(0, v)
    if v := _kv(lead, "муниципальн", "проект", "наименован"):
        municipal.insert(0, v)
    if not municipal:  # a basic-info table whose key column was lost: its quoted name cell
        municipal.extend(quoted(c) for c in lead.cells[:4] if QUOTED_CELL_RE.match(c))
    return national, federal, municipal


def report_year_of(lead: Lead, dtype: DocType, more_titles: Iterable[str] = ()) -> int | None:
    """The year a document covers: a passport's first year (its period field or title, in
    the lead, the titles of its other tables, or a period field anywhere), an order's none,
    else the year it is for (``за 2019 год``; a report's ``по состоянию на 31.12.2020`` or
    title line ``2020 год``), from the lead or the titles of the other tables."""
    if dtype == DocType.PROJECT_PASSPORT:
        return _passport_year(lead, more_titles)
    if dtype == DocType.ORDER:
        return None
    report = dtype in REPORT_TYPES  # a plan's state date is the start of what it plans
    return _report_year(lead.lines, report) or _report_year(list(more_titles), report)


def _passport_year(lead: Lead, more_titles: Iterable[str]) -> int | None:
    kv_periods = [v for k, v in lead.kv.items() if "срок" in k]
    for source in (*kv_periods, *lead.all_lines[:80], *lead.cells):
        if m := PERIOD_RE.search(source):
            return int(m.group(2))
    for source in chain(lead.lines, kv_periods, lead.cells, more_titles):  # 'на 2015 - 2025'
        if m := YEARS_RANGE_RE.search(source):
            return int(m.group(1))
    m = PERIOD_FIELD_RE.search(lead.full_text)
    return int(m.group(1)) if m else None


def _report_year(lines: list[str], report: bool) -> int | None:
    if m := YEAR_PHRASE_RE.search(" ".join(lines)):  # 'за 2019' / 'год' on two lines too
        return int(m.group(1))
    if not report:
        return None
    for line in lines:
        if m := STATE_DATE_RE.search(line):  # the state on 1 January closes the year before
            day, month, year = (int(g) for g in m.groups())
            return year - 1 if (day, month) == (1, 1) else year
    return next((int(m.group(1)) for line in lines if (m := YEAR_LINE_RE.match(line))), None)


def doc_date_of(lead: Lead) -> dt.date | None:
    for line in lead.lines[:12]:
        if m := HEADER_DATE_RE.search(line):
            d = parse_date(m.group(1))
            if d:
                return d
    for line in lead.lines[:12] + lead.all_lines[-8:]:
        if DATE_LINE_RE.match(line):
            d = parse_date(line)
            if d:
                return d
    for line in lead.all_lines[-8:]:  # a signature line ending with its date
        if (m := TRAILING_DATE_RE.search(line)) and (d := parse_date(m.group(1))):
            return d
    return None
