"""The grades' data-quality checks (`manage.py data_quality`): each must find 0."""

from django.db import connection

from sources import quality
from sources.names import has_separator

from .models import GRADE_FIELDS, Grade, InstructorSpelling

# A course's listing group: every code its grades are counted under.
_GROUP = "COALESCE(c.listing_group, c.id)"
_FIELDS = list(GRADE_FIELDS.values())


def _count(sql: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def course_terms_from_two_sources() -> int:
    """A course (every listing) and term with rows from two sources: the same students counted twice."""
    return _count(
        f"""SELECT count(*) FROM (
              SELECT 1 FROM grades_grade g JOIN catalog_course c ON c.id = g.course_id
              GROUP BY {_GROUP}, g.term_id HAVING count(DISTINCT g.source) > 1) twice"""  # noqa: S608
    )


def sections_under_two_codes() -> int:
    """A class number (CCN) counted under two courses in one term."""
    return _count(
        """SELECT count(*) FROM (
              SELECT 1 FROM grades_grade WHERE ccn <> '' GROUP BY term_id, ccn HAVING count(DISTINCT course_id) > 1
           ) twice"""
    )


def repeated_distributions() -> int:
    """Two codes of one class with the same distribution (of ten students or more) in one term:
    one section's students under both codes."""
    counts = ", ".join(f"{{side}}.{field}" for field in _FIELDS)
    return _count(
        f"""WITH g AS (
              SELECT g.*, {_GROUP} AS grp FROM grades_grade g JOIN catalog_course c ON c.id = g.course_id
           )
           SELECT count(*) FROM g x JOIN g y
             ON x.grp = y.grp AND x.term_id = y.term_id AND x.course_id < y.course_id
            AND ({counts.format(side="x")}) = ({counts.format(side="y")})
           WHERE {" + ".join(f"x.{field}" for field in _FIELDS)} >= 10"""  # noqa: S608 - column names
    )


def names_holding_several_people() -> int:
    return sum(1 for name in InstructorSpelling.objects.values_list("name", flat=True) if has_separator(name))


def rows_without_their_instructors() -> int:
    return Grade.objects.exclude(instructor_names=[]).filter(instructors__isnull=True).count()


def register() -> None:
    quality.register("grades", "course terms counted from two sources", course_terms_from_two_sources)
    quality.register("grades", "sections (CCNs) counted under two codes in a term", sections_under_two_codes)
    quality.register("grades", "one distribution under two codes of a class in a term", repeated_distributions)
    quality.register("grades", "instructor names holding several people", names_holding_several_people)
    quality.register("grades", "grade rows not linked to the instructors they name", rows_without_their_instructors)
