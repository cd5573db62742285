"""The command line's options, read from the command line, ``NATPROJ_*`` environment
variables and a TOML file (``--config``), in that order of precedence, into one frozen
``CliSettings`` holding the ``RunConfig``.

Every option is described once (``OPTIONS``): its long name is the TOML key (``workers = 2``,
``commit-every = 50``) and, upper-cased with ``_`` for ``-``, the environment variable
(``NATPROJ_WORKERS``, ``NATPROJ_COMMIT_EVERY``). ``out`` may be an fsspec URL
(``s3://bucket/prefix``) everywhere; ``storage-option`` is repeated on the command line
(``--storage-option endpoint_url=http://…``), a table in the file (``[storage-option]``) and
space-separated ``KEY=VALUE`` pairs in ``NATPROJ_STORAGE_OPTION``, merged key by key in the
same order of precedence.
"""

from __future__ import annotations

import argparse
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.batch.load.commit import DEFAULT_COMMIT_FILES
from pipeline.batch.load.compact import DEFAULT_COMPACT_THRESHOLD
from pipeline.batch.load.storage import is_url, out_location, storage_option
from pipeline.batch.review.report import REPORT_HTML, REPORT_JSON
from pipeline.batch.run.config import RunConfig
from pipeline.batch.run.engines import ENGINES
from pipeline.batch.run.progress import MODES
from pipeline.batch.run.workers import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_S
from pipeline.compact_cli import add_compact_parser
from pipeline.exitcodes import ExitCode
from pipeline.export_cli import add_export_parser
from pipeline.verify_cli import add_verify_parser

ENV_PREFIX = "NATPROJ_"
ENV_CONFIG = "NATPROJ_CONFIG"
PROGRAM = "natproj-extract"


__all__ = ["OPTIONS", "CliSettings", "ConfigError", "ExitCode", "build_parser", "settings"]


class LogFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


class Kind(StrEnum):
    PATH = "path"
    LOCATION = "location"  # a local path or an fsspec URL
    PAIRS = "pairs"  # KEY=VALUE, repeatable
    INT = "int"
    FLOAT = "float"
    STR = "str"
    FLAG = "flag"


class ConfigError(Exception):
    """A setting from the command line, the environment or the config file is wrong."""


@dataclass(frozen=True, slots=True)
class Option:
    name: str  # the long option, the TOML key, NATPROJ_<NAME> in the environment
    kind: Kind
    default: Any
    help: str
    choices: tuple[str, ...] = ()
    short: str | None = None
    metavar: str | None = None
    layered: bool = True  # may also come from the environment and the config file

    @property
    def dest(self) -> str:
        return self.name.replace("-", "_")

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.dest.upper()


