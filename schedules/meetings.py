"""Meetings, conflicts and the week as plain data: no database, no Django.

A meeting is a weekday (0 Monday .. 6 Sunday) and a time span in minutes after midnight,
end exclusive, so 11:00-11:59 and 12:00-13:00 do not overlap. The sections' day codes are
the catalog's ("M", "Tu", "W", "Th", "F", "Sa", "Su"). Each thing on a schedule (a section,
a custom block) becomes a list of meetings; a week's meetings are also kept as one integer
bitmask (a bit per minute of the week), so telling whether two bundles of sections collide
is one AND.
"""

import datetime
from dataclasses import dataclass, field

DAY_CODES = ["M", "Tu", "W", "Th", "F", "Sa", "Su"]
DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_DAY_INDEX = {code.lower(): i for i, code in enumerate(DAY_CODES)} | {
    "t": 1, "tue": 1, "r": 3, "thu": 3, "mon": 0, "wed": 2, "fri": 4, "sat": 5, "sun": 6, "s": 5, "u": 6,
}  # fmt: skip
MINUTES_PER_DAY = 24 * 60


def day_index(code: str) -> int | None:
    return _DAY_INDEX.get(str(code).strip().lower())


def parse_days(text: str) -> list[int]:
    """'MWF', 'TuTh', 'M W', 'Sa' -> sorted weekday indexes; unknown letters are skipped."""
    days, i, text = set(), 0, "".join(str(text).split())
    while i < len(text):
        two = text[i : i + 2].lower()
        if two in ("tu", "th", "sa", "su"):
            days.add(_DAY_INDEX[two])
            i += 2
            continue
        index = _DAY_INDEX.get(text[i].lower())
        if index is not None:
            days.add(index)
        i += 1
    return sorted(days)


def days_text(days) -> str:
    return "".join(DAY_CODES[d] for d in sorted(days))


def minutes(value) -> int | None:
    """A time, or 'HH:MM[:SS]' text, as minutes after midnight."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.time):
        return value.hour * 60 + value.minute
    try:
        parts = [int(p) for p in str(value).split(":")[:2]]
    except ValueError:
        return None
    if len(parts) != 2 or not (0 <= parts[0] < 24 and 0 <= parts[1] < 60):
        return None
    return parts[0] * 60 + parts[1]


def clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def clock12(minute: int) -> str:
    hour, rest = divmod(minute, 60)
    return f"{(hour - 1) % 12 + 1}:{rest:02d} {'am' if hour < 12 else 'pm'}"


@dataclass(frozen=True)
class Meeting:
    day: int
    start: int
    end: int
    location: str = ""

    def overlaps(self, other: "Meeting") -> bool:
        return self.day == other.day and self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class Exam:
    date: datetime.date
    start: int
    end: int
    location: str = ""

    def overlaps(self, other: "Exam") -> bool:
        return self.date == other.date and self.start < other.end and other.start < self.end


@dataclass
class Item:
    """One thing on a schedule: a section or a custom block."""

    key: str  # "section:123" or "block:2"
    label: str  # "COMPSCI 61A LEC 001", "Work"
    meetings: list[Meeting] = field(default_factory=list)
    exams: list[Exam] = field(default_factory=list)
    course: str = ""  # the course's code; empty for a block


@dataclass(frozen=True)
class Conflict:
    kind: str  # "meeting" or "exam"
    first: str  # the items' labels
    second: str
    day: str  # "Monday" or the exam's date
    start: int
    end: int  # the overlap

    @property
    def text(self) -> str:
        what = "Final exams overlap" if self.kind == "exam" else "Overlap"
        return f"{what}: {self.first} and {self.second}, {self.day} {clock12(self.start)}-{clock12(self.end)}"


def conflicts(items: list[Item], exams: bool = True) -> list[Conflict]:
    """Every overlapping pair of meetings (and of final exams when ``exams``) between two
    different items. Sections of one course that overlap each other count too (a lab at
    the lecture's time); two meetings of the same item never do."""
    found = []
    for i, a in enumerate(items):
        for b in items[i + 1 :]:
            for m in a.meetings:
                for n in b.meetings:
                    if m.overlaps(n):
                        start, end = max(m.start, n.start), min(m.end, n.end)
                        found.append(Conflict("meeting", a.label, b.label, DAY_NAMES[m.day], start, end))
            if exams:
                for x in a.exams:
                    for y in b.exams:
                        if x.overlaps(y):
                            start, end = max(x.start, y.start), min(x.end, y.end)
                            found.append(Conflict("exam", a.label, b.label, x.date.isoformat(), start, end))
    return found


def conflicting_keys(items: list[Item], exams: bool = True) -> set[str]:
    labels = {c.first for c in conflicts(items, exams)} | {c.second for c in conflicts(items, exams)}
    return {item.key for item in items if item.label in labels}


def mask(meetings) -> int:
    """The meetings as a bitmask with one bit per minute of the week."""
    bits = 0
    for m in meetings:
        if m.end > m.start:
            bits |= ((1 << (m.end - m.start)) - 1) << (m.day * MINUTES_PER_DAY + m.start)
    return bits


def exam_slots(exams) -> frozenset:
    return frozenset((e.date, e.start, e.end) for e in exams)


def exams_collide(a: frozenset, b: frozenset) -> bool:
    return any(x[0] == y[0] and x[1] < y[2] and y[1] < x[2] for x in a for y in b)
