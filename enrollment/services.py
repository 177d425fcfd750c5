"""Writes: import the enrollment history, and take the nightly snapshot of the sections."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from berkeleytime.db import bulk_update
from catalog.models import Course, Section, Term, lookup_course
from sources.files import DataFileError
from sources.importing import ImportReport, assign_changed, record_import
from sources.terms import TermRef

from .importers.history import CourseHistory, HistoryPoint, drop_carried_over, read_history_file
from .models import EnrollmentPoint, EnrollmentSnapshot, SectionEnrollmentPoint, SectionSnapshot, TermPhases
from .phases import infer_phases

POINT_FIELDS = ["day", "enrolled", "capacity", "enrolled_percent", "waitlisted", "waitlist_capacity", "source"]
SECTION_POINT_FIELDS = ["enrolled", "capacity", "waitlisted", "waitlist_capacity"]
HISTORY_DIR = ("history", "courses-detail")


@dataclass
class HistoryImport:
    """What the import found, beyond the report's counters: for the summary."""

    files: int = 0
    courses: int = 0
    folded: int = 0
    carried_over: int = 0
    points_by_term: Counter = field(default_factory=Counter)
    phases: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        terms = ", ".join(f"{name}: {count}" for name, count in self.points_by_term.items())
        return [
            f"courses with enrollment history: {self.courses} (from {self.files} files)",
            f"points kept, one per course, term and day: {sum(self.points_by_term.values())} ({terms or 'none'})",
            f"same-day snapshots folded into the day's last: {self.folded}",
            f"first points carried over from the previous term's final count, dropped: {self.carried_over}",
            *self.phases,
        ]


def import_enrollment(data_dir: Path, report: ImportReport, progress=lambda items: items) -> HistoryImport:
    """Read and check every file first, then write in one transaction: a bad file
    leaves the database exactly as it was."""
    started = timezone.now()
    directory = Path(data_dir).joinpath(*HISTORY_DIR)
    if not directory.is_dir():
        raise DataFileError(directory, None, "no such directory (is --data-dir the Berkeley data set?)")
    paths = sorted(directory.glob("*.json"))
    histories = [read_history_file(path, report) for path in progress(paths)]
    summary = HistoryImport(files=len(paths))
    dropped = drop_carried_over(histories, report)
    summary.carried_over = len(dropped)
    resolved = _resolve_courses(histories, report)
    with transaction.atomic():
        writer = HistoryWriter(resolved, report, summary)
        writer.write()
        writer.delete_carried_over(dropped)
        summary.phases = [f"phases: {line}" for line in infer_phases(writer.terms.values())]
        record_import("enrollment", started, report, writer.course_ids, sender=HistoryWriter)
    return summary


def _resolve_courses(histories: list[CourseHistory], report: ImportReport) -> list[tuple[CourseHistory, Course]]:
    """Each file's course by any spelling of its code; files of unknown courses are rejected
    with their points. Two files for one course (a former code's and the current code's, or two
    spellings): the file named by the course's own code wins, else the first in name order."""
    found: dict[int, list[tuple[CourseHistory, Course]]] = {}
    for history in histories:
        if not history.point_count:
            continue
        course = lookup_course(history.subject, history.number)
        if course is None:
            report.reject(
                history.path, None, f"unknown course: {history.subject} {history.number} ({history.point_count} points)"
            )
            continue
        found.setdefault(course.pk, []).append((history, course))
    resolved = []
    for candidates in found.values():
        chosen = next((c for c in candidates if lookup_course(c[0].subject, c[0].number, aliases=False)), candidates[0])
        resolved.append(chosen)
        for history, course in candidates:
            if history is not chosen[0]:
                report.reject(
                    history.path,
                    None,
                    f"another file for the same course: {course.code} already read from {chosen[0].path.name} "
                    f"({history.point_count} points)",
                )
    return resolved


def ensure_terms(refs: Iterable[TermRef], report: ImportReport) -> dict[TermRef, Term]:
    """Term rows for these terms (created when missing), each with its blank phase dates."""
    refs = set(refs)
    slugs = {ref.slug for ref in refs}
    existing = {term.slug for term in Term.objects.filter(slug__in=slugs)}
    create = [Term(**Term.values_for(ref)) for ref in refs if ref.slug not in existing]
    Term.objects.bulk_create(create)
    report.created["terms"] += len(create)
    terms = {term.ref: term for term in Term.objects.filter(slug__in=slugs)}
    have_phases = set(TermPhases.objects.filter(term__in=terms.values()).values_list("term_id", flat=True))
    TermPhases.objects.bulk_create([TermPhases(term=term) for term in terms.values() if term.pk not in have_phases])
    return terms