OPTIONS = (
    Option("input", Kind.LOCATION, None, "folder of reports (searched recursively) or a file, "
           "or an fsspec URL of a prefix (s3://bucket/in: its objects are downloaded to a "
           "temporary folder to be read); may come from the config file or NATPROJ_INPUT"),
    Option("out", Kind.LOCATION, Path("data/out"), "output folder for the Parquet datasets, "
           "not the input folder nor inside it, or an fsspec URL such as s3://bucket/prefix "
           "(default: data/out)"),
    Option("storage-option", Kind.PAIRS, (), "option of the output's filesystem, e.g. "
           "endpoint_url=http://127.0.0.1:9000 for an S3-compatible store (repeatable; a "
           "[storage-option] table in the config file, space-separated pairs in "
           "NATPROJ_STORAGE_OPTION)", metavar="KEY=VALUE"),
    Option("workers", Kind.INT, 1, "worker processes (local engine) or LocalCluster workers "
           "(dask engine without --scheduler); 0 runs in this process (default: 1)"),
    Option("engine", Kind.STR, "local", "local: a process pool on this machine; dask: a Dask "
           "cluster (default: local)", choices=ENGINES),
    Option("scheduler", Kind.STR, None, "Dask scheduler, e.g. tcp://10.0.0.5:8786 (with "
           "--engine dask; default: start a LocalCluster of --workers processes)",
           metavar="ADDRESS"),
    Option("full", Kind.FLAG, False, "reprocess every file, not only new and changed ones"),
    Option("retry-failed", Kind.FLAG, False, "also reprocess unchanged files that failed last "
           "time (files that failed for want of a converter are retried without it once the "
           "converter is installed)"),
    Option("checksum", Kind.FLAG, False, "hash every file to find changes (default: trust "
           "unchanged size and modification time)"),
    Option("follow-symlinks", Kind.FLAG, False, "also read symbolic links to files outside "
           "the input folder (default: such links, loops, dangling links, FIFOs and devices "
           "get a failed row and are not read)"),
    Option("overrides", Kind.PATH, None, "analysts' name decisions (raw_name,canonical,note); "
           "default: data/reference/overrides.csv of the working folder when it exists. A "
           "change is applied to the stored rows by the next run, without --full",
           metavar="CSV"),
    Option("commit-every", Kind.INT, DEFAULT_COMMIT_FILES, "commit results every N files "
           f"(default: {DEFAULT_COMMIT_FILES})", metavar="N"),
    Option("compact-threshold", Kind.INT, DEFAULT_COMPACT_THRESHOLD, "at the end of the run, "
           "merge the parts of every partition holding more than N small parts (0: never; "
           f"default: {DEFAULT_COMPACT_THRESHOLD}; see the compact command)", metavar="N"),
    Option("timeout", Kind.FLOAT, DEFAULT_TIMEOUT_S, "seconds one file may take before it is "
           f"marked failed (default: {DEFAULT_TIMEOUT_S:.0f})"),
    Option("memory-mb", Kind.INT, DEFAULT_MEMORY_MB, "memory one worker may use before its "
           f"file is marked failed (default: {DEFAULT_MEMORY_MB})"),
    Option("progress", Kind.STR, "auto", "bar: a progress bar; log: a log line every 10 s; "
           "auto: bar on a terminal, log otherwise (default: auto)", choices=MODES),
    Option("log-format", Kind.STR, LogFormat.TEXT, "text: plain lines; json: one JSON object "
           "a line (time, level, logger, message; file and reason for a failed file) for log "
           "collectors (default: text)", choices=tuple(LogFormat)),
    Option("json", Kind.FLAG, False, "print the full run report as JSON instead of the "
           f"summary (it is always written to OUT/{REPORT_JSON})"),
    Option("quiet", Kind.FLAG, False, "log warnings only", short="-q"),
    Option("verbose", Kind.FLAG, False, "log debug detail, other libraries' included",
           short="-v"),
    Option("export-xlsx", Kind.PATH, None, "after the run, write the output's tables as one "
           "Excel workbook here (as `export OUT --xlsx FILE` does)", metavar="FILE"),
    Option("export-csv", Kind.PATH, None, "after the run, write the output's tables as CSV "
           "files for Excel into this folder (as `export OUT --csv DIR` does)", metavar="DIR"),
    Option("dry-run", Kind.FLAG, False, "list what a run would process and why (new, changed, "
           "outdated, damaged, vocabulary, tool_available, retry, full, same_content, restore, "
           "renormalise, row_decisions, deleted) and write nothing", layered=False),
)
BY_NAME = {o.name: o for o in OPTIONS}

EPILOG = f"""\
settings:
  every option can also be set in a TOML file (--config FILE, or NATPROJ_CONFIG) under its
  long name (workers = 2, out = "/srv/natproj/out", commit-every = 50; paths relative to
  the file's folder) or in an environment variable NATPROJ_<NAME> (NATPROJ_WORKERS=2,
  NATPROJ_OUT=..., NATPROJ_FULL=1). The command line wins over the environment, which
  wins over the file. An unknown key in the file stops the run (exit 2). Storage options
  are a table in the file ([storage-option] endpoint_url = "http://..."), space-separated
  KEY=VALUE pairs in NATPROJ_STORAGE_OPTION, merged key by key.

incremental runs:
  OUT/_manifest.parquet records every file seen (content hash, size, mtime, pipeline
  version, status, rows and part files). A run processes only new and changed files,
  files processed by another pipeline version or vocabulary, and files that failed for
  want of a converter now installed; it removes the rows of deleted and changed files;
  --full reprocesses everything. Results are committed every --commit-every files: a run
  that is killed keeps what it committed and the next run finishes the work.

outputs:
  OUT/<table>/year_part=<year>/*.parquet for documents, indicators, activities, finance
  (rows without a year under year_part=0; their `year` column stays null);
  OUT/series/series.parquet, each indicator's target, plan and fact by municipality
  and year (rebuilt at the end of a run; `export OUT --xlsx FILE` for Excel);
  OUT/{REPORT_JSON} and OUT/{REPORT_HTML} describe the last run. OUT may be a folder or an
  fsspec URL (s3://bucket/prefix, with the [s3] extra); the review workbook
  OUT/review/indicators.xlsx is written for a local folder only. INPUT may be a URL too
  (the same --storage-option apply); its objects are downloaded to a temporary folder.
  Small parts are merged at the end of a run (--compact-threshold) or by
  `compact OUT`; `verify OUT` checks every part (exit 1: damaged parts, listed). A damaged
  part is moved to OUT/_damaged/ and its files are read again (plan reason damaged).

exit codes:
  {ExitCode.OK:<4} the run finished and every file it processed is ok or partial
  {ExitCode.FILES_FAILED:<4} the run finished but some file of this run failed (see the
       summary, the WARNING lines and the documents table's status and error columns);
       files that failed in earlier runs and were not processed again do not count;
       for `verify OUT`: damaged parts were found (each listed)
  {ExitCode.CANNOT_RUN:<4} the run could not proceed: bad options or config file, input missing
       or empty while the output holds files, output folder inside the input folder, not
       writable, full or used by another run, unreadable manifest (use --full), the object
       store failing after its retries, overrides file over 20 MiB, Dask scheduler
       unreachable (5 s) or its workers on another pipeline version
  {ExitCode.INTERRUPTED:<4} interrupted (Ctrl-C): committed batches are kept; run again to finish
  {ExitCode.TERMINATED:<4} terminated (SIGTERM): the same; workers and converters are stopped first
"""


