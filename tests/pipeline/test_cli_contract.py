"""The scheduler's contract of the command line, checked on real processes: exit codes, log
lines (text and JSON), --version, the console script, settings from a TOML file and the
environment, --dry-run, and an output folder inside the input folder refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import pipeline
from pipeline.batch.load.manifest import load_manifest
from pipeline.cli import ConfigError, build_parser, settings
from tests.pipeline.batch_corpus import txt_report

REPO = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).with_name("natproj-extract")
BROKEN_REASON = "broken"  # a word of the reason a garbage DOCX fails with


def _cli(*args: str | Path, env: dict[str, str] | None = None, script: bool = False,
         cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    cmd = [str(SCRIPT)] if script else [sys.executable, "-m", "pipeline"]
    return subprocess.run([*cmd, *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={**_clean_env(), **(env or {})})


def _clean_env() -> dict[str, str]:
    """The test's environment without NATPROJ_* settings of the developer's shell."""
    return {k: v for k, v in os.environ.items() if not k.startswith("NATPROJ_")}


def _folder(tmp_path: Path, n: int = 2) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(n):
        (folder / f"note_{i}.txt").write_text(txt_report(i), encoding="utf-8")
    return folder


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*"))}


def test_exit_codes_of_finished_runs_and_the_failed_file_warning(tmp_path: Path):
    """0 all ok; 1 when a file of this run failed (its WARNING names it and the reason as
    text); 0 again when the next run has nothing to do, the old failure not counting."""
    assert SCRIPT.is_file(), "the natproj-extract console script is not installed"
    folder, out = _folder(tmp_path), tmp_path / "out"
    ok = _cli("extract", folder, "--out", out, "--progress", "none", script=True)
    assert ok.returncode == 0, ok.stderr
    assert "2 processed" in ok.stdout
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 this is not a zip archive")
    failed = _cli("extract", folder, "--out", out, "--progress", "none", script=True)
    assert failed.returncode == 1, failed.stderr
    docs = pipeline.load(out)["documents"].set_index("source_path")
    reason = docs.loc["broken.docx", "error"]
    assert docs.loc["broken.docx", "status"] == "failed"
    assert BROKEN_REASON in reason
    warning = [line for line in failed.stderr.splitlines() if " WARNING " in line
               and "broken.docx" in line]
    assert len(warning) == 1, failed.stderr
    assert warning[0].endswith(f"broken.docx: failed: {reason}")
    assert "1 of the 1 file(s) processed failed (exit code 1)" in failed.stderr
    again = _cli("extract", folder, "--out", out, "--progress", "none", script=True)
    assert again.returncode == 0, again.stderr
    assert "processed: nothing to do" in again.stdout


def test_json_log_lines_carry_the_failed_file_and_libraries_stay_quiet(tmp_path: Path):
    folder, out = _folder(tmp_path, 1), tmp_path / "out"
    (folder / "empty.txt").write_bytes(b"")
    proc = _cli("extract", folder, "--out", out, "--progress", "none", "--log-format", "json")
    assert proc.returncode == 1, proc.stderr
    lines = [json.loads(line) for line in proc.stderr.splitlines()]  # every line is JSON
    assert lines
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in lines)
    failed = [line for line in lines if line.get("file") == "empty.txt"]
    assert len(failed) == 1
    error = pipeline.load(out)["documents"].set_index("source_path").loc["empty.txt", "error"]
    assert failed[0]["level"] == "WARNING"
    assert failed[0]["reason"] == error
    assert failed[0]["message"] == f"empty.txt: failed: {error}"
    infos = {line["logger"] for line in lines if line["level"] in ("INFO", "DEBUG")}
    assert infos
    assert {name.split(".")[0] for name in infos} <= {"pipeline", "extractors"}
    verbose = _cli("extract", folder, "--out", tmp_path / "out2", "--progress", "none", "-v")
    assert verbose.returncode == 1
    assert "INFO pymorphy3" in verbose.stderr  # the dictionary loading, only with -v
    assert "pymorphy3" not in proc.stderr


def test_version_from_the_script_and_the_module():
    for script in (True, False):
        proc = _cli("--version", script=script)
        assert proc.returncode == 0
        assert proc.stdout == f"natproj-extract {pipeline.__version__}\n"


def test_help_documents_the_exit_codes():
    proc = _cli("extract", "--help")
    assert proc.returncode == 0
    text = " ".join(proc.stdout.split())
    for words in ("0 the run finished and every file it processed is ok or partial",
                  "1 the run finished but some file of this run failed",
                  "2 the run could not proceed", "130 interrupted (Ctrl-C)",
                  "143 terminated (SIGTERM)", "NATPROJ_WORKERS", "--dry-run", "--log-format"):
        assert words in text, words


@pytest.mark.parametrize("where", [".", "out", "deep/er/out"])
def test_an_output_folder_in_the_input_folder_exits_2(tmp_path: Path, where: str):
    folder = _folder(tmp_path, 1)
    before = _snapshot(folder)
    proc = _cli("extract", folder, "--out", folder / where, "--progress", "none")
    assert proc.returncode == 2
    assert "input folder" in proc.stderr
    assert _snapshot(folder) == before  # nothing written, not even the output folder


def test_config_file_environment_and_command_line_precedence(tmp_path: Path):
    """out from the file (relative to the file's folder), then NATPROJ_OUT, then --out;
    input from the file; the run's OUT is named by the dry run's last line."""
    folder = _folder(tmp_path, 1)
    conf = tmp_path / "etc" / "natproj.toml"
    conf.parent.mkdir()
    conf.write_text(f'input = "{folder}"\nout = "from-file"\nworkers = 0\n'
                    'commit-every = 5\nprogress = "none"\n', encoding="utf-8")
    file_only = _cli("extract", "--config", conf, "--dry-run")
    assert file_only.returncode == 0, file_only.stderr
    assert file_only.stdout.splitlines()[-1].endswith(f"written to {conf.parent / 'from-file'}")
    env = {"NATPROJ_CONFIG": str(conf), "NATPROJ_OUT": str(tmp_path / "from-env")}
    from_env = _cli("extract", "--dry-run", env=env)
    assert from_env.stdout.splitlines()[-1].endswith(f"written to {tmp_path / 'from-env'}")
    from_cli = _cli("extract", "--dry-run", "--out", tmp_path / "from-cli", env=env)
    assert from_cli.stdout.splitlines()[-1].endswith(f"written to {tmp_path / 'from-cli'}")
    real = _cli("extract", env=env)  # a real run with the layered settings
    assert real.returncode == 0, real.stderr
    assert (tmp_path / "from-env" / "_manifest.parquet").is_file()


@pytest.mark.parametrize(("text", "env", "words"), [
    ("wokers = 2\n", {}, "unknown setting(s) wokers"),
    ("workers = \"two\"\n", {}, "workers: 'two' is not a whole number"),
    ("engine = \"spark\"\n", {}, "'spark' is not one of local, dask"),
    ("workers = [\n", {}, "is not valid TOML"),
    ("", {"NATPROJ_WORKERS": "many"}, "NATPROJ_WORKERS: 'many' is not a whole number"),
    ("", {"NATPROJ_FULL": "maybe"}, "NATPROJ_FULL: 'maybe' is not a yes/no value"),
    ("workers = -3\n", {}, "workers must be >= 0"),
], ids=["unknown-key", "wrong-type", "bad-choice", "not-toml", "env-int", "env-flag",
        "bad-value"])
def test_bad_settings_exit_2_with_a_clear_message(tmp_path: Path, text: str,
                                                  env: dict[str, str], words: str):
    folder = _folder(tmp_path, 1)
    conf = tmp_path / "natproj.toml"
    conf.write_text(text, encoding="utf-8")
    proc = _cli("extract", folder, "--out", tmp_path / "out", "--config", conf, env=env)
    assert proc.returncode == 2
    assert words in proc.stderr
    assert not (tmp_path / "out").exists()


def test_settings_layering_in_process(tmp_path: Path):
    conf = tmp_path / "c.toml"
    conf.write_text('workers = 3\ntimeout = 60\nfull = true\nmemory_mb = 512\n',
                    encoding="utf-8")
    parser = build_parser()
    args = parser.parse_args(["extract", "IN", "--config", str(conf), "--workers", "1"])
    opts = settings(args, {"NATPROJ_TIMEOUT": "30", "NATPROJ_WORKERS": "2", "NATPROJ_X": "1"})
    assert (opts.run.workers, opts.run.timeout_s, opts.run.full, opts.run.memory_mb) == (
        1, 30.0, True, 512)
    assert opts.notes == ("environment variable NATPROJ_X is not a setting; ignored",)
    assert settings(parser.parse_args(["extract", "IN"]), {}).run.workers == 1  # the default
    with pytest.raises(ConfigError, match="no INPUT"):
        settings(parser.parse_args(["extract"]), {})
    conf.write_text('dry-run = true\n', encoding="utf-8")  # command line only
    with pytest.raises(ConfigError, match="unknown setting"):
        settings(args, {})


def test_output_url_compact_threshold_and_storage_options_in_every_layer(tmp_path: Path):
    conf = tmp_path / "c.toml"
    conf.write_text('out = "s3://bucket/from-file"\ncompact-threshold = 4\n'
                    '[storage-option]\nendpoint_url = "http://file:1"\nregion_name = "f"\n',
                    encoding="utf-8")
    parser = build_parser()
    from_file = settings(parser.parse_args(["extract", "IN", "--config", str(conf)]), {}).run
    assert (from_file.out, from_file.compact_threshold) == ("s3://bucket/from-file", 4)
    assert from_file.storage_options == (("endpoint_url", "http://file:1"), ("region_name", "f"))
    env = {"NATPROJ_OUT": "s3://bucket/from-env", "NATPROJ_COMPACT_THRESHOLD": "0",
           "NATPROJ_STORAGE_OPTION": "endpoint_url=http://env:2 anon=false"}
    args = parser.parse_args(["extract", "IN", "--config", str(conf), "--storage-option",
                              "endpoint_url=http://cli:3", "--storage-option", "x=a=b"])
    cfg = settings(args, env).run
    assert (cfg.out, cfg.compact_threshold) == ("s3://bucket/from-env", 0)
    assert dict(cfg.storage_options) == {"endpoint_url": "http://cli:3", "region_name": "f",
                                         "anon": "false", "x": "a=b"}  # merged key by key
    local = settings(parser.parse_args(["extract", "IN", "--out", "file:///tmp/o"]), env).run
    assert local.out == Path("/tmp/o")  # a file:// URL is a local folder
    conf.write_text('out = "rel/out"\n', encoding="utf-8")
    assert settings(parser.parse_args(["extract", "IN", "--config", str(conf)]),
                    {}).run.out == tmp_path / "rel" / "out"  # relative to the file
    with pytest.raises(ConfigError, match="NATPROJ_STORAGE_OPTION"):
        settings(parser.parse_args(["extract", "IN"]), {"NATPROJ_STORAGE_OPTION": "novalue"})
    conf.write_text('[storage-option]\nanon = true\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="table of strings"):
        settings(parser.parse_args(["extract", "IN", "--config", str(conf)]), {})
    with pytest.raises(ValueError, match="compact_threshold"):
        settings(parser.parse_args(["extract", "IN", "--compact-threshold", "-1"]), {})


def test_bad_storage_option_and_unknown_protocol_exit_2(tmp_path: Path):
    folder = _folder(tmp_path, 1)
    proc = _cli("extract", folder, "--out", tmp_path / "out", "--storage-option", "novalue")
    assert proc.returncode == 2
    assert "KEY=VALUE" in proc.stderr
    proc = _cli("extract", folder, "--out", "nosuchproto://b/out")
    assert proc.returncode == 2
    assert "nosuchproto" in proc.stderr
    proc = _cli("compact", "nosuchproto://b/out")
    assert proc.returncode == 2
    assert "nosuchproto" in proc.stderr


def test_dry_run_lists_the_plan_and_writes_nothing(tmp_path: Path):
    folder, out = _folder(tmp_path, 3), tmp_path / "out"
    fresh = _cli("extract", folder, "--out", out, "--dry-run")
    assert fresh.returncode == 0, fresh.stderr
    assert fresh.stdout.splitlines()[:3] == [f"new\tnote_{i}.txt" for i in range(3)]
    assert not out.exists()
    (folder / "empty.txt").write_bytes(b"")
    assert _cli("extract", folder, "--out", out, "--progress", "none").returncode == 1
    (folder / "note_0.txt").write_text(txt_report(7), encoding="utf-8")
    (folder / "note_1.txt").unlink()
    (folder / "note_9.txt").write_text(txt_report(9), encoding="utf-8")
    before = _snapshot(out)
    proc = _cli("extract", folder, "--out", out, "--dry-run", "--retry-failed", "--json")
    assert proc.returncode == 0, proc.stderr
    plan = json.loads(proc.stdout)
    assert {f["path"]: f["reason"] for f in plan["files"]} == {
        "note_0.txt": "changed", "note_9.txt": "new", "empty.txt": "retry",
        "note_1.txt": "deleted"}
    assert plan["plan"]["unchanged"] == 1
    assert _snapshot(out) == before
    assert len(load_manifest(out).entries) == 4


def test_the_python_api_is_exported_lazily():
    code = ("import sys, pipeline\n"
            "assert 'pipeline.batch.run.runner' not in sys.modules\n"
            "from pipeline.batch.run import runner as module\n"
            "assert pipeline.run is module.run and pipeline.RunConfig is module.RunConfig\n"
            "assert pipeline.RunError is module.RunError\n"
            "try:\n    pipeline.nothing\nexcept AttributeError:\n    print('ok')\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert proc.stdout == "ok\n", proc.stderr


def test_dask_chatter_stays_below_warning_in_json_logs(tmp_path: Path):
    """distributed sets its loggers to INFO when it is imported, after the CLI set logging
    up: its records still reach the log only from WARNING, and as JSON."""
    pytest.importorskip("distributed")
    folder = _folder(tmp_path, 1)
    proc = _cli("extract", folder, "--out", tmp_path / "out", "--engine", "dask", "--workers",
                "1", "--progress", "none", "--log-format", "json")
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stderr.splitlines()]
    assert any(line["logger"] == "pipeline.batch.run.runner" for line in lines)
    assert not [line for line in lines if line["logger"].startswith("distributed")
                and line["level"] == "INFO"]
