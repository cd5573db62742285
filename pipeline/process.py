"""One file's path as a chain of plain steps: extract -> interpret -> normalise -> validate.

``process_file`` returns a picklable FileResult (with each step's time), so it runs the same
in-process, in a local process pool or on a Dask worker. ``FileProcessor`` is the task a run
hands to its engine: the file settings of the run config, shipped with every task.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from operator import attrgetter
from pathlib import Path
from typing import Any, TypeVar

from extractors import ExtractLimits, extract
from extractors.errors import ConverterMissing, ExtractionError
from extractors.model import Cell, Document, Paragraph, Table
from pipeline import __version__
from pipeline.interpret import Reading, interpret
from pipeline.normalise import normalise
from pipeline.normalise.names import Names, NamesSpec
from pipeline.sources import SourceFile
from schemas.enums import DocStatus, Format, IndicatorFlag
from schemas.rows import ActivityRow, DocumentRow, FinanceRow, IndicatorRow
from schemas.validate import Violation, validate_rows, without_violations

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R", IndicatorRow, ActivityRow, FinanceRow)
FORMATS = frozenset(f.value for f in Format)


@dataclass(slots=True)
class FileResult:
    source: SourceFile
    document: DocumentRow
    indicators: list[IndicatorRow] = field(default_factory=list)
    activities: list[ActivityRow] = field(default_factory=list)
    finance: list[FinanceRow] = field(default_factory=list)
    seconds: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)  # seconds of each step of the chain
    missing_tool: str | None = None  # failed for want of this program (extractors.tools.Tool)

    def row_counts(self) -> dict[str, int]:
        return {
            "indicators": len(self.indicators),
            "activities": len(self.activities),
            "finance": len(self.finance),
        }


@dataclass(frozen=True, slots=True)
class FileSettings:
    """What one file's chain takes from the run config (picklable, sent with each task)."""

    names: NamesSpec = field(default_factory=NamesSpec)
    limits: ExtractLimits | None = None  # None: the readers' own defaults


def failed_result(src: SourceFile, error: str, fmt: str | None = None, seconds: float = 0.0
                  ) -> FileResult:
    """A ``failed`` documents row with a human-readable reason and no other rows."""
    row = DocumentRow(doc_id=src.doc_id, source_path=src.rel_path, format=fmt,
                      status=DocStatus.FAILED.value, error=error, extractor_version=__version__)
    return FileResult(src, row, seconds=seconds)


def _guess_format(path: Path) -> str | None:
    suffix = path.suffix.lower().lstrip(".")
    if suffix == "htm":
        suffix = "html"
    return suffix if suffix in FORMATS else None


def to_result(src: SourceFile, doc: Document, reading: Reading) -> FileResult:
    """The rows of the four tables from a document and its (normalised) reading."""
    status = DocStatus.PARTIAL if doc.warnings else DocStatus.OK
    row = replace(
        reading.meta, doc_id=src.doc_id, source_path=src.rel_path, format=doc.format.value,
        status=status.value, error="; ".join(doc.warnings) if doc.warnings else None,
        pages=doc.pages, extractor_version=__version__, encoding=doc.encoding,
        warnings=list(doc.warnings))
    doc_id = src.doc_id
    return FileResult(src, row, _with_doc_id(reading.indicators, doc_id),
                      _with_doc_id(reading.activities, doc_id),
                      _with_doc_id(reading.finance, doc_id))


