"""Finding a course by any code a source writes: the one resolver every importer and sync uses."""

from __future__ import annotations

from sources.codes import SubjectCodes, normalize_number

from .models import Course, CourseAlias, Subject


class CourseResolver:
    """Course ids by code, read once: the canonical code ("ELENG 126" is not one, EECS 126
    is), a former code or other spelling ("EL ENG 126"), or a subject written without
    its punctuation ("LS C70Y" is L&S C70Y)."""

    def __init__(self) -> None:
        self.courses = dict(Course.objects.values_list("code", "id"))
        self.aliases = dict(CourseAlias.objects.values_list("code_compact", "course_id"))
        self.subject_codes = SubjectCodes(Subject.objects.values_list("code", flat=True))

    def code(self, subject: str, number: str) -> str:
        """The code as the catalog would write it, whether or not a course has it."""
        return f"{self.subject_codes.canonical(subject)} {normalize_number(number)}"

    def find(self, subject: str, number: str) -> int | None:
        code = self.code(subject, number)
        return self.courses.get(code) or self.aliases.get(code.replace(" ", ""))

    def add(self, code: str, course_id: int) -> None:
        """A course created after the resolver was made."""
        self.courses[code] = course_id
