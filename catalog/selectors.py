"""Read queries over the catalog that views share."""

from django.db.models import Count, ExpressionWrapper, F, FloatField, IntegerField, OuterRef, Prefetch, Subquery, Sum
from django.db.models.functions import Coalesce

from berkeleytime.caching import cached_data
from sources.terms import InvalidTerm, TermRef

from . import typed
from .models import Course, CourseAlias, Requirement, Section, Subject, Term, lookup_course


def course_for_detail(subject: str, number: str) -> Course | None:
    """A course by any spelling of its code or as a student types it ("cs/61a"), with
    everything its page shows."""
    found = lookup_course(subject, number) or typed.resolve(f"{subject} {number}").course
    if found is None:
        return None
    return (
        Course.objects.select_related("subject")
        .annotate(gpa=F("grade_summary__gpa"), grade_letter=F("grade_summary__letter"))
        .prefetch_related(
            Prefetch("aliases", queryset=CourseAlias.objects.select_related("last_term")),
            "requirements",
            Prefetch("cross_listings", queryset=Course.objects.only("code", "title", "subject_id", "number")),
            Prefetch("terms", queryset=Term.objects.order_by("-sort_key")),
        )
        .get(pk=found.pk)
    )


def sections_for(course: Course, term: Term | None = None) -> tuple[Term | None, list[Section]]:
    """Primary sections with their discussions and labs, for ``term`` or else the latest term with any."""
    if term is None:
        term = Term.objects.filter(sections__course=course).order_by("-sort_key").first()
        if term is None:
            return None, []
    sections = list(
        Section.objects.filter(course=course, term=term, parent__isnull=True)
        .select_related("term")
        .prefetch_related(Prefetch("subsections", queryset=Section.objects.order_by("kind", "number")))
        .order_by("kind", "number")
    )
    return term, sections


def subjects_with_counts():
    return Subject.objects.annotate(course_count=Count("courses")).order_by("code")


def subject_choices() -> list[tuple[str, str]]:
    """(code, "CODE · Name") of every subject with a course, for a subject picker."""
    return [
        (s.code, f"{s.code} · {s.name}" if s.name else s.code)
        for s in subjects_with_counts().filter(course_count__gt=0)
    ]


def terms_with_data():
    """Terms in which some course is offered, most recent first. (Other apps may
    create terms for their own data, such as an enrollment period: those only
    appear here once the catalog lists courses for them.)"""
    # One count per term, each from its own index (two distinct counts over a join of
    # offerings and sections built 1.4 million rows for every catalog page).
    offered = Course.terms.through.objects.filter(term=OuterRef("pk"))
    primary_sections = Section.objects.filter(term=OuterRef("pk"), parent__isnull=True)
    return (
        Term.objects.annotate(course_count=_count(offered), section_count=_count(primary_sections))
        .filter(course_count__gt=0)
        .order_by("-sort_key")
    )


def offered_terms() -> list[Term]:
    """terms_with_data(), kept until the data changes: every catalog page shows it."""
    return cached_data("catalog:offered-terms", lambda: list(terms_with_data()))


def _count(rows):
    counted = rows.order_by().values("term").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


class UnknownTerm(ValueError):
    pass


def term_by_slug(slug: str) -> Term:
    """The Term for 'fall-2023'; UnknownTerm with a reader-facing message otherwise."""
    try:
        ref = TermRef.from_slug(slug)
    except InvalidTerm:
        raise UnknownTerm(f"{slug[:40]!r} is not a term like 'fall-2023'.") from None
    term = Term.objects.filter(slug=ref.slug).first()
    if term is None:
        raise UnknownTerm(f"no data for term {ref.slug!r}.")
    return term


FULLEST_MIN_SEATS = 30  # a seminar of six filled by six is not news


def fullest_courses(limit: int = 8) -> tuple[Term | None, list[dict]]:
    """The latest term with sections and its fullest courses (seats taken in their
    primary sections, courses of at least FULLEST_MIN_SEATS seats), fullest first."""
    term = Term.objects.filter(pk__in=Section.objects.values("term")).order_by("-sort_key").first()
    if term is None:
        return None, []
    rows = (
        Section.objects.filter(term=term, parent__isnull=True, capacity__gt=0, enrolled__isnull=False)
        .values("course")
        .annotate(enrolled=Sum("enrolled"), capacity=Sum("capacity"))
        .filter(capacity__gte=FULLEST_MIN_SEATS)
        .annotate(share=ExpressionWrapper(F("enrolled") * 1.0 / F("capacity"), output_field=FloatField()))
        .order_by("-share", "-capacity")[:limit]
    )
    courses = Course.objects.in_bulk([row["course"] for row in rows])
    return term, [{**row, "course": courses[row["course"]], "percent": round(row["share"] * 100)} for row in rows]


def requirements_with_counts():
    """Every requirement with how many courses satisfy it."""
    return Requirement.objects.annotate(course_count=Count("courses")).filter(course_count__gt=0)


def catalog_size() -> int:
    return Course.objects.for_listing().count()


def front_door() -> dict:
    """What the home page shows besides its search box."""
    term, fullest = fullest_courses()
    return {
        "term": term,
        "fullest": fullest,
        "requirements": list(requirements_with_counts()),
        "course_count": catalog_size(),
    }
