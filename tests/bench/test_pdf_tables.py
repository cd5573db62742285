"""The bench's camelot-suite section: the scoring tool's summary read back, a missing tool
skipped, the section rendered with and without camelot."""

from __future__ import annotations

from pathlib import Path

from bench import pdf_tables

STDOUT = """case | kind | expected | ours shape | ours exact | exact+ | bag | camelot exact | bag
us-030_p2 | lattice | 7x7 | 7x7 | 1.00 | 1.00 | 1.00 | 1.00 | 1.00
lattice (11): ours exact 0.75, exact+ 0.90, bag 0.92; camelot exact 0.88, bag 1.00
stream (15): ours exact 0.44, exact+ 0.72, bag 0.80; camelot exact 0.76, bag 0.83
all (26): ours exact 0.57, exact+ 0.80, bag 0.85; camelot exact 0.81, bag 0.90
CPU s: ours 3.20, camelot 8.64
"""
CASE = {"case": "us-030_p2", "kind": "lattice", "expected": [7, 7],
        "ours": {"exact": 1.0, "exact_shifted": 1.0, "bag": 1.0, "shape": [7, 7]}}


def test_summary_is_read_with_and_without_camelot():
    got = pdf_tables.parse_summary(STDOUT)
    assert got["means"]["all"] == {"cases": 26,
                                   "ours": {"exact": 0.57, "exact_shifted": 0.80, "bag": 0.85},
                                   "camelot": {"exact": 0.81, "bag": 0.90}}
    assert got["cpu_s"] == {"ours": 3.2, "camelot": 8.64}
    ours_only = pdf_tables.parse_summary(
        "stream (15): ours exact 0.44, exact+ 0.72, bag 0.80\nCPU s: ours 3.20\n")
    assert ours_only["means"]["stream"]["camelot"] is None
    assert ours_only["cpu_s"] == {"ours": 3.2, "camelot": None}


def test_missing_tool_skips_the_section(tmp_path: Path):
    got = pdf_tables.run_pdf_tables(tmp_path / "absent.py")
    assert "skipped" in got
    assert pdf_tables.render_md(got)[-2].startswith("Skipped: scoring tool not found")


def test_section_renders_averages_cpu_and_cases():
    section = {"camelot": True, "cases": [CASE], **pdf_tables.parse_summary(STDOUT)}
    md = "\n".join(pdf_tables.render_md(section))
    assert "| all | 26 | 0.57 | 0.80 | 0.85 | 0.81 | 0.90 |" in md
    assert "ours 3.2, camelot 8.64" in md
    assert "| us-030_p2 | lattice | 7x7 | 7x7 | 1.00 | 1.00 | 1.00 |" in md
    assert pdf_tables.render_md(None)[-2].startswith("Not run")
