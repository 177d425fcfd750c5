"""Read the enrollment curves of history/courses-detail/<subject>-<number>.json.

Each file holds ``enrollmentHistory`` (the Fall 2026 enrollment period) and
``enrollmentHistoryBySemester`` (``{"Fall 2025": [...], ...}``), every point
``{day, date, enrolledCount, enrollmentPercent, waitlistCount}``.

Rules:
- a point without a ``date`` is synthetic (the pipeline that produced the files
  can invent curves): it is rejected and counted, never imported;
- several snapshots of one day collapse into the day's last one, in file order
  (the files list a day's snapshots oldest first); they are counted, not rejected;
- a semester key that is not a term is rejected with its points;
- a term's first point that repeats the previous term's final count is rejected
  (``drop_carried_over``: the files carry some courses' final count over into the
  next term's first day);
- anything of the wrong shape (broken JSON, a point that is not an object, a
  count that is not a non-negative integer, a date that is not YYYY-MM-DD)
  raises DataFileError naming file and line.

Nothing here touches the database.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sources.files import DataFileError, json_array_items, load_json
from sources.grades import history_course
from sources.importing import ImportReport
from sources.terms import InvalidTerm, TermRef

FALL_2026 = TermRef.of("fall", 2026)
CURRENT_PERIOD_KEY = "enrollmentHistory"
BY_SEMESTER_KEY = "enrollmentHistoryBySemester"
NO_DATE = "no date (synthetic point)"


@dataclass(frozen=True)
class HistoryPoint:
    date: datetime.date
    day: int | None
    enrolled: int
    percent: Decimal | None
    waitlisted: int
    line: int

    @property
    def capacity(self) -> int | None:
        """The source gives no capacity; enrolled / percent recovers it (to about 0.1%)."""
        if not self.percent or not self.enrolled:
            return None
        return max(1, round(self.enrolled * 100 / self.percent))


@dataclass
class CourseHistory:
    path: Path
    subject: str
    number: str
    # term -> date -> the day's last point
    terms: dict[TermRef, dict[datetime.date, HistoryPoint]] = field(default_factory=dict)
    folded: int = 0

    @property
    def point_count(self) -> int:
        return sum(len(points) for points in self.terms.values())


def read_history_file(path: Path, report: ImportReport) -> CourseHistory:
    subject, number = history_course(path)
    data, text = load_json(path)
    if not isinstance(data, dict):
        raise DataFileError(path, 1, "expected a JSON object")
    history = CourseHistory(path=path, subject=subject, number=number)

    current = data.get(CURRENT_PERIOD_KEY)
    if current is not None:
        if not isinstance(current, list):
            raise DataFileError(path, _key_line(text, CURRENT_PERIOD_KEY), f'"{CURRENT_PERIOD_KEY}" is not a list')
        _read_points(history, FALL_2026, json_array_items(path, text, CURRENT_PERIOD_KEY), report)

    by_semester = data.get(BY_SEMESTER_KEY)
    if by_semester is None:
        return history
    if not isinstance(by_semester, dict):
        raise DataFileError(path, _key_line(text, BY_SEMESTER_KEY), f'"{BY_SEMESTER_KEY}" is not an object')
    section_start = _key_offset(text, BY_SEMESTER_KEY, 0)
    for name, points in by_semester.items():
        offset = _key_offset(text, name, section_start)
        line = text.count("\n", 0, offset) + 1
        if not isinstance(points, list):
            raise DataFileError(path, line, f'"{name}" under "{BY_SEMESTER_KEY}" is not a list')
        try:
            term = TermRef.from_name(name)
        except InvalidTerm:
            report.read(path, len(points))
            for _ in points:
                report.reject(path, line, f"not a term: {name[:40]!r}")
            continue
        # Line numbers of the slice, shifted back to the whole file's.
        items = ((line - 1 + n, item) for n, item in json_array_items(path, text[offset:], name))
        _read_points(history, term, items, report)
    return history


def _read_points(history: CourseHistory, term: TermRef, items, report: ImportReport) -> None:
    path = history.path
    days = history.terms.setdefault(term, {})
    for line, item in items:
        report.read(path)
        point = parse_point(path, line, item)
        if point is None:
            report.reject(path, line, NO_DATE)
            continue
        if point.date in days:
            history.folded += 1
        days[point.date] = point


def parse_point(path: Path, line: int, item) -> HistoryPoint | None:
    """One point, or None when it has no date (synthetic)."""
    if not isinstance(item, dict):
        raise DataFileError(path, line, f"enrollment point is not an object: {str(item)[:40]!r}")
    raw_date = item.get("date")
    if raw_date is None or raw_date == "":
        return None
    if not isinstance(raw_date, str) or not _DATE.match(raw_date):
        raise DataFileError(path, line, f"date {str(raw_date)[:40]!r} is not YYYY-MM-DD")
    try:
        date = datetime.date.fromisoformat(raw_date)
    except ValueError:
        raise DataFileError(path, line, f"date {raw_date!r} is not a calendar date") from None
    percent = item.get("enrollmentPercent")
    if percent is not None and (not _is_number(percent) or percent < 0):
        raise DataFileError(path, line, f"enrollmentPercent {str(percent)[:40]!r} is not a non-negative number")
    day = item.get("day")
    if day is not None and (not _is_count(day)):
        raise DataFileError(path, line, f"day {str(day)[:40]!r} is not a non-negative integer")
    return HistoryPoint(
        date=date,
        day=day if day is not None and day <= 32767 else None,
        enrolled=_required_count(path, line, item, "enrolledCount"),
        percent=Decimal(str(percent)).quantize(Decimal("0.1")) if percent is not None else None,
        waitlisted=_required_count(path, line, item, "waitlistCount"),
        line=line,
    )


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MAX_COUNT = 2**31 - 1


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= _MAX_COUNT


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value and value < 10**6


def _required_count(path: Path, line: int, item: dict, key: str) -> int:
    value = item.get(key)
    if not _is_count(value):
        raise DataFileError(path, line, f"{key} {str(value)[:40]!r} is not a non-negative integer")
    return value


def _key_offset(text: str, key: str, start: int) -> int:
    """Where ``"key":`` begins at or after ``start`` (the key, not a string value)."""
    match = re.compile(re.escape(_json_string(key)) + r"\s*:").search(text, start)
    return match.start() if match else start


def _key_line(text: str, key: str) -> int:
    return text.count("\n", 0, _key_offset(text, key, 0)) + 1


def _json_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


CARRIED_OVER = "carried over from the previous term"

# Within 2 students or 2% of the previous final count: the repeated count can be a
# snapshot a little before or after the final one (BIOLOGY 1A: 686 after 687).
CARRY_TOLERANCE = (2, 0.02)


def drop_carried_over(
    histories: list[CourseHistory], report: ImportReport
) -> list[tuple[CourseHistory, TermRef, HistoryPoint]]:
    """Drop the previous term's final count where the files repeat it as a term's first point.

    The files start some terms with the course's final count of the term before (COMPSCI
    61A's Fall 2025 opens on Apr 3, 2025 at 1,210 students, 88%: Fall 2024's last count,
    before a fall to 0 the next day). Such a point sits on the term's first day in the
    data set (when no class of the term has anyone enrolled yet), is above zero, and is
    within CARRY_TOLERANCE of the course's final count in the previous term of its file,
    at most a year before.
    Each one is rejected with its reason, and returned."""
    first_days: dict[TermRef, datetime.date] = {}
    for history in histories:
        for ref, days in history.terms.items():
            if days:
                first_days[ref] = min(first_days.get(ref, min(days)), min(days))
    dropped = []
    for history in histories:
        refs = sorted(ref for ref, days in history.terms.items() if days)
        for previous, ref in zip(refs, refs[1:], strict=False):
            days, before = history.terms[ref], history.terms[previous]
            first = days.get(first_days[ref])
            if first is None or not before or ref.sort_key - previous.sort_key > 10:  # more than a year apart
                continue
            final = before[max(before)]
            if not first.enrolled or not _close(first.enrolled, final.enrolled):
                continue
            del days[first.date]
            dropped.append((history, ref, first))
            report.reject(
                history.path,
                first.line,
                f"{CARRIED_OVER}: {ref.name} opens on {first.date:%b %-d, %Y} with {first.enrolled} enrolled, "
                f"{previous.name}'s final count ({final.enrolled})",
            )
    return dropped


def _close(count: int, final: int) -> bool:
    return abs(count - final) <= max(CARRY_TOLERANCE[0], CARRY_TOLERANCE[1] * final)
