"""Read queries that the enrollment API, pages and course panel share."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, Min, OuterRef

from catalog import selections, typed
from catalog.models import Course, Term, lookup_course
from catalog.selections import SelectionError
from catalog.selectors import UnknownTerm, term_by_slug

from .models import EnrollmentPoint, EnrollmentSnapshot, PhaseMark, TermPhases, blank_phases

MAX_SELECTIONS = selections.MAX_SELECTIONS
API_MAX_SELECTIONS = 4
_MAX_CODE_PART = 40

__all__ = ["SelectionError"]


@dataclass
class EnrollmentSeries:
    """A course's enrollment points in one term, oldest first."""

    course: Course
    term: Term | None
    points: list[EnrollmentPoint] = field(default_factory=list)
    phases: TermPhases | None = None
    # Every change the SIS sync saw (EnrollmentSnapshot), when asked for: finer than the days.
    snapshots: list[EnrollmentSnapshot] | None = None

    @property
    def as_of(self) -> datetime.datetime | datetime.date | None:
        """When the latest counts were true: the last sync or listing of the term's
        sections when the latest point is theirs, else the latest point's day."""
        if self.term is not None and self.term.counts_as_of and self.latest and self.latest.source == "snapshot":
            return self.term.counts_as_of
        return self.latest.date if self.latest else None

    @property
    def capacity(self) -> int | None:
        """The latest known capacity."""
        for point in reversed(self.points):
            if point.capacity is not None:
                return point.capacity
        return None

    @property
    def latest(self) -> EnrollmentPoint | None:
        return self.points[-1] if self.points else None

    @property
    def period_start(self) -> datetime.date | None:
        """Day 1 of the enrollment period, from the first point and the day number it carries."""
        if not self.points:
            return None
        first = self.points[0]
        return first.date - datetime.timedelta(days=(first.day or 1) - 1)

    def day_of(self, date: datetime.date) -> int | None:
        start = self.period_start
        return (date - start).days + 1 if start else None

    @property
    def phase_dict(self) -> dict[str, str | None]:
        return self.phases.as_dict() if self.phases else blank_phases()

    @property
    def phase_marks(self) -> list[PhaseMark]:
        return self.phases.marks() if self.phases else []

    @property
    def headline_when(self) -> str:
        """The term and phase the latest count describes: 'Fall 2026, Phase 1 (day 6)'."""
        if self.term is None or self.latest is None:
            return self.term.name if self.term else ""
        phase = self.phases.phase_on(self.latest.date) if self.phases else "phases not known"
        return f"{self.term.name}, {phase}"

    @property
    def headline(self) -> str:
        """'Fall 2026, Phase 1 (day 6): 4.7% full', or '...: 35 enrolled' without a capacity."""
        latest = self.latest
        if latest is None:
            return self.headline_when
        if latest.enrolled_percent is not None:
            return f"{self.headline_when}: {latest.enrolled_percent.normalize():f}% full"
        return f"{self.headline_when}: {latest.enrolled:,} enrolled"

    @property
    def label(self) -> str:
        return f"{self.course.code}, {self.term.name}" if self.term else self.course.code


def find_course(subject: str, number: str) -> Course | None:
    """A course by any spelling of its code; None for anything that cannot be one."""
    if not subject or not number or len(subject) > _MAX_CODE_PART or len(number) > _MAX_CODE_PART:
        return None
    if "\x00" in subject or "\x00" in number:
        return None
    return lookup_course(subject, number)


def terms_with_enrollment(course: Course) -> list[Term]:
    """The terms with enrollment data for a course, most recent first, each annotated
    with ``point_count``, ``first_date`` and ``last_date``."""
    return list(
        Term.objects.filter(enrollment_points__course=course)
        .annotate(
            point_count=Count("enrollment_points"),
            first_date=Min("enrollment_points__date"),
            last_date=Max("enrollment_points__date"),
        )
        .order_by("-sort_key")
    )


def all_terms_with_enrollment() -> list[Term]:
    """Every term with enrollment data for any course, most recent first."""
    has_points = EnrollmentPoint.objects.filter(term=OuterRef("pk"))
    return list(Term.objects.filter(Exists(has_points)).order_by("-sort_key"))


def latest_term_with_enrollment(course: Course) -> Term | None:
    return Term.objects.filter(enrollment_points__course=course).order_by("-sort_key").first()


def enrollment_series(course: Course, term: Term | None = None, snapshots: bool = False) -> EnrollmentSeries:
    """The course's points in ``term``, or in the latest term with any; with ``snapshots``,
    every change the SIS sync recorded too."""
    if term is None:
        term = latest_term_with_enrollment(course)
        if term is None:
            return EnrollmentSeries(course=course, term=None)
    points = list(EnrollmentPoint.objects.for_course(course).in_term(term).in_date_order())
    phases = TermPhases.objects.filter(term=term).first()
    series = EnrollmentSeries(course=course, term=term, points=points, phases=phases)
    if snapshots:
        series.snapshots = list(EnrollmentSnapshot.objects.filter(course=course, term=term).order_by("recorded_at"))
    return series


def term_for_selection(slug: str, parameter: str = "term") -> Term:
    """The term of a selection; SelectionError with a reader-facing message otherwise."""
    try:
        return term_by_slug(slug)
    except UnknownTerm as exc:
        raise SelectionError(parameter, str(exc)) from None


def parse_selection(text: str) -> tuple[str, str, str | None]:
    """'COMPSCI/61A/fall-2025' -> ('COMPSCI', '61A', 'fall-2025'); the term may be left out."""
    parts = [part.strip() for part in (text or "").split("/")]
    if len(parts) not in (2, 3) or not all(parts):
        raise SelectionError(
            "s", f"{text[:60]!r} is not SUBJECT/NUMBER or SUBJECT/NUMBER/TERM, e.g. COMPSCI/61A/fall-2025."
        )
    subject, number, *rest = parts
    return subject, number, rest[0] if rest else None


def series_for_selection(text: str) -> EnrollmentSeries:
    subject, number, slug = parse_selection(text)
    term = term_for_selection(slug, "s") if slug else None
    course = find_course(subject, number) or typed.resolve(f"{subject} {number}").course
    if course is None:
        raise SelectionError("s", typed.not_found(f"{subject} {number}"))
    return enrollment_series(course, term)


def series_for(selection: selections.Selection) -> EnrollmentSeries:
    """A page selection's curve: its term's, or the latest term's with data."""
    series = enrollment_series(selection.course, selection.term)
    if not series.points:
        when = f" in {series.term.name}" if series.term else ""
        raise SelectionError("s", f"no enrollment data for {selection.course.code}{when}.", token=selection.token)
    return series
