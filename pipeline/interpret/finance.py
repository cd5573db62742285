"""Finance: budget tables by year and source (passports) and budget sentences in prose
(``выделено 2 002,000 тыс. руб. … освоено 1 201,874 тыс. руб.``)."""

from __future__ import annotations

import re

from pipeline.grammar.items import item_number
from pipeline.grammar.years import YEAR_ONLY_RE, YEAR_RE
from pipeline.interpret.cells import data_rows
from pipeline.interpret.headers import NAME_ROLES, Header, norm
from pipeline.interpret.rowbuild import FinanceFigures
from pipeline.interpret.values import money_scale, parse_money
from pipeline.interpret.view import TableView
from pipeline.vocab import finance_sources, money_re, money_words
from schemas.enums import FinanceSource, MoneyKind
from schemas.rows import FinanceRow

# a money figure in prose: digits, maybe a scale word, then the rouble word
MONEY_RE = re.compile(
    r"(?<![\d,.])(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[,.]\d+)?\s*"
    rf"({'|'.join(money_words('prose_scale'))})?\s*({'|'.join(money_words('rouble'))})",
    re.IGNORECASE,
)
PLANNED_WORDS = money_re("planned")
SPENT_WORDS = money_re("spent")
CLAUSE_SPLIT_RE = re.compile(r",\s+|;\s*|\s+в том числе\s+|\s+из них\s+|\s+и\s+(?=\d)")
BUDGET_CONTEXT = money_re("budget_context")
NOT_SPENT = money_re("not_spent")
FINANCE_TABLE_WORDS = money_re("finance_table", flags=0)  # on lower-cased text
FINANCE_MATRIX_WORDS = money_re("finance_matrix", flags=0)  # on lower-cased text
# The text of a finance row gathers the sentences that restate its figures, up to this length
# (a note that repeats itself would otherwise make the text, and the time, grow without end).
TEXT_MAX = 2000


def source_of(text: str) -> FinanceSource | None:
    low = text.lower()
    for pattern, source in finance_sources():
        if pattern.search(low):
            return source
    return None


def is_finance_table(h: Header) -> bool:
    """Money by year across the columns, one column a year: two columns of one year are split
    by something this reader does not read (sources, measures), so the table is not one."""
    words = h.text.lower()
    money = FINANCE_TABLE_WORDS.search(words)
    years = [c.year for c in h.year_cols()]
    return bool(money) and bool(years) and len(years) == len(set(years))


def finance_from_table(table: TableView, h: Header) -> list[FinanceRow]:
    scale = money_scale(h.text) or 1.0
    out: list[FinanceRow] = []
    for row in data_rows(table, h.n_rows):
        label_cells = [c for k, c in enumerate(row.cells)
                       if c.strip() and h.columns[k].role not in ("year", "total")
                       and item_number(c) is None]
        label = norm(" ".join(label_cells))
        source = source_of(label)
        if source is None:
            continue
        figures = FinanceFigures()
        for col in h.year_cols():
            text = row.get(col.index)
            value = parse_money(text, default_scale=scale) if text.strip() else None
            if value is None:
                continue
            figures.add(col.year, source, MoneyKind.PLANNED, value, text=label, page=row.page,
                        locator=row.locator)
        out.extend(figures.rows())
    return out


NEED = "need"  # the need stated beside the approved figure: kept in the text only
MEASURE_KINDS: dict[str, MoneyKind | str] = {"planned": MoneyKind.PLANNED,
                                             "actual": MoneyKind.SPENT, "need": NEED}


def _source_columns(h: Header) -> list[tuple[int, FinanceSource, MoneyKind | str, str]]:
    """(column, source, kind, source header) of a header that names sources across columns
    (``всего по источникам | местный бюджет | …``), each with its measure under it."""
    out = []
    for c in h.columns:
        if c.role == "source" or c.year is not None:
            continue
        found = next(((s, t) for t in c.texts if (s := source_of(t)) is not None), None)
        if found is None:
            continue
        kind = MEASURE_KINDS.get(c.role or "", MoneyKind.PLANNED if len(c.texts) == 1 else "")
        if kind:
            out.append((c.index, found[0], kind, found[1]))
    return out