@dataclass(frozen=True, slots=True)
class CliSettings:
    """Everything one ``extract`` invocation was asked to do."""

    run: RunConfig
    progress: str
    log_format: LogFormat
    json: bool
    quiet: bool
    verbose: bool
    dry_run: bool
    notes: tuple[str, ...] = ()  # things to log once logging is set up
    export_xlsx: Path | None = None  # the analysts' workbook written after the run
    export_csv: Path | None = None


def build_parser(prog: str = PROGRAM) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog, description="Extract indicators, activities and finance from municipal "
        "reports on the national projects into Parquet datasets.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"{PROGRAM} {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser(
        "extract", help="process a folder (or one file) of reports",
        description="Process every report under INPUT (DOCX, PDF, TXT, DOC, ODT, RTF, XLSX, "
        "HTML; other files are skipped) and write the tables documents, indicators, "
        "activities and finance as Parquet datasets under --out.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
        argument_default=argparse.SUPPRESS)  # unset options fall to env, file, defaults
    ex.add_argument("--config", type=Path, metavar="FILE",
                    help=f"TOML file of settings (default: ${ENV_CONFIG} when set)")
    for opt in OPTIONS:
        if opt.name == "input":
            ex.add_argument("input", type=out_location, nargs="?", default=None,
                            help=opt.help)
            continue
        flags = [*([opt.short] if opt.short else []), f"--{opt.name}"]
        if opt.kind is Kind.FLAG:
            ex.add_argument(*flags, action="store_true", help=opt.help)
        elif opt.kind is Kind.PAIRS:
            ex.add_argument(*flags, action="append", type=_pair, help=opt.help,
                            metavar=opt.metavar)
        else:
            ex.add_argument(*flags, type=_ARG_TYPES[opt.kind], help=opt.help,
                            choices=opt.choices or None, metavar=opt.metavar)
    add_compact_parser(sub)
    add_export_parser(sub)
    add_verify_parser(sub)
    return parser


def _pair(text: str) -> tuple[str, str]:
    """``KEY=VALUE`` of the command line (argparse reports the ValueError's message)."""
    try:
        return storage_option(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


_ARG_TYPES: dict[Kind, Any] = {Kind.PATH: Path, Kind.LOCATION: out_location, Kind.INT: int,
                               Kind.FLOAT: float, Kind.STR: str}
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


def _from_text(opt: Option, text: str, where: str) -> Any:
    """An environment variable's value as the option's type."""
    if opt.kind is Kind.FLAG:
        if text.strip().lower() in _TRUE + _FALSE:
            return text.strip().lower() in _TRUE
        raise ConfigError(f"{where}: {text!r} is not a yes/no value (1, true, yes, on, 0, "
                          "false, no, off)")
    if opt.kind is Kind.PATH:
        return Path(text).expanduser()
    if opt.kind is Kind.LOCATION:
        return text if is_url(text) else Path(text).expanduser()
    if opt.kind is Kind.PAIRS:
        try:
            return tuple(storage_option(item) for item in text.split())
        except ValueError as exc:
            raise ConfigError(f"{where}: {exc}") from None
    try:
        value = _ARG_TYPES[opt.kind](text)
    except ValueError:
        raise ConfigError(f"{where}: {text!r} is not {_KIND_WORDS[opt.kind]}") from None
    return _check_choice(opt, value, where)


_KIND_WORDS = {Kind.PATH: "a path", Kind.LOCATION: "a path or a URL",
               Kind.INT: "a whole number", Kind.FLOAT: "a number", Kind.STR: "a string",
               Kind.FLAG: "true or false", Kind.PAIRS: "a table of strings"}


def _check_choice(opt: Option, value: Any, where: str) -> Any:
    if opt.choices and value not in opt.choices:
        raise ConfigError(f"{where}: {value!r} is not one of {', '.join(opt.choices)}")
    return value


def _from_toml(opt: Option, value: Any, where: str, base: Path) -> Any:
    """A TOML value as the option's type; a relative path is taken from ``base``."""
    ok = {Kind.FLAG: isinstance(value, bool),
          Kind.INT: isinstance(value, int) and not isinstance(value, bool),
          Kind.FLOAT: isinstance(value, int | float) and not isinstance(value, bool),
          Kind.PATH: isinstance(value, str), Kind.LOCATION: isinstance(value, str),
          Kind.STR: isinstance(value, str),
          Kind.PAIRS: isinstance(value, dict) and all(isinstance(v, str)
                                                      for v in value.values())}[opt.kind]
    if not ok:
        raise ConfigError(f"{where}: {value!r} is not {_KIND_WORDS[opt.kind]}")
    if opt.kind is Kind.PAIRS:
        return tuple(sorted(value.items()))
    if opt.kind is Kind.LOCATION and is_url(value):
        return value
    if opt.kind in (Kind.PATH, Kind.LOCATION):
        return base / Path(value).expanduser()
    return _check_choice(opt, float(value) if opt.kind is Kind.FLOAT else value, where)


def read_config_file(path: Path) -> dict[str, Any]:
    """The settings of a TOML file, by option name.

    Raises:
        ConfigError: the file is missing, not TOML, or has an unknown key or a wrong value.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read the config file {path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    values: dict[str, Any] = {}
    known = {o.name: o for o in OPTIONS if o.layered} | {o.dest: o for o in OPTIONS if o.layered}
    unknown = sorted(k for k in data if k not in known)
    if unknown:
        raise ConfigError(f"config file {path}: unknown setting(s) {', '.join(unknown)}; the "
                          f"known ones are {', '.join(o.name for o in OPTIONS if o.layered)}")
    for key, value in data.items():
        opt = known[key]
        values[opt.name] = _from_toml(opt, value, f"config file {path}: {key}",
                                      path.resolve().parent)
    return values


def read_environment(environ: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    """The settings of ``NATPROJ_*`` variables, and notes on the unknown ones (ignored).

    Raises:
        ConfigError: a variable's value does not fit its option.
    """
    by_env = {o.env: o for o in OPTIONS if o.layered}
    values: dict[str, Any] = {}
    notes = []
    for var, text in sorted(environ.items()):
        if not var.startswith(ENV_PREFIX) or var == ENV_CONFIG:
            continue
        opt = by_env.get(var)
        if opt is None:
            notes.append(f"environment variable {var} is not a setting; ignored")
            continue
        values[opt.name] = _from_text(opt, text, f"environment variable {var}")
    return values, notes


def settings(args: argparse.Namespace, environ: Mapping[str, str]) -> CliSettings:
    """The settings of an ``extract`` invocation: command line > environment > config file >
    defaults.

    Raises:
        ConfigError: a wrong setting, an unknown key in the config file, no input.
        ValueError: the values do not make a valid RunConfig.
    """
    values = {o.name: o.default for o in OPTIONS}
    config = getattr(args, "config", None) or (Path(environ[ENV_CONFIG])
                                               if environ.get(ENV_CONFIG) else None)
    from_file = read_config_file(config) if config is not None else {}
    from_env, notes = read_environment(environ)
    from_args = {o.name: (tuple(getattr(args, o.dest)) if o.kind is Kind.PAIRS
                          else getattr(args, o.dest))
                 for o in OPTIONS if getattr(args, o.dest, None) is not None}
    for layer in (from_file, from_env, from_args):  # lowest first
        for name, value in layer.items():
            if BY_NAME[name].kind is Kind.PAIRS:  # merged key by key
                value = tuple(sorted((dict(values[name]) | dict(value)).items()))
            values[name] = value
    if values["input"] is None:
        raise ConfigError("no INPUT: name the folder of reports on the command line, as "
                          "`input` in the config file or in NATPROJ_INPUT")
    cfg = RunConfig(values["input"], values["out"], workers=values["workers"],
                    timeout_s=values["timeout"], memory_mb=values["memory-mb"],
                    engine=values["engine"], scheduler=values["scheduler"],
                    full=values["full"], retry_failed=values["retry-failed"],
                    checksum=values["checksum"], follow_symlinks=values["follow-symlinks"],
                    commit_every=values["commit-every"], overrides=values["overrides"],
                    compact_threshold=values["compact-threshold"],
                    storage_options=values["storage-option"])
    return CliSettings(cfg, values["progress"], LogFormat(values["log-format"]),
                       values["json"], values["quiet"], values["verbose"], values["dry-run"],
                       tuple(notes), values["export-xlsx"], values["export-csv"])
