"""Every conflict-free combination of the chosen courses' sections, ranked, as plain data.

Each course offers bundles: a lecture with one of each kind of its associated sections
(one discussion, one lab...). Bundles that meet at exactly the same times are one choice
for the timetable: they are grouped, the one with the most open seats stands for the group
and the others are counted as alternatives. The search then picks one group per course,
fewest choices first, and drops a branch as soon as it collides with what is already picked
(meetings as bitmasks, final exams by date and time). A preference for no classes before a
time is a filter on bundles before the search.

The search stops after ``limit`` complete combinations: the answer then says it was cut
short (``truncated``), ranked among those it saw, and asks for fewer courses or more
preferences. Only the best ``keep`` are kept while searching.
"""

import heapq
from dataclasses import dataclass, field

from .meetings import MINUTES_PER_DAY, exams_collide

DEFAULT_LIMIT = 20000
DEFAULT_KEEP = 20
RANKINGS = ("fewer_days", "open_seats", "compact", "later_start")


@dataclass
class Bundle:
    sections: tuple  # section ids, lecture first
    labels: tuple  # "COMPSCI 61A LEC 001", ...
    meetings: list  # Meeting
    mask: int
    exams: frozenset = frozenset()
    open_seats: int | None = None  # the fewest open seats among its sections; None when unknown
    count: int = 1  # how many bundles with these very times it stands for


@dataclass
class CourseChoices:
    course: str
    bundles: list  # Bundle


@dataclass
class Preferences:
    not_before: int | None = None  # minutes after midnight
    not_after: int | None = None
    ranking: tuple = ("fewer_days", "open_seats", "compact")


@dataclass
class Result:
    combinations: list = field(default_factory=list)  # [{"bundles": [Bundle], "score": {...}, "alternatives": n}]
    found: int = 0
    truncated: bool = False
    empty_courses: list = field(default_factory=list)  # courses with no bundle left after the filters
    message: str = ""


def _within(bundle: Bundle, prefs: Preferences) -> bool:
    for m in bundle.meetings:
        if prefs.not_before is not None and m.start < prefs.not_before:
            return False
        if prefs.not_after is not None and m.end > prefs.not_after:
            return False
    return True


def _groups(bundles: list) -> list[tuple[Bundle, int]]:
    """Bundles with the same meeting times and exams as one choice: (best, how many)."""
    groups: dict = {}
    for bundle in bundles:
        key = (bundle.mask, bundle.exams)
        best, count = groups.get(key, (None, 0))
        if best is None or (bundle.open_seats or 0) > (best.open_seats or 0):
            best = bundle
        groups[key] = (best, count + bundle.count)
    return list(groups.values())


def score(bundles: list, block_mask: int = 0) -> dict:
    """What the ranking reads: days on campus, minutes of gaps between classes on a day,
    sections with no open seat, and the earliest start of the week."""
    total = 0
    for b in bundles:
        total |= b.mask
    days, gaps, earliest = 0, 0, MINUTES_PER_DAY
    day_bits = (1 << MINUTES_PER_DAY) - 1
    for day in range(7):
        bits = (total >> (day * MINUTES_PER_DAY)) & day_bits
        if not bits:
            continue
        days += 1
        first = (bits & -bits).bit_length() - 1
        last = bits.bit_length()
        gaps += (last - first) - bits.bit_count()
        earliest = min(earliest, first)
    full = sum(1 for b in bundles if b.open_seats is not None and b.open_seats <= 0)
    return {"days": days, "gap_minutes": gaps, "full_sections": full, "earliest": earliest}


def _sort_key(s: dict, ranking: tuple) -> tuple:
    parts = {
        "fewer_days": s["days"],
        "open_seats": s["full_sections"],
        "compact": s["gap_minutes"],
        "later_start": -s["earliest"],
    }
    return tuple(parts[r] for r in ranking if r in parts)


def generate(
    courses: list[CourseChoices],
    blocks_mask: int = 0,
    prefs: Preferences | None = None,
    limit: int = DEFAULT_LIMIT,
    keep: int = DEFAULT_KEEP,
    check_exams: bool = True,
) -> Result:
    prefs = prefs or Preferences()
    result = Result()
    choices = []
    for course in courses:
        usable = [b for b in course.bundles if _within(b, prefs) and not (b.mask & blocks_mask)]
        if not usable:
            result.empty_courses.append(course.course)
        choices.append(_groups(usable))
    if result.empty_courses or not choices:
        result.message = (
            "No sections of " + ", ".join(result.empty_courses) + " fit your blocks and preferences."
            if result.empty_courses
            else "Add courses to generate schedules."
        )
        return result
    order = sorted(range(len(choices)), key=lambda i: len(choices[i]))
    ordered = [choices[i] for i in order]
    best: list = []  # a max-heap on the sort key, as negatives: (neg key..., counter, picks)
    counter = 0
    picks: list = [None] * len(ordered)
    ranking = tuple(prefs.ranking) or ("fewer_days",)

    def visit(depth: int, used: int, exams: frozenset) -> bool:
        nonlocal counter
        if depth == len(ordered):
            result.found += 1
            bundles = [p[0] for p in picks]
            s = score(bundles)
            key = _sort_key(s, ranking)
            counter += 1
            item = (tuple(-k for k in key), -counter, list(picks), s)
            if len(best) < keep:
                heapq.heappush(best, item)
            elif item > best[0]:
                heapq.heapreplace(best, item)
            return result.found < limit
        for pick in ordered[depth]:
            bundle = pick[0]
            if bundle.mask & used:
                continue
            if check_exams and bundle.exams and exams and exams_collide(bundle.exams, exams):
                continue
            picks[depth] = pick
            if not visit(depth + 1, used | bundle.mask, exams | bundle.exams):
                return False
        return True

    completed = visit(0, blocks_mask, frozenset())
    result.truncated = not completed
    ranked = sorted(best, reverse=True)
    back = dict(enumerate(order))
    for _, _, chosen, s in ranked:
        in_course_order = [None] * len(chosen)
        for position, pick in enumerate(chosen):
            in_course_order[back[position]] = pick
        result.combinations.append(
            {
                "bundles": [p[0] for p in in_course_order],
                "alternatives": [p[1] for p in in_course_order],
                "score": s,
            }
        )
    if result.truncated:
        result.message = (
            f"More than {limit:,} conflict-free combinations: these are the best of the first {limit:,}. "
            "Choose some sections yourself, or add a preference (no classes before a time), to see them all."
        )
    elif not result.found:
        result.message = "No combination of these courses' sections is free of conflicts."
    return result