class HistoryWriter:
    def __init__(self, resolved: list[tuple[CourseHistory, Course]], report: ImportReport, summary: HistoryImport):
        self.resolved, self.report, self.summary = resolved, report, summary
        self.course_ids: set[int] = set()  # courses whose points changed
        self.terms: dict[TermRef, Term] = {}

    def write(self) -> None:
        self.terms = terms = ensure_terms((ref for history, _ in self.resolved for ref in history.terms), self.report)
        existing = {
            (row[1], row[2], row[3]): row
            for row in EnrollmentPoint.objects.filter(term__in=terms.values()).values_list(
                "id", "course_id", "term_id", "date", *POINT_FIELDS
            )
        }
        create, update = [], []
        for history, course in self.resolved:
            self.summary.courses += 1
            self.summary.folded += history.folded
            for ref, days in sorted(history.terms.items(), reverse=True):
                term = terms[ref]
                for date, point in days.items():
                    self.summary.points_by_term[term.name] += 1
                    values = {
                        "day": point.day,
                        "enrolled": point.enrolled,
                        "capacity": point.capacity,
                        "enrolled_percent": point.percent,
                        "waitlisted": point.waitlisted,
                        "waitlist_capacity": None,
                        "source": "history",
                    }
                    row = existing.get((course.pk, term.pk, date))
                    if row is None:
                        create.append(EnrollmentPoint(course=course, term=term, date=date, **values))
                    elif tuple(row[4:]) != tuple(values.values()):
                        update.append(EnrollmentPoint(id=row[0], course=course, term=term, date=date, **values))
        EnrollmentPoint.objects.bulk_create(create, batch_size=5000)
        bulk_update(EnrollmentPoint, update, POINT_FIELDS, batch_size=2000)
        self.report.created["enrollment points"] += len(create)
        self.report.updated["enrollment points"] += len(update)
        self.course_ids = {point.course_id for point in create + update}
        # Newest term first in the summary.
        order = {term.name: -term.sort_key for term in terms.values()}
        self.summary.points_by_term = Counter(
            dict(sorted(self.summary.points_by_term.items(), key=lambda i: order[i[0]]))
        )

    def delete_carried_over(self, dropped: list[tuple[CourseHistory, TermRef, HistoryPoint]]) -> None:
        """Carried-over points an earlier import stored go too."""
        courses = {id(history): course for history, course in self.resolved}
        keys = {
            (courses[id(history)].pk, self.terms[ref].pk, point.date)
            for history, ref, point in dropped
            if id(history) in courses and ref in self.terms
        }
        stored = EnrollmentPoint.objects.filter(
            term__in=self.terms.values(), source="history", date__in={date for _, _, date in keys}
        ).values_list("id", "course_id", "term_id", "date")
        gone = {pk: course_id for pk, course_id, term_id, date in stored if (course_id, term_id, date) in keys}
        if gone:
            EnrollmentPoint.objects.filter(id__in=gone).delete()
            self.report.deleted["enrollment points"] += len(gone)
        self.course_ids |= set(gone.values())


# -- the nightly snapshot ------------------------------------------------------


def current_terms() -> list[Term]:
    """Terms whose sections the catalog lists: the ones enrollment is recorded for."""
    return list(Term.objects.filter(sections__isnull=False).distinct().order_by("-sort_key"))


def record_enrollment(date: datetime.date, report: ImportReport, terms: list[Term] | None = None) -> list[Term]:
    """Today's point for every course (and section) of the current terms, from the
    section counts in the database. A second run on the same day updates that day's
    points instead of adding more."""
    started = timezone.now()
    terms = current_terms() if terms is None else terms
    course_ids: set[int] = set()
    with transaction.atomic():
        ensure_terms((term.ref for term in terms), report)
        for term in terms:
            writer = SnapshotWriter(term, date, report)
            writer.write()
            course_ids |= writer.course_ids
        record_import("record_enrollment", started, report, course_ids, sender=SnapshotWriter)
    return terms


def record_snapshots(term: Term, moment: datetime.datetime, report: ImportReport) -> set[int]:
    """A snapshot of each course (the total of its primary sections) and each section of
    ``term`` whose counts differ from its latest one: a run of identical counts is kept
    once. Returns the courses that got one."""
    sections = list(
        Section.objects.filter(term=term).values_list("id", "course_id", "parent_id", "enrolled", "capacity",
                                                      "waitlisted", "reserved")
    )  # fmt: skip
    latest_sections = {
        s.section_id: (s.enrolled, s.capacity, s.waitlisted, s.reserved)
        for s in SectionSnapshot.objects.filter(section__term=term).order_by("section_id", "-recorded_at")
        .distinct("section_id")
    }  # fmt: skip
    section_rows = [
        SectionSnapshot(section_id=sid, recorded_at=moment, enrolled=e, capacity=c, waitlisted=w, reserved=r)
        for sid, _course, _parent, e, c, w, r in sections
        if (e, c, w, r) != (None, None, None, None) and latest_sections.get(sid) != (e, c, w, r)
    ]
    totals: dict[int, list] = defaultdict(lambda: [None, None, None])
    for _sid, course_id, parent_id, enrolled, capacity, waitlisted, _reserved in sections:
        if parent_id is None:
            for i, value in enumerate((enrolled, capacity, waitlisted)):
                if value is not None:
                    totals[course_id][i] = (totals[course_id][i] or 0) + value
    latest_courses = {
        s.course_id: (s.enrolled, s.capacity, s.waitlisted)
        for s in EnrollmentSnapshot.objects.filter(term=term).order_by("course_id", "-recorded_at")
        .distinct("course_id")
    }  # fmt: skip
    course_rows = []
    for course_id, (enrolled, capacity, waitlisted) in totals.items():
        counts = (enrolled or 0, capacity, waitlisted or 0)
        if enrolled is not None and latest_courses.get(course_id) != counts:
            course_rows.append(EnrollmentSnapshot(course_id=course_id, term=term, recorded_at=moment, enrolled=counts[0],
                                                  capacity=capacity, waitlisted=counts[2]))  # fmt: skip
    SectionSnapshot.objects.bulk_create(section_rows, batch_size=5000, ignore_conflicts=True)
    EnrollmentSnapshot.objects.bulk_create(course_rows, batch_size=5000, ignore_conflicts=True)
    report.created["section snapshots"] += len(section_rows)
    report.created["course snapshots"] += len(course_rows)
    return {row.course_id for row in course_rows}


