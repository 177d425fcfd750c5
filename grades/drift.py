"""Term-level drift in grades: each term's campus average grade point, per level.

Grades rose over the years (the Fall undergraduate average was 3.28 in 2013 and
3.40 in 2023, with a jump in the pass/no-pass terms of 2020), so an instructor
who taught mostly in recent terms looks more generous than one who taught
earlier, with no difference in how they grade. A fair comparison
(grades.fairness) reads each section against its term's campus average, kept
here in TermDrift and refreshed by every grade import.

A section's level is the one its source states ("under" or "grad"); the grade
history does not state one, so its rows take the course's catalog level (lower
and upper division are "under", graduate and professional "grad").

Which terms are campus-wide: those with rows from the per-section exports
(formatted, CalAnswers, the 2007-2012 legacy files). From Spring 2024 the only
source is the per-course grade history, which covers about 800 courses, busier
and lower-graded than the campus as a whole (in Fall 2023 those courses
averaged 3.38 against the campus's 3.40). A plain average of them would read
the change of course mix as drift, so such a term is linked instead: its value
is the previous same-season term's plus the change over the courses both terms
have, each side weighted by its own students.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import connection, transaction

from .maths import LETTERS, POINTS
from .models import GRADE_FIELDS, TermDrift

# Sources that list every section of the campus in their terms.
CAMPUS_WIDE = ("formatted", "calanswers", "legacy")
# A term and level with fewer letter-graded students than this has no average of its own.
MIN_STUDENTS = 500
LEVELS = ("under", "grad")

_POINTS_SQL = " + ".join(f"{POINTS[g]} * g.{GRADE_FIELDS[g]}" for g in LETTERS)
_LETTERS_SQL = " + ".join(f"g.{GRADE_FIELDS[g]}" for g in LETTERS)
_LEVEL_SQL = "COALESCE(NULLIF(g.level, ''), CASE WHEN c.level IN ('lower', 'upper') THEN 'under' ELSE 'grad' END)"


def section_level_sql() -> str:
    """The SQL expression for a grade row's level (``g`` the row, ``c`` its course)."""
    return _LEVEL_SQL


def _totals() -> list[tuple]:
    """(term id, season, sort key, level, course id, campus-wide, points, letter-graded students)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT t.id, t.season, t.sort_key, {_LEVEL_SQL}, g.course_id,
                   BOOL_OR(g.source = ANY(%(wide)s)), SUM({_POINTS_SQL})::float, SUM({_LETTERS_SQL})
            FROM grades_grade g
            JOIN catalog_term t ON t.id = g.term_id
            JOIN catalog_course c ON c.id = g.course_id
            GROUP BY 1, 2, 3, 4, 5
            HAVING SUM({_LETTERS_SQL}) > 0
            """,  # noqa: S608 - the interpolated parts are column names from this module
            {"wide": list(CAMPUS_WIDE)},
        )
        return cursor.fetchall()


def compute_drift() -> list[TermDrift]:
    """Every term and level's average, oldest first (unsaved rows)."""
    # (term id, level) -> {course id: (points, students)}
    courses: dict[tuple[int, str], dict[int, tuple[float, int]]] = defaultdict(dict)
    wide_terms: set[int] = set()
    terms: dict[int, tuple[str, int]] = {}
    for term_id, season, sort_key, level, course_id, wide, points, students in _totals():
        courses[term_id, level][course_id] = (points, students)
        terms[term_id] = (season, sort_key)
        if wide:
            wide_terms.add(term_id)

    found: list[TermDrift] = []
    latest: dict[tuple[str, str], TermDrift] = {}  # (season, level) -> the last term's drift
    for term_id in sorted(terms, key=lambda t: terms[t][1]):
        season = terms[term_id][0]
        for level in LEVELS:
            rows = courses.get((term_id, level), {})
            students = sum(n for _, n in rows.values())
            if students < MIN_STUDENTS:
                continue
            if term_id in wide_terms:
                drift = TermDrift(
                    term_id=term_id,
                    level=level,
                    gpa=sum(p for p, _ in rows.values()) / students,
                    students=students,
                    courses=len(rows),
                )
            else:
                drift = _linked(term_id, level, rows, latest.get((season, level)), courses)
                if drift is None:
                    continue
            found.append(drift)
            latest[season, level] = drift
    return found


def _linked(term_id, level, rows, previous: TermDrift | None, courses) -> TermDrift | None:
    """The previous same-season term's average plus the change over the courses both have."""
    if previous is None:
        return None
    before = courses[previous.term_id, level]
    shared = set(rows) & set(before)
    now_students = sum(rows[c][1] for c in shared)
    then_students = sum(before[c][1] for c in shared)
    if now_students < MIN_STUDENTS or then_students < MIN_STUDENTS:
        return None
    change = sum(rows[c][0] for c in shared) / now_students - sum(before[c][0] for c in shared) / then_students
    return TermDrift(
        term_id=term_id,
        level=level,
        gpa=previous.gpa + change,
        students=now_students,
        courses=len(shared),
        linked_from_id=previous.term_id,
    )


def refresh_term_drift() -> int:
    """Recompute every term's average (the grade import calls this); the number stored."""
    rows = compute_drift()
    with transaction.atomic():
        TermDrift.objects.all().delete()
        TermDrift.objects.bulk_create(rows)
    return len(rows)


def drift_table() -> dict[tuple[int, str], float]:
    """(term id, level) -> the term's average grade point."""
    return {(d.term_id, d.level): d.gpa for d in TermDrift.objects.all()}
