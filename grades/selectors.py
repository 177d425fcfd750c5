"""Read queries over grades: distributions, what a course offers to pick, trends, instructors."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, Sum

from catalog import selections, typed
from catalog.models import Course, Term, lookup_course
from catalog.selections import Selection, SelectionError
from catalog.selectors import UnknownTerm, term_by_slug

from .maths import GRADES, LETTERS, POINTS, letter_for, summarize
from .models import GRADE_FIELDS, CourseGrades, Grade, Instructor, InstructorSpelling

MAX_SELECTIONS = selections.MAX_SELECTIONS
API_MAX_SELECTIONS = 4
ALL = selections.ALL


class CourseNotFound(LookupError):
    pass


@dataclass
class Scope:
    """What the grade API filters by: a course, and terms and instructors (empty means all)."""

    course: Course
    terms: list[Term] = field(default_factory=list)
    instructors: list[Instructor] = field(default_factory=list)


def scope_of(selection: Selection | Scope) -> Scope:
    if isinstance(selection, Scope):
        return selection
    return Scope(
        selection.course,
        [selection.term] if selection.term else [],
        [selection.instructor] if selection.instructor else [],
    )


def grades_of(selection: Selection | Scope):
    scope = scope_of(selection)
    return Grade.objects.for_course(scope.course).in_terms(scope.terms).taught_by(scope.instructors)


def find_course(subject: str, number: str) -> Course:
    """A course by any spelling of its code, or as a student types it ("cs/61a", "ee/120")."""
    course = lookup_course(subject, number) or typed.resolve(f"{subject} {number}").course
    if course is None:
        message = typed.not_found(f"{subject} {number}")
        raise CourseNotFound(message[:1].upper() + message[1:])
    return course


def resolve_terms(slugs: list[str], parameter: str = "term") -> list[Term]:
    terms = []
    for slug in slugs:
        if not slug or slug == ALL:
            continue
        try:
            terms.append(term_by_slug(slug))
        except UnknownTerm as exc:
            raise SelectionError(parameter, str(exc)) from None
    return terms


def find_instructor(slug: str) -> Instructor | None:
    """An instructor by their slug or by the slug of any spelling of their name ('denero-j-s')."""
    instructor = Instructor.objects.filter(slug=slug).first()
    if instructor is None:
        spelling = InstructorSpelling.objects.select_related("instructor").filter(slug=slug).first()
        instructor = spelling.instructor if spelling else None
    return instructor


def resolve_instructors(slugs: list[str], parameter: str = "instructor") -> list[Instructor]:
    wanted = [s for s in slugs if s and s != ALL]
    found = {i.slug: i for i in Instructor.objects.filter(slug__in=wanted)}
    for spelling in InstructorSpelling.objects.select_related("instructor").filter(slug__in=set(wanted) - set(found)):
        found[spelling.slug] = spelling.instructor
    missing = [s for s in wanted if s not in found]
    if missing:
        raise SelectionError(parameter, f"unknown instructor {missing[0][:60]!r}.")
    return list({found[s].id: found[s] for s in wanted}.values())


def parse_selections(tokens: list[str], parameter: str = "s", most: int = API_MAX_SELECTIONS) -> list[Selection]:
    """Every selection, or the first SelectionError (for the API: all or nothing)."""
    chosen, errors = selections.parse_all(tokens, parameter, find_instructor, most)
    if errors:
        raise errors[0]
    if not chosen:
        raise SelectionError(parameter, "give at least one selection.")
    return chosen


def distribution(selection: Selection | Scope, letters_only: bool = False) -> dict:
    """The distribution over a selection; ``letters_only`` leaves P/NP out (percents
    of letter-graded students)."""
    counts, sections = grades_of(selection).counts()
    if letters_only:
        counts = {grade: count for grade, count in counts.items() if grade in LETTERS}
    return {"course": selection.course.code, **summarize(counts, sections, LETTERS if letters_only else GRADES)}


def options(course: Course) -> dict:
    """The terms and instructors with grades for a course, so a page can offer them."""
    students = sum(F(field) for field in GRADE_FIELDS.values())
    terms = (
        Grade.objects.for_course(course)
        .values("term__slug", "term__year", "term__season", "term__sort_key")
        .annotate(sections=Count("id"), students=Sum(students))
        .order_by("-term__sort_key")
    )
    rows = Grade.objects.for_course(course)
    instructors = (
        Instructor.objects.filter(grades__in=rows)
        .annotate(sections=Count("grades", distinct=True))
        .order_by("-sections", "name")
    )
    pairs = Grade.instructors.through.objects.filter(grade__in=rows).values_list(
        "instructor__slug", "grade__term__slug"
    )
    taught: dict[str, set[str]] = {}
    for instructor, term in pairs:
        taught.setdefault(instructor, set()).add(term)
    order = {t["term__slug"]: i for i, t in enumerate(terms)}
    return {
        "course": course.code,
        "terms": [
            {
                "slug": t["term__slug"],
                "name": f"{t['term__season'].capitalize()} {t['term__year']}",
                "sections": t["sections"],
                "students": t["students"],
            }
            for t in terms
        ],
        "instructors": [
            {
                "slug": i.slug,
                "name": i.name,
                "sections": i.sections,
                "terms": sorted(taught.get(i.slug, ()), key=lambda slug: order.get(slug, 0)),
            }
            for i in instructors
        ],
    }


def _points_sum():
    return sum(POINTS[g] * F(GRADE_FIELDS[g]) for g in LETTERS)


def gpa_by_term(grades) -> list[dict]:
    """GPA per term over ``grades``, oldest first, terms without letter grades left out."""
    letters = sum(F(GRADE_FIELDS[g]) for g in LETTERS)
    everyone = sum(F(GRADE_FIELDS[g]) for g in GRADES)
    rows = (
        grades.values("term__slug", "term__year", "term__season", "term__sort_key")
        .annotate(points=Sum(_points_sum()), letters=Sum(letters), students=Sum(everyone), sections=Count("id"))
        .order_by("term__sort_key")
    )
    trend = []
    for row in rows:
        if not row["letters"]:
            continue
        value = row["points"] / row["letters"]
        trend.append(
            {
                "term": row["term__slug"],
                "name": f"{row['term__season'].capitalize()} {row['term__year']}",
                "gpa": round(value, 3),
                "letter": letter_for(value),
                "students": row["students"],
                "sections": row["sections"],
            }
        )
    return trend


def course_trend(selection: Selection | Scope) -> list[dict]:
    """GPA per term of the selection's course, taught by its instructor when it has one,
    over every term (a selection of one term is read against the course's other terms)."""
    scope = scope_of(selection)
    return gpa_by_term(Grade.objects.for_course(scope.course).taught_by(scope.instructors))


def instructor_trend(instructor: Instructor) -> list[dict]:
    return gpa_by_term(Grade.objects.filter(instructors=instructor))


def instructor_courses(instructor: Instructor) -> list[dict]:
    """Each course an instructor taught, with the GPA and students of their sections."""
    letters = sum(F(GRADE_FIELDS[g]) for g in LETTERS)
    everyone = sum(F(GRADE_FIELDS[g]) for g in GRADES)
    rows = (
        Grade.objects.filter(instructors=instructor)
        .values(
            "course__code",
            "course__subject_id",
            "course__number",
            "course__title",
            "course__abbreviated_title",
            "course__number_digits",
        )  # fmt: skip
        .annotate(
            points=Sum(_points_sum()),
            letters=Sum(letters),
            students=Sum(everyone),
            sections=Count("id"),
            terms=Count("term", distinct=True),
            first=Min("term__sort_key"),
            last=Max("term__sort_key"),
        )
        .order_by("course__subject_id", "course__number_digits", "course__number")
    )
    courses = []
    for row in rows:
        value = row["points"] / row["letters"] if row["letters"] else None
        courses.append(
            {
                "code": row["course__code"],
                "subject": row["course__subject_id"],
                "number": row["course__number"],
                "title": row["course__title"] or row["course__abbreviated_title"],
                "gpa": round(value, 3) if value is not None else None,
                "letter": letter_for(value),
                "students": row["students"],
                "sections": row["sections"],
                "terms": row["terms"],
                "first_term": _term_name(row["first"]),
                "last_term": _term_name(row["last"]),
            }
        )
    return courses


def _term_name(sort_key: int) -> str:
    """20091 -> 'Spring 2009' (Term.sort_key is year * 10 + season)."""
    year, season = divmod(sort_key, 10)
    return f"{('Spring', 'Summer', 'Fall')[season - 1]} {year}"


def search_instructors(query: str):
    """Instructors with a spelling of their name that contains every word of ``query``."""
    queryset = Instructor.objects.annotate(sections=Count("grades"))
    words = query.split()
    if words:
        condition = Q()
        for word in words:
            condition &= Q(name__icontains=word)
        spelled = InstructorSpelling.objects.filter(condition, instructor=OuterRef("pk"), seen=True)
        queryset = queryset.filter(Exists(spelled))
    return queryset.order_by("-sections", "name")


def spellings(instructor: Instructor) -> list[str]:
    """The other ways the sources write an instructor's name."""
    names = instructor.spellings.filter(seen=True).exclude(name=instructor.name).values_list("name", flat=True)
    return sorted(names, key=str.lower)


def listings(course: Course) -> list[str]:
    """Every code a course's grades are counted under, when it has more than its own."""
    if course.listing_group is None:
        return []
    codes = list(Course.objects.filter(listing_group=course.listing_group).values_list("code", flat=True))
    return sorted(codes) if len(codes) > 1 else []


def course_summary(course: Course) -> CourseGrades | None:
    return CourseGrades.objects.filter(course=course).first()