def _sum(values: list[int | None]) -> int | None:
    known = [value for value in values if value is not None]
    return sum(known) if known else None


def percent_of(enrolled: int, capacity: int | None) -> Decimal | None:
    if not capacity:
        return None
    return (Decimal(enrolled) * 100 / capacity).quantize(Decimal("0.1"))


class SnapshotWriter:
    def __init__(self, term: Term, date: datetime.date, report: ImportReport):
        self.term, self.date, self.report = term, date, report
        self.source = f"sections of {term.slug}"
        self.course_ids: set[int] = set()  # courses whose point for the day changed

    def write(self) -> None:
        sections = list(
            Section.objects.filter(term=self.term).values_list(
                "id", "course_id", "parent_id", "enrolled", "capacity", "waitlisted"
            )
        )
        self.report.read(self.source, len(sections))
        self.write_sections(sections)
        self.write_courses(sections)

    def period_day(self) -> int:
        """Day 1 is Phase 1's start when it is set, else the day 1 of the term's earliest point
        (imported history counts its own days), else today."""
        phases = TermPhases.objects.filter(term=self.term).first()
        start = phases.phase_1_start if phases and phases.phase_1_start else None
        if start is None:
            first = EnrollmentPoint.objects.in_term(self.term).in_date_order().only("date", "day").first()
            start = first.date - datetime.timedelta(days=(first.day or 1) - 1) if first else self.date
            start = min(start, self.date)
        return max(1, (self.date - start).days + 1)

    def write_courses(self, sections: list[tuple]) -> None:
        primaries = defaultdict(list)
        for _id, course_id, parent_id, enrolled, capacity, waitlisted in sections:
            if parent_id is None:
                primaries[course_id].append((enrolled, capacity, waitlisted))
        day = self.period_day()
        existing = {p.course_id: p for p in EnrollmentPoint.objects.in_term(self.term).on(self.date)}
        create, update = [], []
        for course_id, rows in primaries.items():
            enrolled = _sum([row[0] for row in rows])
            capacity = _sum([row[1] for row in rows])
            waitlisted = _sum([row[2] for row in rows])
            if enrolled is None and capacity is None:
                self.report.reject(self.source, None, f"no counts: course {course_id}")
                continue
            enrolled = enrolled or 0
            values = {
                "day": day,
                "enrolled": enrolled,
                "capacity": capacity,
                "enrolled_percent": percent_of(enrolled, capacity),
                "waitlisted": waitlisted or 0,
                "waitlist_capacity": None,
                "source": "snapshot",
            }
            point = existing.get(course_id)
            if point is None:
                create.append(EnrollmentPoint(course_id=course_id, term=self.term, date=self.date, **values))
            elif assign_changed(point, values):
                update.append(point)
        EnrollmentPoint.objects.bulk_create(create, batch_size=2000)
        bulk_update(EnrollmentPoint, update, POINT_FIELDS, batch_size=2000)
        self.report.created["enrollment points"] += len(create)
        self.report.updated["enrollment points"] += len(update)
        self.course_ids = {point.course_id for point in create + update}

    def write_sections(self, sections: list[tuple]) -> None:
        existing = {
            p.section_id: p for p in SectionEnrollmentPoint.objects.filter(section__term=self.term, date=self.date)
        }
        create, update = [], []
        for section_id, _course_id, _parent_id, enrolled, capacity, waitlisted in sections:
            if enrolled is None and capacity is None and waitlisted is None:
                continue
            values = {"enrolled": enrolled, "capacity": capacity, "waitlisted": waitlisted, "waitlist_capacity": None}
            point = existing.get(section_id)
            if point is None:
                create.append(SectionEnrollmentPoint(section_id=section_id, date=self.date, **values))
            elif assign_changed(point, values):
                update.append(point)
        SectionEnrollmentPoint.objects.bulk_create(create, batch_size=2000)
        bulk_update(SectionEnrollmentPoint, update, SECTION_POINT_FIELDS, batch_size=2000)
        self.report.created["section points"] += len(create)
        self.report.updated["section points"] += len(update)
