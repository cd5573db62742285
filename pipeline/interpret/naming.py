"""The interpreters' view of name normalisation (projects, places, indicators)."""

from __future__ import annotations

from functools import cache
from typing import Any


class Naming:
    """Canonical names for projects, municipality and region, and indicator matching."""

    @staticmethod
    @cache
    def get() -> Naming:
        return Naming()

    def federal_project(self, text: str) -> str | None:
        return text.strip("«»\" ") or None

    def national_project(self, text: str) -> str | None:
        return text.strip("«»\" ") or None

    def national_of(self, federal: list[str]) -> str | None:
        return None

    def place(self, lead: str, wider: str) -> tuple[str | None, str | None]:
        return None, None

    def normalise_indicators(self, rows: list[dict[str, Any]], municipality: str | None,
                             region: str | None) -> None:
        for r in rows:
            r.setdefault("indicator_canonical", None)
            r.setdefault("match_score", None)
