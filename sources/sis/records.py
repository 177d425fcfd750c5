"""The SIS's answers as the records the sync writes.

Each reader takes one item of a list and raises SisError naming the API, the
page and the record when a field the sync needs is missing or malformed; what
it does not need it ignores. The field names are those of the university's
Swagger specifications (../shared/data/sis-api).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sources.codes import normalize_number
from sources.names import MAX_NAME_LENGTH, split_names
from sources.terms import InvalidTerm, TermRef

from .client import APIS, SisError

_DAYS = [
    ("meetsMonday", "M"),
    ("meetsTuesday", "Tu"),
    ("meetsWednesday", "W"),
    ("meetsThursday", "Th"),
    ("meetsFriday", "F"),
    ("meetsSaturday", "Sa"),
    ("meetsSunday", "Su"),
]


class _Reader:
    """Reads fields of one record, naming it in every error."""

    def __init__(self, api_key: str, item, page: int | None, record: int | None):
        self.api, self.page, self.record = APIS[api_key], page, record
        if not isinstance(item, dict):
            self.fail("a record that is not an object")
        self.item = item

    def fail(self, reason: str):
        raise SisError(self.api, reason, self.page, self.record)

    def get(self, *path, required: bool = False, kind=None, default=None):
        value = self.item
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if value is None:
            if required:
                self.fail(f"no {'.'.join(path)}")
            return default
        if kind is not None and not isinstance(value, kind):
            self.fail(f"{'.'.join(path)} is not {kind.__name__ if isinstance(kind, type) else 'valid'}: {value!r}")
        return value

    def count(self, *path) -> int | None:
        value = self.get(*path)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.fail(f"{'.'.join(path)} is not a count: {value!r}")
        return value

    def date(self, *path, required: bool = False) -> datetime.date | None:
        value = self.get(*path, required=required, kind=str)
        if value is None:
            return None
        try:
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            self.fail(f"{'.'.join(path)} is not a date: {value!r}")

    def time(self, *path) -> datetime.time | None:
        value = self.get(*path, kind=str)
        if not value:
            return None
        try:
            return datetime.time.fromisoformat(value[:8])
        except ValueError:
            self.fail(f"{'.'.join(path)} is not a time: {value!r}")


# -- terms -----------------------------------------------------------------


@dataclass(frozen=True)
class TermRecord:
    ref: TermRef
    position: str  # "Previous", "Current", "Next", "Past", "Future"
    begin: datetime.date | None
    end: datetime.date | None
    enroll_begin: datetime.date | None
    enroll_end: datetime.date | None


def term(item, page=None, record=None) -> TermRecord:
    r = _Reader("term", item, page, record)
    sis_id = r.get("id", required=True, kind=str)
    try:
        ref = TermRef.from_sis_id(sis_id)
    except InvalidTerm as exc:
        r.fail(str(exc))
    return TermRecord(
        ref=ref,
        position=r.get("temporalPosition", kind=str, default=""),
        begin=r.date("beginDate"),
        end=r.date("endDate"),
        enroll_begin=r.date("selfServiceEnrollBeginDate"),
        enroll_end=r.date("selfServiceEnrollEndDate"),
    )


# -- courses ---------------------------------------------------------------


@dataclass(frozen=True)
class CourseRecord:
    subject: str  # as the SIS writes it: "COMPSCI", "L & S"
    number: str
    title: str
    transcript_title: str
    description: str
    units: tuple[Decimal, Decimal] | None
    prerequisites: str
    cross_listed: tuple[str, ...]  # display names: "DATA C8", "STAT C8"
    status: str


def course(item, page=None, record=None) -> CourseRecord:
    r = _Reader("course", item, page, record)
    subject = r.get("subjectArea", "code", required=True, kind=str)
    number = r.get("catalogNumber", required=True)
    if isinstance(number, dict):  # the Class API's shape: {"number", "formatted"}
        number = number.get("formatted") or number.get("number")
    if not isinstance(number, str) or not number.strip():
        r.fail(f"catalogNumber is not a course number: {number!r}")
    cross = r.get("crossListing", "courses", kind=list, default=[])
    return CourseRecord(
        subject=" ".join(subject.split()),
        number=normalize_number(number),
        title=" ".join(r.get("title", kind=str, default="").split()),
        transcript_title=" ".join(r.get("transcriptTitle", kind=str, default="").split()),
        description=" ".join(r.get("description", kind=str, default="").split()),
        units=_units(r),
        prerequisites=" ".join(r.get("preparation", "requiredText", kind=str, default="").split()),
        cross_listed=tuple(str(c) for c in cross if str(c).strip()),
        status=r.get("status", "code", kind=str, default=""),
    )


def _units(r: _Reader) -> tuple[Decimal, Decimal] | None:
    value = r.get("credit", "value", kind=dict, default={})
    try:
        if "fixed" in value:
            units = Decimal(str(value["fixed"]["units"]))
            return units, units
        if "variable" in value:
            return Decimal(str(value["variable"]["minUnits"])), Decimal(str(value["variable"]["maxUnits"]))
        if "discrete" in value and value["discrete"].get("units"):
            options = [Decimal(str(u)) for u in value["discrete"]["units"]]
            return min(options), max(options)
    except (KeyError, TypeError, InvalidOperation):
        r.fail(f"credit.value is not a number of units: {value!r}")
    return None


# -- class sections --------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """A section's enrollment, as the Class API's enrollmentStatus gives it."""

    enrolled: int | None
    capacity: int | None
    waitlisted: int | None
    waitlist_capacity: int | None
    reserved: int | None
    status: str


@dataclass(frozen=True)
class SectionRecord:
    sis_id: int  # the class section id, unique within a term (the class number)
    term: TermRef
    subject: str
    number: str  # the course number
    section: str  # "001"
    kind: str  # "LEC", "DIS", "LAB"...
    primary: bool
    primary_id: int | None  # the lecture a discussion belongs to
    meetings: tuple = ()
    exams: tuple = ()
    counts: Counts = field(default_factory=lambda: Counts(None, None, None, None, None, ""))
    status: str = ""  # "A" active, "X" cancelled...


def counts(item, page=None, record=None) -> tuple[int, Counts]:
    """(class section id, counts) from a record of the enrollment endpoints."""
    r = _Reader("class", item, page, record)
    sis_id = r.get("id", required=True, kind=int)
    return sis_id, _counts(r)


def _counts(r: _Reader) -> Counts:
    status = r.get("enrollmentStatus", "status", "code", kind=str, default="")
    return Counts(
        enrolled=r.count("enrollmentStatus", "enrolledCount"),
        capacity=r.count("enrollmentStatus", "maxEnroll"),
        waitlisted=r.count("enrollmentStatus", "waitlistedCount"),
        waitlist_capacity=r.count("enrollmentStatus", "maxWaitlist"),
        reserved=r.count("enrollmentStatus", "reservedCount"),
        status={"O": "open", "C": "closed", "W": "waitlist"}.get(status, status.lower()),
    )


def section(item, page=None, record=None) -> SectionRecord:
    r = _Reader("class", item, page, record)
    sis_id = r.get("id", required=True, kind=int)
    term_id = r.get("class", "session", "term", "id", required=True, kind=str)
    try:
        ref = TermRef.from_sis_id(term_id)
    except InvalidTerm as exc:
        r.fail(str(exc))
    number = r.get("class", "course", "catalogNumber", required=True)
    if isinstance(number, dict):
        number = number.get("formatted") or number.get("number")
    if not isinstance(number, str) or not number.strip():
        r.fail(f"class.course.catalogNumber is not a course number: {number!r}")
    primary = bool(r.get("association", "primary", kind=bool, default=True))
    primary_id = r.get("association", "primaryAssociatedSectionId", kind=int)
    return SectionRecord(
        sis_id=sis_id,
        term=ref,
        subject=" ".join(r.get("class", "course", "subjectArea", "code", required=True, kind=str).split()),
        number=normalize_number(number),
        section=r.get("number", required=True, kind=str).strip(),
        kind=r.get("component", "code", required=True, kind=str).strip().upper(),
        primary=primary,
        primary_id=None if primary else primary_id,
        meetings=tuple(_meeting(r, m) for m in r.get("meetings", kind=list, default=[])),
        exams=tuple(_exam(r, e) for e in r.get("exams", kind=list, default=[])),
        counts=_counts(r),
        status=r.get("status", "code", kind=str, default=""),
    )


def _meeting(r: _Reader, item) -> dict:
    meeting = _Reader("class", item, r.page, r.record)
    instructors = []
    for assigned in meeting.get("assignedInstructors", kind=list, default=[]):
        names = (assigned.get("instructor") or {}).get("names") or [] if isinstance(assigned, dict) else []
        preferred = next((n for n in names if (n.get("type") or {}).get("code") == "PRF"), names[0] if names else None)
        if preferred:
            written = (
                preferred.get("formattedName") or f"{preferred.get('givenName', '')} {preferred.get('familyName', '')}"
            )
            for name in split_names(str(written)):
                if len(name) > MAX_NAME_LENGTH:
                    r.fail(f"instructor name of {len(name)} characters")
                instructors.append(name)
    start, end = meeting.time("startTime"), meeting.time("endTime")
    return {
        "days": [short for key, short in _DAYS if meeting.get(key) is True],
        "start": start.isoformat(timespec="minutes") if start else None,
        "end": end.isoformat(timespec="minutes") if end else None,
        "location": " ".join(str(meeting.get("location", "description", default="")).split())[:200],
        "instructors": list(dict.fromkeys(instructors)),
    }


def _exam(r: _Reader, item) -> dict:
    exam = _Reader("class", item, r.page, r.record)
    date = exam.date("date")
    start, end = exam.time("startTime"), exam.time("endTime")
    return {
        "date": date.isoformat() if date else None,
        "start": start.isoformat(timespec="minutes") if start else None,
        "end": end.isoformat(timespec="minutes") if end else None,
        "location": " ".join(str(exam.get("location", "description", default="")).split())[:200],
        "kind": exam.get("type", "description", kind=str, default=""),
    }
