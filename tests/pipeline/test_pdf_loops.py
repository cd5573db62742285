"""A PDF object that references itself (``7 0 obj 7 0 R endobj``) makes pdfminer loop: the
file must end at its time limit, in its worker, not at the watchdog's limit and not retried
(issue 17 item 4). Real PDFs built here, a real worker process, a real alarm."""

from __future__ import annotations

import time

import pytest

import pipeline
from pipeline.batch.run.runner import RunConfig, run
from pipeline.batch.run.workers import ALARM_REPEAT_S

TIMEOUT_S = 3.0
CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
TEXT = b"BT /F1 12 Tf 72 720 Td (Report 2021) Tj ET"
STREAM = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(TEXT), TEXT)
SELF = b"7 0 R"  # object 7 is a reference to object 7


def _page(contents: bytes) -> bytes:
    return (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents " + contents
            + b" /Resources << /Font << /F1 5 0 R >> >> >>")


def build_pdf(objs: dict[int, bytes]) -> bytes:
    """A PDF of these numbered objects with a correct cross-reference table."""
    out, offsets = b"%PDF-1.4\n", {}
    for n in sorted(objs):
        offsets[n] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (n, objs[n])
    xref, size = len(out), max(objs) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for n in range(1, size):
        out += b"%010d 00000 n \n" % offsets[n] if n in offsets else b"0000000000 65535 f \n"
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)


LOOPS: dict[str, dict[int, bytes]] = {
    "self_contents": {1: CATALOG, 2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                      3: _page(b"7 0 R"), 5: FONT, 7: SELF},
    "self_kid": {1: CATALOG, 2: b"<< /Type /Pages /Kids [3 0 R 7 0 R] /Count 2 >>",
                 3: _page(b"4 0 R"), 4: STREAM, 5: FONT, 7: SELF},
    "self_pages": {1: b"<< /Type /Catalog /Pages 7 0 R >>", 5: FONT, 7: SELF},
}


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, dict], float]:
    base = tmp_path_factory.mktemp("loops")
    (base / "in").mkdir()
    for name, objs in LOOPS.items():
        (base / "in" / f"{name}.pdf").write_bytes(build_pdf(objs))
    (base / "in" / "good.txt").write_text("Отчет за 2021 год\n", encoding="utf-8")
    t0 = time.monotonic()
    summary = run(RunConfig(base / "in", base / "out", workers=1, timeout_s=TIMEOUT_S))
    elapsed = time.monotonic() - t0
    assert summary.by_status["ok"] == 1
    docs = {d["source_path"]: d for d in pipeline.load(base / "out")["documents"]
            .to_dict("records")}
    return docs, elapsed


@pytest.mark.parametrize("name", list(LOOPS))
def test_a_self_referencing_pdf_ends_at_its_time_limit(outcome, name: str):
    docs, _ = outcome
    doc = docs[f"{name}.pdf"]
    assert doc["status"] in ("failed", "partial")
    if doc["status"] == "failed":
        assert f"time limit of {TIMEOUT_S:g} s; the file was abandoned" in doc["error"]
        assert "did not stop" not in doc["error"]  # the watchdog did not have to kill


def test_the_loops_cost_about_their_time_limits_not_the_watchdogs(outcome):
    _, elapsed = outcome
    # three files one after another in one worker, each abandoned at its alarm (or the one
    # repeat after it): far below one watchdog kill (limit + 30 s) or a retry at full cost
    assert elapsed < len(LOOPS) * (TIMEOUT_S + ALARM_REPEAT_S) + 20
