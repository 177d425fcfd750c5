"""The catalog's data-quality checks (`manage.py data_quality`): each must find 0."""

from collections import Counter

from django.db.models import F

from sources import quality
from sources.codes import is_placeholder_section, subject_key

from .models import Course, CourseAlias, Section, Subject


def subjects_spelled_twice() -> int:
    """Subjects that read alike without punctuation ('LS' beside 'L&S'): one subject split in two."""
    keys = Counter(subject_key(code) for code in Subject.objects.values_list("code", flat=True))
    return sum(n - 1 for n in keys.values() if n > 1)


def placeholder_sections_shown() -> int:
    sections = Section.objects.filter(number__regex=r"^[0-9]?99[A-Z]?$").values_list(
        "number", "days", "start_time", "end_time"
    )
    return sum(1 for section in sections if is_placeholder_section(*section))


def former_codes_that_are_courses() -> int:
    return CourseAlias.objects.filter(code__in=Course.objects.values("code")).count()


def cross_listings_in_different_groups() -> int:
    through = Course.cross_listings.through
    return through.objects.exclude(from_course__listing_group=F("to_course__listing_group")).count()


def register() -> None:
    quality.register("catalog", "subjects that are another subject's spelling", subjects_spelled_twice)
    quality.register("catalog", "placeholder sections shown to students", placeholder_sections_shown)
    quality.register(
        "catalog", "codes that are both a course and another course's alias", former_codes_that_are_courses
    )
    quality.register("catalog", "cross-listed courses counted apart", cross_listings_in_different_groups)
