"""Enrollment over time: one point per course, term and day, and per section where
the catalog has sections. Imported history and the nightly snapshot write the same rows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction

from berkeleytime.caching import bump_data_generation
from catalog.models import Course, Section, Term


class EnrollmentPointQuerySet(models.QuerySet):
    def for_course(self, course: Course) -> EnrollmentPointQuerySet:
        return self.filter(course=course)

    def in_term(self, term: Term) -> EnrollmentPointQuerySet:
        return self.filter(term=term)

    def in_date_order(self) -> EnrollmentPointQuerySet:
        return self.order_by("date")

    def on(self, date: datetime.date) -> EnrollmentPointQuerySet:
        return self.filter(date=date)


SOURCE_CHOICES = [
    ("history", "Imported history"),
    ("snapshot", "Daily snapshot"),
]


class EnrollmentPoint(models.Model):
    """A course's enrollment in a term on one day: the total over its primary sections.

    ``day`` is the day number within the enrollment period as the source counts it
    (day 1 is the first day of the period). ``capacity`` comes from the sections when
    the point is a snapshot; the imported history gives only counts and a percentage,
    so its capacity is derived from them (enrolled / percent) and left blank when the
    percentage is zero."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollment_points")
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="enrollment_points")
    date = models.DateField()
    day = models.PositiveSmallIntegerField(null=True, blank=True)
    enrolled = models.PositiveIntegerField()
    capacity = models.PositiveIntegerField(null=True, blank=True)
    enrolled_percent = models.DecimalField(max_digits=8, decimal_places=1, null=True, blank=True)
    waitlisted = models.PositiveIntegerField(default=0)
    waitlist_capacity = models.PositiveIntegerField(null=True, blank=True)
    source = models.CharField(max_length=8, choices=SOURCE_CHOICES)

    objects = EnrollmentPointQuerySet.as_manager()

    class Meta:
        ordering = ["course", "term", "date"]
        constraints = [
            models.UniqueConstraint(fields=["course", "term", "date"], name="enrollment_point_one_per_day"),
        ]
        indexes = [models.Index(fields=["term", "date"], name="enrollment_point_term_date")]

    def __str__(self) -> str:
        return f"{self.course_id} {self.term_id} {self.date}: {self.enrolled}"


class SectionEnrollmentPoint(models.Model):
    """One section's counts on one day, from the nightly snapshot of the catalog's sections."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="enrollment_points")
    date = models.DateField()
    enrolled = models.PositiveIntegerField(null=True, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    waitlisted = models.PositiveIntegerField(null=True, blank=True)
    waitlist_capacity = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["section", "date"]
        constraints = [
            models.UniqueConstraint(fields=["section", "date"], name="section_enrollment_point_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"section {self.section_id} {self.date}: {self.enrolled}"


class EnrollmentSnapshot(models.Model):
    """A course's counts at one moment, kept when they changed since the last one: the
    SIS enrollment sync reads them every 15 minutes while enrollment is open, so a day
    can hold many (the daily EnrollmentPoint keeps the day's last)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollment_snapshots")
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="enrollment_snapshots")
    recorded_at = models.DateTimeField()
    enrolled = models.PositiveIntegerField()
    capacity = models.PositiveIntegerField(null=True, blank=True)
    waitlisted = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["course", "term", "recorded_at"]
        constraints = [
            models.UniqueConstraint(fields=["course", "term", "recorded_at"], name="enrollment_snapshot_once"),
        ]

    def __str__(self) -> str:
        return f"{self.course_id} {self.term_id} {self.recorded_at:%Y-%m-%d %H:%M}: {self.enrolled}"