def _after_doc_id(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    """The values of a row class's fields after its first, ``doc_id``, as one tuple."""
    names = [f.name for f in fields(cls)]
    if names[0] != "doc_id" or len(names) < 3:
        raise TypeError(f"{cls.__name__} does not start with doc_id")
    return attrgetter(*names[1:])


AFTER_DOC_ID = {cls: _after_doc_id(cls) for cls in (IndicatorRow, ActivityRow, FinanceRow)}


def _with_doc_id(rows: list[R], doc_id: str) -> list[R]:
    """``replace(r, doc_id=doc_id)`` of every row, made by the constructor from the other
    fields in order (``replace`` costs three times as much, for every row of a file)."""
    if not rows:
        return []
    cls = type(rows[0])
    rest = AFTER_DOC_ID[cls]
    return [cls(doc_id, *rest(r)) for r in rows]


def unreadable(exc: OSError) -> str:
    """Why a file found by discovery could not be read when its turn came."""
    if isinstance(exc, FileNotFoundError):
        return "file disappeared before it could be read (deleted or moved during the run)"
    if isinstance(exc, PermissionError):
        return "file could not be read: permission denied (made unreadable during the run?)"
    if isinstance(exc, IsADirectoryError):
        return "file was replaced by a folder before it could be read"
    return f"file could not be read: {exc.strerror or exc}"


def validate(res: FileResult) -> FileResult:
    """``res`` with every value that does not fit the output schema (a bug in interpretation,
    or a figure no grammar should have let through) set to null, with a warning on the
    document (``partial``) and the flag ``value_unparsed`` on an indicator that lost one;
    a child row whose doc_id does not fit is dropped. Only a documents row whose doc_id does
    not fit makes the file ``failed``: one bad value never costs the file's good rows."""
    problems = validate_rows("documents", [res.document])
    if any(p.column == "doc_id" for p in problems):
        return _invalid(res, problems)
    for table in ("indicators", "activities", "finance"):
        found = validate_rows(table, getattr(res, table))
        if found:
            problems += found
            drop = {p.row for p in found if p.column == "doc_id"}
            rows = without_violations(table, getattr(res, table), found)
            setattr(res, table, [_flagged(table, r, [p for p in found if p.row == i])
                                 for i, r in enumerate(rows) if i not in drop])
    if not problems:
        return res
    log.warning("%s: %d value(s) do not fit the output schema, dropped: %s",
                res.source.rel_path, len(problems), problems[:3])
    p = problems[0]
    note = (f"{len(problems)} value(s) did not fit the output schema and were dropped (e.g. "
            f"{p.table}.{p.column} {p.reason}: {p.value})")
    doc = without_violations("documents", [res.document],
                             [q for q in problems if q.table == "documents"])[0]
    warnings = [*(doc.warnings or []), note]
    status = DocStatus.PARTIAL.value if doc.status == DocStatus.OK.value else doc.status
    res.document = dataclasses.replace(doc, warnings=warnings, status=status,
                                       error="; ".join(warnings))
    return res


def _flagged(table: str, row: R, problems: list[Violation]) -> R:
    """An indicator row that lost a value, flagged ``value_unparsed`` (once)."""
    flag = IndicatorFlag.VALUE_UNPARSED.value
    if (table != "indicators" or not isinstance(row, IndicatorRow)
            or not any(p.column.endswith("_value") for p in problems) or flag in row.flags):
        return row
    return dataclasses.replace(row, flags=[*row.flags, flag])


def _invalid(res: FileResult, problems: list[Violation]) -> FileResult:
    log.error("%s: %d value(s) do not fit the output schema: %s", res.source.rel_path,
              len(problems), problems[:3])
    p = problems[0]
    fmt = res.document.get("format")
    return failed_result(
        res.source, f"internal error: {len(problems)} value(s) do not fit the output schema "
        f"(e.g. {p.table}.{p.column} {p.reason}: {p.value}); please report this file",
        fmt if fmt in FORMATS else None, res.seconds)


class _Clock:
    """Times the steps of one file's chain."""

    def __init__(self) -> None:
        self.steps: dict[str, float] = {}

    def step(self, name: str, func: Callable[..., T], *args: Any) -> T:
        t0 = time.perf_counter()
        try:
            return func(*args)
        finally:
            self.steps[name] = time.perf_counter() - t0


def process_file(src: SourceFile, settings: FileSettings = FileSettings(),
                 names: Names | None = None) -> FileResult:
    """``validate(normalise(interpret(extract(path, limits)), names))`` for one file; bad
    input and bugs both become a ``failed`` row, never an exception."""
    t0 = time.perf_counter()
    if src.refused is not None:  # not a regular file (pipeline.batch.run.discover): not opened
        return failed_result(src, src.refused)
    clock = _Clock()
    try:
        doc = clock.step("extract", extract, src.path, settings.limits)
        reading = clock.step("interpret", interpret, doc)
        named = clock.step("normalise", normalise, reading,
                           names or Names.of(settings.names))
        res = clock.step("validate", validate, to_result(src, doc, named))
    except ExtractionError as exc:  # the run logs the failure, with the reason
        log.debug("%s: %s", src.rel_path, exc)
        res = failed_result(src, str(exc), _guess_format(src.path))
        if isinstance(exc, ConverterMissing) and exc.tool:
            res.missing_tool = exc.tool
    except OSError as exc:  # the file changed under us: gone, made unreadable, a bad disk
        log.warning("%s: %s", src.rel_path, exc)
        res = failed_result(src, unreadable(exc), _guess_format(src.path))
    except MemoryError:
        res = failed_result(src, "ran out of memory while reading the file",
                            _guess_format(src.path))
    except Exception as exc:  # a bug: the file gets a row saying so and the run goes on
        log.exception("internal error on %s", src.rel_path)
        res = failed_result(
            src, f"internal error ({type(exc).__name__}: {exc}); please report this file",
            _guess_format(src.path))
    res.seconds, res.steps = time.perf_counter() - t0, clock.steps
    return res


@dataclass(frozen=True, slots=True)
class FileProcessor:
    """The run's task: ``process_file`` with the run's file settings."""

    settings: FileSettings = field(default_factory=FileSettings)

    def __call__(self, src: SourceFile) -> FileResult:
        return process_file(src, self.settings)

    def warm_up(self) -> None:
        """Build this process's ``Names`` and read a small report with them before the first
        file (before a pool forks): the grammar compiles its patterns on first use, and every
        worker then inherits them instead of compiling its own on its first files."""
        names = Names.of(self.settings.names)
        normalise(interpret(warm_up_document()), names)


def warm_up_document() -> Document:
    """A report of one paragraph and three small tables (indicators, events, funding) whose
    reading touches the value, unit, status, date and money grammar."""
    def table(locator: str, rows: list[list[str]]) -> Table:
        cells = tuple(Cell(r, c, text) for r, row in enumerate(rows) for c, text in enumerate(row))
        return Table(len(rows), len(rows[0]), cells, locator, (None,) * len(rows))

    return Document("warm-up", Format.DOCX, (
        Paragraph("Отчет о ходе реализации муниципального проекта «Успех каждого ребенка» "
                  "за 2021 год. Объем финансирования составил 1 200,5 тыс. рублей.",
                  "paragraph 1"),
        table("table 1", [["№ п/п", "Наименование показателя", "Единица измерения",
                           "Базовое значение", "План", "Факт", "% исполнения", "Статус"],
                          ["1.", "Доля детей, охваченных дополнительным образованием",
                           "процент", "70", "не менее 75", "76,5", "102", "выполнено"]]),
        table("table 2", [["№", "Наименование мероприятия", "Срок реализации",
                           "Ответственный исполнитель", "Результат", "Статус"],
                          ["1.1", "Создание новых мест", "01.01.2021 - 31.12.2021",
                           "Управление образования", "Отчет", "в работе"]]),
        table("table 3", [["Источник финансирования", "План, тыс. руб.", "Факт, тыс. руб."],
                          ["Местный бюджет", "1 200,5", "1 100"]]),
    ))
