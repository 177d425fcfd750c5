from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Count, Exists, OuterRef, Sum

from catalog.models import Course, Term

from .maths import GRADES

# Grade letters to the columns that count them.
GRADE_FIELDS = {
    "A+": "a_plus", "A": "a", "A-": "a_minus",
    "B+": "b_plus", "B": "b", "B-": "b_minus",
    "C+": "c_plus", "C": "c", "C-": "c_minus",
    "D+": "d_plus", "D": "d", "D-": "d_minus",
    "F": "f", "P": "p", "NP": "np",
}  # fmt: skip


class Instructor(models.Model):
    """One person who taught, under the spelling of their name shown (grades.instructors)."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class InstructorSpelling(models.Model):
    """A way the sources write an instructor's name, or the name of an
    instructor page that no longer exists on its own: its slug redirects."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, db_index=True)
    instructor = models.ForeignKey(Instructor, on_delete=models.CASCADE, related_name="spellings")
    # Written so in today's data (listed on the instructor's page), not only an old page's name.
    seen = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} -> {self.instructor_id}"


class GradeQuerySet(models.QuerySet):
    def for_course(self, course: Course) -> "GradeQuerySet":
        """The course's sections under every code it is listed as (cross-listings count together).
        The codes are looked up first, so the sections are read through their (course, term) index."""
        return self.filter(course_id__in=course.listing_ids())

    def in_terms(self, terms) -> "GradeQuerySet":
        return self.filter(term__in=terms) if terms else self

    def taught_by(self, instructors) -> "GradeQuerySet":
        """Sections any of ``instructors`` taught, each counted once however many of them taught it."""
        if not instructors:
            return self
        links = Grade.instructors.through.objects.filter(grade_id=OuterRef("pk"), instructor__in=instructors)
        return self.filter(Exists(links))

    def counts(self) -> tuple[dict[str, int], int]:
        """Students per grade over these sections, and the number of sections."""
        totals = self.aggregate(
            sections=Count("id"), **{grade: Sum(field, default=0) for grade, field in GRADE_FIELDS.items()}
        )
        sections = totals.pop("sections")
        return {grade: int(totals[grade] or 0) for grade in GRADES}, sections


class Grade(models.Model):
    """One section's grade counts in one term, as one source states them.

    For each course and term only one source's rows are kept (see
    grades.services.SOURCE_PRIORITY), so nothing is counted twice."""

    SOURCES = [
        ("formatted", "Berkeleytime formatted export"),
        ("calanswers", "CalAnswers export"),
        ("legacy", "Legacy 2007-2012 files"),
        ("history", "Course grade history"),
    ]

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="grades")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="grades")
    source = models.CharField(max_length=16, choices=SOURCES)
    # Identifies the row within its source: "<section>|<ccn>", or the instructor for history rows.
    source_key = models.CharField(max_length=255)
    section = models.CharField(max_length=16, blank=True)
    ccn = models.CharField(max_length=16, blank=True)
    level = models.CharField(max_length=8, blank=True)  # "under", "grad" or unknown
    instructors = models.ManyToManyField(Instructor, blank=True, related_name="grades")
    # The instructors as the source wrote them; ``instructors`` links the people they are.
    instructor_names = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    a_plus = models.PositiveIntegerField(default=0)
    a = models.PositiveIntegerField(default=0)
    a_minus = models.PositiveIntegerField(default=0)
    b_plus = models.PositiveIntegerField(default=0)
    b = models.PositiveIntegerField(default=0)
    b_minus = models.PositiveIntegerField(default=0)
    c_plus = models.PositiveIntegerField(default=0)
    c = models.PositiveIntegerField(default=0)
    c_minus = models.PositiveIntegerField(default=0)
    d_plus = models.PositiveIntegerField(default=0)
    d = models.PositiveIntegerField(default=0)
    d_minus = models.PositiveIntegerField(default=0)
    f = models.PositiveIntegerField(default=0)
    p = models.PositiveIntegerField(default=0)
    np = models.PositiveIntegerField(default=0)
    w = models.PositiveIntegerField(null=True, blank=True)
    i = models.PositiveIntegerField(null=True, blank=True)

    objects = GradeQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course", "term", "source", "source_key"], name="grade_unique_row")
        ]
        indexes = [models.Index(fields=["course", "term"], name="grade_course_term")]

    def __str__(self) -> str:
        return f"{self.course_id} {self.term_id} {self.source}:{self.source_key}"

    def counts(self) -> dict[str, int]:
        return {grade: getattr(self, field) for grade, field in GRADE_FIELDS.items()}


class CourseGrades(models.Model):
    """A course's grades over all terms, refreshed by the importer so pages and
    listings need no aggregate per request."""

    course = models.OneToOneField(Course, on_delete=models.CASCADE, primary_key=True, related_name="grade_summary")
    sections = models.PositiveIntegerField()
    total = models.PositiveIntegerField()
    gpa = models.FloatField(null=True)
    letter = models.CharField(max_length=2, blank=True)

    def __str__(self) -> str:
        return f"{self.course_id}: {self.gpa}"


class TermDrift(models.Model):
    """The campus-wide average grade point of one term and level ("under" or "grad"):
    letter-graded students over every section, weighted by students. Refreshed by the
    grade import (grades.drift) so a fair comparison reads each term against its own
    campus average instead of aggregating every section per request.

    ``linked_from`` is set for a term only the per-course grade history covers (not
    every course): its value is the linked term's plus the change over the courses
    both terms have, so a different mix of courses does not pass for drift."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="drift")
    level = models.CharField(max_length=8)
    gpa = models.FloatField()
    students = models.PositiveIntegerField()
    courses = models.PositiveIntegerField()
    linked_from = models.ForeignKey(Term, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["term", "level"], name="term_drift_unique")]

    def __str__(self) -> str:
        return f"{self.term_id} {self.level}: {self.gpa:.3f}"