class SectionSnapshot(models.Model):
    """One section's counts at one moment, kept when they changed since the last one."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="snapshots")
    recorded_at = models.DateTimeField()
    enrolled = models.PositiveIntegerField(null=True, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    waitlisted = models.PositiveIntegerField(null=True, blank=True)
    reserved = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["section", "recorded_at"]
        constraints = [models.UniqueConstraint(fields=["section", "recorded_at"], name="section_snapshot_once")]

    def __str__(self) -> str:
        return f"section {self.section_id} {self.recorded_at:%Y-%m-%d %H:%M}: {self.enrolled}"


@dataclass(frozen=True)
class PhaseMark:
    key: str
    label: str
    short: str
    date: datetime.date


PHASE_FIELDS = [
    # (field, label, short label for a chart)
    ("phase_1_start", "Phase 1 starts", "P1"),
    ("phase_1_end", "Phase 1 ends", "P1 end"),
    ("phase_2_start", "Phase 2 starts", "P2"),
    ("phase_2_end", "Phase 2 ends", "P2 end"),
    ("adjustment_start", "Adjustment period starts", "Adj"),
    ("adjustment_end", "Adjustment period ends", "Adj end"),
]


class TermPhases(models.Model):
    """A term's enrollment phases: inferred from the enrollment data (enrollment/phases.py)
    after every import and SIS enrollment sync, or set by staff in the admin, which the
    inference then leaves alone. A date the data cannot show stays blank, and ``note``
    says why; charts mark the dates that are set."""

    INFERRED, STAFF = "inferred", "staff"
    DATES_FROM = [("", "not set"), (INFERRED, "inferred from the enrollment data"), (STAFF, "set by staff")]

    term = models.OneToOneField(Term, on_delete=models.CASCADE, primary_key=True, related_name="enrollment_phases")
    phase_1_start = models.DateField("Phase 1 start", null=True, blank=True)
    phase_1_end = models.DateField("Phase 1 end", null=True, blank=True)
    phase_2_start = models.DateField("Phase 2 start", null=True, blank=True)
    phase_2_end = models.DateField("Phase 2 end", null=True, blank=True)
    adjustment_start = models.DateField("Adjustment period start", null=True, blank=True)
    adjustment_end = models.DateField("Adjustment period end", null=True, blank=True)
    dates_from = models.CharField(
        "dates from",
        max_length=8,
        choices=DATES_FROM,
        blank=True,
        default="",
        help_text="Editing a date makes it staff's: the inference never overwrites it. "
        "Choose 'inferred' to hand the term back to the inference.",
    )
    inferred_through = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="The last day the inferred phase that started last is known to last.",
    )
    note = models.CharField(max_length=300, blank=True, editable=False, help_text="What the data could not show.")

    class Meta:
        verbose_name = "term enrollment phases"
        verbose_name_plural = "term enrollment phases"

    def __str__(self) -> str:
        return f"{self.term} enrollment phases"

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        # Cached API answers carry the phases: an edit in the admin must show at once.
        transaction.on_commit(bump_data_generation)

    def clean(self) -> None:
        for start, end in [
            ("phase_1_start", "phase_1_end"),
            ("phase_2_start", "phase_2_end"),
            ("adjustment_start", "adjustment_end"),
        ]:
            first, last = getattr(self, start), getattr(self, end)
            if first and last and last < first:
                raise ValidationError({end: "must not be before the start."})

    def as_dict(self) -> dict[str, str | None]:
        return {name: _iso(getattr(self, name)) for name, _, _ in PHASE_FIELDS}

    def marks(self) -> list[PhaseMark]:
        """The dates that are set, in date order; an end that is the day before the next
        start says nothing the start does not, and is left out."""
        starts = {getattr(self, name) for name, _, _ in PHASE_FIELDS if name.endswith("_start")}
        marks = [
            PhaseMark(name, label, short, getattr(self, name))
            for name, label, short in PHASE_FIELDS
            if getattr(self, name) is not None
            and not (name.endswith("_end") and getattr(self, name) + datetime.timedelta(days=1) in starts)
        ]
        return sorted(marks, key=lambda mark: mark.date)

    def summary(self) -> str:
        """'Phase 1 from Apr 13, 2026. Phase 2 and the adjustment period: not in the data yet (...)'."""
        starts = [
            f"{label} from {long_date(getattr(self, name))}"
            for name, label in [("phase_1_start", "Phase 1"), ("phase_2_start", "Phase 2"),
                                ("adjustment_start", "adjustment period")]
            if getattr(self, name)
        ]  # fmt: skip
        return ". ".join(filter(None, ["; ".join(starts), self.note])) or "no dates"

    def phase_on(self, date: datetime.date) -> str:
        """Where ``date`` falls: 'Phase 1 (day 6)', 'before Phase 1', or, past the last day a
        phase with no known end is known to last, '85 days after Phase 2 began'."""
        periods = [
            ("Phase 1", self.phase_1_start, self.phase_1_end or day_before(self.phase_2_start)),
            ("Phase 2", self.phase_2_start, self.phase_2_end or day_before(self.adjustment_start)),
            ("adjustment period", self.adjustment_start, self.adjustment_end),
        ]
        periods = [(name, start, end) for name, start, end in periods if start]
        if not periods:
            return "phases not known"
        if date < periods[0][1]:
            return f"before {periods[0][0]}"
        name, start, end = [period for period in periods if period[1] <= date][-1]
        day = (date - start).days + 1
        known_until = end or (self.inferred_through if self.dates_from == self.INFERRED else None)
        if known_until is None or date <= known_until:
            return f"{_capital(name)} (day {day})"
        if end is not None:
            return f"after the {name}" if name.startswith("adj") else f"after {name}"
        return f"{day - 1} days after {'the ' if name.startswith('adj') else ''}{name} began"


def blank_phases() -> dict[str, None]:
    return {name: None for name, _, _ in PHASE_FIELDS}


def long_date(date: datetime.date) -> str:
    """Dec 4, 2026."""
    return f"{date:%b} {date.day}, {date.year}"


def day_before(date: datetime.date | None) -> datetime.date | None:
    return date - datetime.timedelta(days=1) if date else None


def _capital(text: str) -> str:
    return text[0].upper() + text[1:]


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None
