"""A course as students type it (catalog.typed), on the real catalog: one reading for every box."""

import pytest

from catalog import typed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("cs 61a", "COMPSCI 61A"), ("cs61a", "COMPSCI 61A"), ("CS 61A", "COMPSCI 61A"), ("compsci 61 a", "COMPSCI 61A"),
        ("ee 120", "ELENG 120"), ("EL ENG 120", "ELENG 120"), ("data c8", "DATA C8"), ("data 8", "DATA C8"),
        ("eecs 126", "EECS 126"), ("el eng 126", "EECS 126"), ("ls c70y", "L&S C70Y"), ("  stat   134 ", "STAT 134"),
    ],
)  # fmt: skip
def test_what_students_type_names_the_course(text, code):
    assert typed.resolve(text).course.code == code


def test_a_number_many_subjects_share_gives_choices_not_a_course():
    found = typed.resolve("1")
    assert found.course is None
    assert len(found.choices) == typed.MAX_CHOICES
    assert "may be AEROENG 1, " in typed.not_found("1")


@pytest.mark.parametrize("text", ["", "data", "xyz 1", "cs 9999", "a" * 500, "cs\x0061a"])
def test_text_that_names_no_course_says_so_without_failing(text):
    assert typed.resolve(text).course is None
    assert "type a code like COMPSCI 61A" in typed.not_found(text) or typed.resolve(text).choices
