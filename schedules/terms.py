"""A term's days of instruction and holidays: the SIS's dates when it has them, else the
reviewed file holidays.yaml."""

import datetime
import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

CALENDAR_FILE = Path(__file__).resolve().parent / "holidays.yaml"


@dataclass(frozen=True)
class TermDates:
    begins: datetime.date | None
    ends: datetime.date | None
    holidays: dict  # date -> name


@functools.cache
def _reviewed() -> dict:
    with CALENDAR_FILE.open() as f:
        return yaml.safe_load(f) or {}


def term_dates(term) -> TermDates:
    entry = _reviewed().get(term.slug) or {}
    holidays = {
        (d if isinstance(d, datetime.date) else datetime.date.fromisoformat(str(d))): str(name)
        for d, name in (entry.get("holidays") or {}).items()
    }
    return TermDates(
        begins=term.begin_date or entry.get("instruction_begins"),
        ends=term.end_date or entry.get("instruction_ends"),
        holidays=holidays,
    )