def is_year_rows_finance(h: Header) -> bool:
    """A matrix of money by year (rows) and source (columns): ``Годы | всего по источникам:
    потребность | утверждено | местный бюджет: …``."""
    if h.year_cols() or set(NAME_ROLES) & h.roles:
        return False
    sources = {s for _, s, _, _ in _source_columns(h)}
    return len(sources) >= 2 and bool(FINANCE_MATRIX_WORDS.search(h.text.lower()))


def finance_from_year_rows(table: TableView, h: Header) -> list[FinanceRow]:
    """One finance row per year (a row whose own cell is a bare year; totals over all years
    are not a year) and source: the approved or planned figure, the spend where stated, the
    need in the text."""
    scale = money_scale(h.text) or 1.0
    columns = _source_columns(h)
    money_cols = {c for c, _, _, _ in columns}
    out: list[FinanceRow] = []
    for row in data_rows(table, h.n_rows):
        year = next((int(m.group(1)) for k, c in enumerate(row.cells)
                     if k not in money_cols and (m := YEAR_ONLY_RE.match(c))), None)
        if year is None:
            continue
        figures = FinanceFigures()
        for col, source, kind, label in columns:
            cell = row.get(col)
            value = parse_money(cell, default_scale=scale) if cell.strip() else None
            if value is None:
                continue
            text = f"{year}: {norm(label)}"
            if isinstance(kind, MoneyKind):
                said = f"{'факт' if kind == MoneyKind.SPENT else 'план'} {norm(cell)}"
                figures.add(year, source, kind, value, said=said, text=text, page=row.page,
                            locator=row.locator)
            else:  # the need: kept in the text only
                figures.note(year, source, f"потребность {norm(cell)}", text=text,
                             page=row.page, locator=row.locator)
        out.extend(figures.rows())
    return out


def _kind(text: str) -> MoneyKind | None:
    if SPENT_WORDS.search(text):
        return MoneyKind.SPENT
    return MoneyKind.PLANNED if PLANNED_WORDS.search(text) else None


def _clauses(sentence: str) -> list[str]:
    return [c for c in CLAUSE_SPLIT_RE.split(sentence) if c]


def finance_from_sentences(sentences: list[tuple[str, str, int | None]],
                           default_year: int | None) -> list[FinanceRow]:
    """Budget figures from prose; ``sentences`` are (text, locator, page)."""
    found = FinanceFigures()
    last_year: int | None = None
    for sentence, locator, page in sentences:
        if not MONEY_RE.search(sentence):
            continue
        kind = _kind(sentence)
        if kind is None or not BUDGET_CONTEXT.search(sentence):
            continue  # 'Объем ВВП составил 21691,1 млрд. рублей' is money, not a budget
        years = [int(y) for y in YEAR_RE.findall(sentence)]
        year = years[0] if years else last_year or default_year
        last_year = year
        by_year = len(set(years)) > 1  # «… 300 тыс. руб., в том числе 2021 год – 100 …»
        clause_year: int | None = None
        of_all: FinanceSource | None = None
        for clause in _clauses(sentence):
            if by_year and (own := YEAR_RE.findall(clause)):
                clause_year = year = int(own[0])
            m = MONEY_RE.search(clause)
            if not m or NOT_SPENT.search(clause[: m.start()]):
                continue
            if by_year and clause_year is None:  # a figure over all the years the sentence
                of_all = source_of(clause) or of_all  # goes on to list: the years' figures
                continue  # are that total's (or that source's) parts
            kind = _kind(clause) or kind
            value = parse_money(m.group(0))
            if value is None:
                continue
            source = source_of(clause) or (of_all if by_year else None)
            if source is None:
                sources = found.sources(year)
                source = (FinanceSource(next(iter(sources))) if len(sources) == 1
                          else FinanceSource.UNKNOWN)
            said = norm(sentence)
            if not found.add(year, source, kind, value, text=said, page=page, locator=locator):
                found.note(year, source, said, text=said, sep=" ", limit=TEXT_MAX)
    return found.rows()
