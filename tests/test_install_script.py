"""scripts/install-system-tools.sh, run for real with a PATH of stand-ins: what it finds
missing, what it asks apt-get for (a recording stand-in), and what it says where it cannot
install."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "install-system-tools.sh"
BASH = shutil.which("bash") or "/bin/bash"


def _bin(tmp_path: Path, *, uid: int, present: tuple[str, ...], apt: bool = True,
         langs: str = "eng\nosd\nrus") -> Path:
    """A folder to be the whole PATH: a fake ``id``, the programs ``present`` (tesseract
    listing ``langs``), a recording ``apt-get`` when ``apt``, and grep."""
    folder = tmp_path / "bin"
    folder.mkdir()
    scripts = {"id": f"echo {uid}"}
    lo_program = tmp_path / "lo-program"  # LibreOffice's program folder, Calc's library in it
    lo_program.mkdir()
    for name in present:
        if name == "calc":
            (lo_program / "libsclo.so").write_bytes(b"")
            continue
        scripts[name] = (f"printf 'List of available languages:\\n{langs}\\n'"
                         if name == "tesseract" else "exit 0")
    if apt:
        scripts["apt-get"] = f'echo "$*" >> {tmp_path / "apt.log"}'
    for name, body in scripts.items():
        (folder / name).write_text(f"#!{BASH}\n{body}\n", encoding="utf-8")
        (folder / name).chmod(0o755)
    grep = shutil.which("grep")
    assert grep
    (folder / "grep").symlink_to(grep)
    return folder


def _run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([BASH, str(SCRIPT), *args],
                          env={"PATH": str(folder),
                               "NATPROJ_LO_PROGRAM": str(folder.parent / "lo-program")},
                          capture_output=True, text=True, timeout=60)


def _apt(tmp_path: Path) -> list[str]:
    log = tmp_path / "apt.log"
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


ALL = ("soffice", "pdftoppm", "tesseract", "chromium", "calc")


def test_nothing_is_installed_when_everything_is_there(tmp_path: Path):
    folder = _bin(tmp_path, uid=0, present=ALL)
    proc = _run(folder, "--test")
    assert proc.returncode == 0, proc.stderr
    assert "everything needed is installed" in proc.stdout
    assert _apt(tmp_path) == []  # not even apt-get update


@pytest.mark.parametrize(("present", "args", "packages"), [
    (("soffice", "tesseract"), (), "poppler-utils"),
    (("pdftoppm",), (), "libreoffice-writer-nogui tesseract-ocr tesseract-ocr-rus"),
    (("soffice", "pdftoppm", "tesseract"), ("--test",), "chromium libreoffice-calc-nogui"),
    (("soffice", "pdftoppm", "tesseract", "chromium"), ("--test",), "libreoffice-calc-nogui"),
    ((), ("--test",), "libreoffice-writer-nogui poppler-utils tesseract-ocr tesseract-ocr-rus "
     "chromium libreoffice-calc-nogui"),
], ids=["runtime-one", "runtime-two", "test-only", "test-calc", "test-all"])
def test_as_root_only_what_is_missing_is_installed(tmp_path: Path, present: tuple[str, ...],
                                                   args: tuple[str, ...], packages: str):
    folder = _bin(tmp_path, uid=0, present=present)
    proc = _run(folder, *args)
    assert proc.returncode == 0, proc.stderr
    assert _apt(tmp_path) == ["update -q",
                              f"install -y -q --no-install-recommends {packages}"]


def test_tesseract_without_russian_gets_the_language_package(tmp_path: Path):
    folder = _bin(tmp_path, uid=0, present=("soffice", "pdftoppm", "tesseract"),
                  langs="eng\nosd")
    assert _run(folder).returncode == 0
    assert _apt(tmp_path)[-1] == "install -y -q --no-install-recommends tesseract-ocr-rus"


@pytest.mark.parametrize("apt", [True, False], ids=["no-sudo", "no-apt"])
def test_without_root_it_prints_the_command_and_exits_0(tmp_path: Path, apt: bool):
    folder = _bin(tmp_path, uid=1000, present=("soffice",), apt=apt)
    proc = _run(folder)
    assert proc.returncode == 0
    assert proc.stderr.count("apt-get install") == 1
    assert ("sudo apt-get install -y --no-install-recommends poppler-utils tesseract-ocr "
            "tesseract-ocr-rus") in proc.stderr
    assert _apt(tmp_path) == []


def test_passwordless_sudo_is_used(tmp_path: Path):
    folder = _bin(tmp_path, uid=1000, present=("soffice", "tesseract"))
    (folder / "sudo").write_text(f'#!{BASH}\n[ "$1" = -n ] && shift\n"$@"\n', encoding="utf-8")
    (folder / "sudo").chmod(0o755)
    assert _run(folder).returncode == 0
    assert _apt(tmp_path)[-1] == "install -y -q --no-install-recommends poppler-utils"


def test_a_failing_apt_get_is_reported_and_the_run_goes_on(tmp_path: Path):
    folder = _bin(tmp_path, uid=0, present=("soffice", "tesseract"))
    (folder / "apt-get").write_text(f"#!{BASH}\nexit 100\n", encoding="utf-8")
    proc = _run(folder)
    assert proc.returncode == 0
    assert "apt-get failed" in proc.stderr
    assert "sudo apt-get install -y --no-install-recommends poppler-utils" in proc.stderr


def test_check_installs_nothing_and_a_wrong_option_exits_2(tmp_path: Path):
    folder = _bin(tmp_path, uid=0, present=())
    proc = _run(folder, "--check")
    assert proc.returncode == 0
    assert "missing; install with: apt-get install" in proc.stdout
    assert _apt(tmp_path) == []
    assert _run(folder, "--nope").returncode == 2
