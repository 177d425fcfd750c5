"""Data-quality checks the apps register, and what `manage.py data_quality` prints.

Each app that keeps imported data registers checks of what must never be
found in the database (a section counted under two codes, a name holding
several people); each returns how many it found, so 0 is healthy. Beside
them, data_quality prints what the last imports found and decided
(ImportRun.details).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    app: str
    label: str
    count: Callable[[], int]


_checks: list[Check] = []


def register(app: str, label: str, count: Callable[[], int]) -> None:
    """Add a check: ``count()`` returns how many times the anomaly ``label`` is found; 0 is healthy."""
    if not any(c.app == app and c.label == label for c in _checks):
        _checks.append(Check(app, label, count))


def checks() -> list[Check]:
    return list(_checks)
