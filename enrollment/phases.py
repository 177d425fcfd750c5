"""Enrollment phases inferred from the data: the days on which enrollment, summed over
every course of a term, jumps.

Each course counts, every day, its latest count on or before that day (the files and
the SIS only record a course when its count changes). A day is a *jump* when the total
rises by at least JUMP_SHARE of the day before's total and by at least JUMP_FLOOR of the
term's highest total. Jumps less than MIN_GAP_DAYS apart open one phase (appointments
are staggered over a week or two); the first day of each run of jumps is a phase's start.
The three runs with the largest rise, in date order, are Phase 1, Phase 2 and the
adjustment period; each phase ends the day before the next starts.

What the data cannot show stays unset: a rise that happens while the data has a hole
(no point at all for more than MAX_BLIND_DAYS days, or a term whose data begins with
students already enrolled) cannot be dated, and nothing after it is named; a phase that
has not come yet, or brings no jump, is not there.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from catalog.models import Term

from .models import EnrollmentPoint, TermPhases, day_before, long_date

JUMP_SHARE = 0.05
JUMP_FLOOR = 0.01
MIN_GAP_DAYS = 21
MAX_BLIND_DAYS = 3
PHASE_NAMES = ["Phase 1", "Phase 2", "the adjustment period"]

RULE = (
    f"a day on which the term's enrollment, summed over every course, rises by at least "
    f"{JUMP_SHARE:.0%} of the day before (and {JUMP_FLOOR:.0%} of the term's peak) is a jump; jumps less than "
    f"{MIN_GAP_DAYS} days apart open one phase; the first day of the three largest runs of jumps, in date order, "
    f"starts Phase 1, Phase 2 and the adjustment period, and each phase ends the day before the next starts. "
    f"A rise hidden by more than {MAX_BLIND_DAYS} days without data cannot be dated, so it and every phase "
    f"after it stay unset."
)


@dataclass(frozen=True)
class Day:
    date: datetime.date
    total: int
    has_data: bool  # some course has a point on this day


@dataclass
class Run:
    """Consecutive jumps: one phase opening."""

    start: datetime.date
    last: datetime.date
    rise: int


@dataclass
class Inference:
    starts: list[datetime.date] = field(default_factory=list)  # Phase 1, Phase 2, adjustment: as many as found
    through: datetime.date | None = None  # the last day the phase found last is known to last
    note: str = ""  # what the data could not show, and why

    def values(self) -> dict:
        starts = self.starts + [None] * (3 - len(self.starts))
        return {
            "phase_1_start": starts[0],
            "phase_1_end": day_before(starts[1]),
            "phase_2_start": starts[1],
            "phase_2_end": day_before(starts[2]),
            "adjustment_start": starts[2],
            "adjustment_end": None,
            "inferred_through": self.through,
            "note": self.note,
        }


def daily_totals(points: Iterable[tuple[int, datetime.date, int]]) -> list[Day]:
    """(course, date, enrolled) points -> every day from the first point to the last, with
    the sum over courses of each one's latest count on or before the day."""
    by_date: dict[datetime.date, dict[int, int]] = {}
    for course, date, enrolled in points:
        by_date.setdefault(date, {})[course] = enrolled
    if not by_date:
        return []
    days, latest, total = [], {}, 0
    date, last = min(by_date), max(by_date)
    while date <= last:
        for course, enrolled in by_date.get(date, {}).items():
            total += enrolled - latest.get(course, 0)
            latest[course] = enrolled
        days.append(Day(date, total, date in by_date))
        date += datetime.timedelta(days=1)
    return days


def infer(days: list[Day]) -> Inference:
    """The phase starts the daily totals show; see the module's docstring for the rule."""
    if not days:
        return Inference(note="no enrollment data.")
    floor = max(1, JUMP_FLOOR * max(day.total for day in days))
    if days[0].total >= floor:
        why = f"the data begins on {long_date(days[0].date)} with {days[0].total:,} students already enrolled"
        return Inference(note=f"{_names(PHASE_NAMES)}: not dated, {why}.")
    runs: list[Run] = []
    hidden = None  # (last day with data, day the data resumed, rise) of a rise that cannot be dated
    seen = days[0].date
    for before, day in zip(days, days[1:], strict=False):
        if not day.has_data:
            continue
        rise = day.total - before.total
        if rise >= floor and rise >= JUMP_SHARE * before.total:
            if (day.date - seen).days > MAX_BLIND_DAYS:
                hidden = (seen, day.date, rise)
                break
            if runs and (day.date - runs[-1].last).days < MIN_GAP_DAYS:
                runs[-1].last, runs[-1].rise = day.date, runs[-1].rise + rise
            else:
                runs.append(Run(day.date, day.date, rise))
        seen = day.date
    runs = sorted(sorted(runs, key=lambda run: -run.rise)[: len(PHASE_NAMES)], key=lambda run: run.start)
    inference = Inference(starts=[run.start for run in runs])
    missing = PHASE_NAMES[len(runs) :]
    if hidden is not None:
        seen, resumed, rise = hidden
        inference.through = seen
        gap = f"no data from {long_date(seen + _ONE_DAY)} to {long_date(resumed - _ONE_DAY)}"
        inference.note = f"{_names(missing)}: not dated, {gap}, while enrollment rose by {rise:,}." if missing else ""
        return inference
    last = days[-1].date
    if runs:
        inference.through = min(last, runs[-1].last + datetime.timedelta(days=MIN_GAP_DAYS - 1))
    if missing and runs and last < runs[-1].last + datetime.timedelta(days=MIN_GAP_DAYS):
        inference.note = f"{_names(missing)}: not in the data yet (it ends {long_date(last)})."
    elif missing:
        inference.note = f"{_names(missing)}: no jump in the data ({long_date(days[0].date)} to {long_date(last)})."
    return inference


def infer_phases(terms: Iterable[Term]) -> list[str]:
    """Infer and store each term's phases, except where staff set them; one summary line a
    term, ending '(changed)' when its dates changed. Idempotent: a term whose inferred
    dates did not change is not written."""
    lines = []
    for term in sorted(terms, key=lambda term: term.sort_key):
        phases, _ = TermPhases.objects.get_or_create(term=term)
        if phases.dates_from == TermPhases.STAFF:
            lines.append(f"{term.name}: set by staff, left as it is")
            continue
        points = EnrollmentPoint.objects.in_term(term).values_list("course_id", "date", "enrolled")
        inference = infer(daily_totals(points.iterator(chunk_size=10000)))
        values = {**inference.values(), "dates_from": TermPhases.INFERRED}
        if any(getattr(phases, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(phases, name, value)
            phases.save()
            lines.append(f"{term.name}: {phases.summary()} (changed)")
        else:
            lines.append(f"{term.name}: {phases.summary()}")
    return lines


def infer_all() -> list[str]:
    """Every term with enrollment data, in one transaction."""
    terms = Term.objects.filter(enrollment_points__isnull=False).distinct()
    with transaction.atomic():
        return infer_phases(terms)


_ONE_DAY = datetime.timedelta(days=1)


def _names(names: list[str]) -> str:
    text = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    return text[0].upper() + text[1:]
