"""When a change in a section's counts is news to a follower: plain functions over the
counts the enrollment sync saw before and after, so the edge cases test without a database.

Counts are dicts as the sync announces them (enrolled, capacity, waitlisted, ...); a count
the SIS left empty is None and counts as unknown, never as zero seats.

- Open seats of a section: capacity - enrolled, never below 0 (a section can be over-enrolled).
  Of a class: the sum over its primary sections that have both counts; unknown if none has.
- A seat opens when the open seats go from none (0) to some (> 0). Rising from 3 to 5 is not
  news, and neither is a first count after an unknown one.
- The waitlist moves when students leave its front. The counts show net changes only, so a
  sync credits the larger of the fall in the waitlist and the rise in enrollment (students
  enrolled while a waitlist exists came off it), never more than were waiting. That is a
  lower bound: students who joined the back in between hide as many who left the front, and
  one who gives up a place is counted as if they had left from the front, which the counts
  cannot tell apart. The follower's waitlist has moved past position N once the credits
  since they gave N add up to N.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Totals:
    enrolled: int | None
    capacity: int | None
    open: int | None
    waitlisted: int | None

    def as_dict(self) -> dict:
        return asdict(self)


def open_seats(counts: dict) -> int | None:
    if counts.get("capacity") is None or counts.get("enrolled") is None:
        return None
    return max(0, counts["capacity"] - counts["enrolled"])


def _sum(values) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def totals(sections: list[dict]) -> Totals:
    """The counts of a class (its primary sections) or of one section, added up."""
    return Totals(
        enrolled=_sum(s.get("enrolled") for s in sections),
        capacity=_sum(s.get("capacity") for s in sections),
        open=_sum(open_seats(s) for s in sections),
        waitlisted=_sum(s.get("waitlisted") for s in sections),
    )


def seat_opened(before: Totals, after: Totals) -> bool:
    return before.open == 0 and (after.open or 0) > 0


def left_waitlist(before: dict, after: dict) -> int:
    """Students a sync saw leave the front of one section's waitlist (a lower bound)."""
    waiting = before.get("waitlisted") or 0
    if not waiting:
        return 0
    fell = waiting - (after.get("waitlisted") or 0)
    enrolled = (after.get("enrolled") or 0) - (before.get("enrolled") or 0)
    return min(waiting, max(0, fell, enrolled))


def waitlist_passed(position: int | None, moved_before: int, moved_now: int) -> bool:
    """Whether the waitlist has just moved past ``position`` (1 = the front)."""
    return position is not None and moved_before < position <= moved_now
