"""How far a course's waitlist moved in a term, from its daily counts.

The data has course-level counts only (enrolled, waitlisted, a capacity derived from
the percentage), never a student's place in line, so movement is estimated:

- The term's clock starts on day 0, the day Phase 1 began (TermPhases.phase_1_start),
  and runs to the horizon, HORIZON_DAYS later. The inferred phases never date the end
  of the adjustment period, so the horizon stands in for it: 150 days after Phase 1
  began is mid-September (Sep 15, 2023; Sep 20, 2024; Sep 12, 2025), about the census
  date, and the last day every past term's data reaches (Fall 2024's ends Sep 21).
- Each day carries the course's latest counts on or before it (the data records a
  course when its counts change; a hole in the data keeps the last counts, and the
  change shows on the day the data resumes). Counts before day 0 are not read: some
  courses' first points repeat the previous term's final count.
- Admitted on day d: the rise in enrolled over day d-1, when day d-1 had a waitlist,
  and never more than that waitlist. While a class has a waitlist its freed or added
  seats go to waitlisted students; a rise with no waitlist came from open seats.
- After day t the front of the waitlist moved by everyone admitted on the days after
  t, up to the horizon. A student at position p on day t *cleared* when that reaches p.

The estimate is a lower bound. Students ahead who give up also move a student up, and
a drop and an admission on one day cancel in the net count; but the counts cannot
tell students giving up from a waitlist emptied at the end of the period, so only
admissions count. Counts above capacity need no special case: only changes in
enrolled are read.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate

HORIZON_DAYS = 150


@dataclass(frozen=True)
class Count:
    """A course's counts on one day, as the enrollment points hold them."""

    date: datetime.date
    enrolled: int
    waitlisted: int
    capacity: int | None = None


@dataclass(frozen=True)
class Movement:
    """One course's waitlist in one term, per day from day 0 to the horizon."""

    waitlisted: list[int]
    capacity: list[int | None]
    admitted: list[int]

    @property
    def days(self) -> int:
        return len(self.waitlisted)

    @property
    def had_waitlist(self) -> bool:
        return any(self.waitlisted)

    def moved_after(self, day: int) -> int:
        """Students admitted from the waitlist after ``day``, up to the horizon."""
        return sum(self.admitted[day + 1 :])

    def moved_after_each_day(self) -> list[int]:
        """moved_after(day) for every day, in one pass."""
        after = list(accumulate(reversed(self.admitted)))[::-1]
        return [*after[1:], 0]

    def capacity_on(self, day: int) -> int | None:
        """The latest capacity known on or before ``day``."""
        return next((c for c in reversed(self.capacity[: day + 1]) if c), None)

    def as_dict(self) -> dict:
        return {"waitlisted": self.waitlisted, "capacity": self.capacity, "admitted": self.admitted}

    @classmethod
    def from_dict(cls, data: dict) -> Movement:
        return cls(waitlisted=data["waitlisted"], capacity=data["capacity"], admitted=data["admitted"])


def daily_counts(counts: Iterable[Count], day_0: datetime.date, days: int = HORIZON_DAYS + 1) -> list[Count | None]:
    """Each day from ``day_0`` on, the latest counts on or before it (None before the first)."""
    ordered = sorted(counts, key=lambda count: count.date)
    filled: list[Count | None] = []
    latest, index = None, 0
    for offset in range(days):
        date = day_0 + datetime.timedelta(days=offset)
        while index < len(ordered) and ordered[index].date <= date:
            latest, index = ordered[index], index + 1
        filled.append(latest)
    return filled


def movement(counts: Iterable[Count], day_0: datetime.date, horizon: int = HORIZON_DAYS) -> Movement:
    """The waitlist's movement per day, day 0 to ``horizon``; see the module's docstring."""
    days = daily_counts([c for c in counts if c.date >= day_0], day_0, horizon + 1)
    waitlisted = [day.waitlisted if day else 0 for day in days]
    capacity = [day.capacity if day else None for day in days]
    admitted = [0]
    for before, day in zip(days, days[1:], strict=False):
        if before is None or day is None or not before.waitlisted:
            admitted.append(0)
            continue
        admitted.append(min(before.waitlisted, max(0, day.enrolled - before.enrolled)))
    return Movement(waitlisted=waitlisted, capacity=capacity, admitted=admitted)


def cleared(movement: Movement, day: int, position: int) -> bool:
    """Did a student at ``position`` on ``day`` clear by the horizon?"""
    return movement.moved_after(day) >= position
