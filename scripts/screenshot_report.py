"""Screenshot an output folder's run report with headless Chromium (Debian package
``chromium``), to check the page as a browser draws it.

Usage: .venv/bin/python scripts/screenshot_report.py OUT PNG [--size 1280,2400] [--dom DOM.html]

``--dom`` also writes the DOM as Chromium rendered it (``--dump-dom``). Exit 2 when Chromium is
not installed or the report is missing, 1 when Chromium fails.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

log = logging.getLogger("screenshot_report")
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
REPORT = "run_report.html"
TIMEOUT_S = 120


def find_browser() -> str | None:
    """Path of a Chromium-like browser on PATH, or None."""
    return next((p for p in map(shutil.which, BROWSERS) if p), None)


def _chromium(browser: str, profile: str, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)


def screenshot(report: Path, png: Path, size: str = "1280,2400",
               browser: str | None = None) -> str:
    """Draw ``report`` into ``png``; the rendered DOM.

    Raises:
        FileNotFoundError: no browser, or the report does not exist.
        RuntimeError: the browser failed or wrote no image.
    """
    browser = browser or find_browser()
    if browser is None:
        raise FileNotFoundError("no Chromium found: apt-get install chromium")
    if not report.is_file():
        raise FileNotFoundError(f"{report} does not exist (run the pipeline first)")
    url = report.resolve().as_uri()
    png.parent.mkdir(parents=True, exist_ok=True)
    png.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        shot = _chromium(browser, profile, f"--screenshot={png.resolve()}",
                         f"--window-size={size}", url)
        if shot.returncode != 0 or not png.is_file():
            raise RuntimeError(f"chromium failed ({shot.returncode}): {shot.stderr[-2000:]}")
        dom = _chromium(browser, profile, "--dump-dom", url)
        if dom.returncode != 0:
            raise RuntimeError(f"chromium --dump-dom failed: {dom.stderr[-2000:]}")
    return dom.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="output folder holding run_report.html")
    parser.add_argument("png", type=Path, help="the screenshot to write")
    parser.add_argument("--size", default="1280,2400", help="window WIDTH,HEIGHT in pixels")
    parser.add_argument("--dom", type=Path, help="also write the rendered DOM here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        dom = screenshot(args.out / REPORT, args.png, args.size)
    except FileNotFoundError as exc:
        log.error("%s", exc)
        return 2
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        log.error("%s", exc)
        return 1
    if args.dom:
        args.dom.write_text(dom, encoding="utf-8")
    log.info("wrote %s", args.png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
