"""``without_violations`` clears exactly the values the violations name."""

from __future__ import annotations

import math

from schemas.rows import IndicatorRow
from schemas.validate import validate_rows, without_violations


def test_only_the_offending_values_are_cleared():
    rows = [{"doc_id": "d", "planned_value": math.inf, "actual_value": 2.0, "bogus": 1},
            IndicatorRow(doc_id="d", planned_value=1.0, actual_value=math.nan, unit="parsecs")]
    found = validate_rows("indicators", rows)
    assert {(v.row, v.column) for v in found} == {(0, "planned_value"), (0, "bogus"),
                                                  (1, "actual_value"), (1, "unit")}
    fixed = without_violations("indicators", rows, found)
    assert fixed[0] == {"doc_id": "d", "planned_value": None, "actual_value": 2.0}
    assert fixed[1] == IndicatorRow(doc_id="d", planned_value=1.0)
    assert validate_rows("indicators", fixed) == []
    assert without_violations("indicators", rows, []) == rows
