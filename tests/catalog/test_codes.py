import pytest

from sources.codes import (
    course_code,
    is_cross_listed_number,
    level_for_number,
    normalize_number,
    normalize_subject,
)
from sources.terms import InvalidTerm, TermRef


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("EL ENG", "ELENG"),
        ("ELENG", "ELENG"),
        ("MEC ENG", "MECENG"),
        ("L & S", "L&S"),
        ("L&S", "L&S"),
        ("A,RESEC", "ARESEC"),
        ("ENE,RES", "ENERES"),
        ("compsci", "COMPSCI"),
        ("  COM LIT ", "COMLIT"),
        ("XL&S", "XL&S"),
    ],
)
def test_subject_spellings_share_one_canonical_code(raw, canonical):
    assert normalize_subject(raw) == canonical


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [(" 002B", "2B"), ("061A", "61A"), ("c8", "C8"), ("H196B", "H196B"), ("375", "375"), ("R1A", "R1A")],
)
def test_course_numbers_lose_padding_and_case(raw, canonical):
    assert normalize_number(raw) == canonical


def test_course_code_is_subject_space_number():
    assert course_code("EL ENG", "120") == "ELENG 120"
    assert course_code("COMPSCI", "61a") == "COMPSCI 61A"


@pytest.mark.parametrize(
    ("number", "level"),
    [("61A", "lower"), ("C8", "lower"), ("99", "lower"), ("100", "upper"), ("H196B", "upper"),
     ("200", "graduate"), ("299", "graduate"), ("375", "professional"), ("602", "professional")],
)  # fmt: skip
def test_level_follows_berkeley_numbering(number, level):
    assert level_for_number(number) == level


def test_cross_listed_numbers_start_with_c():
    assert is_cross_listed_number("C8")
    assert is_cross_listed_number("C100")
    assert not is_cross_listed_number("61C")
    assert not is_cross_listed_number("CS1")


def test_term_slugs_parse_and_print_once():
    term = TermRef.from_slug("fall-2023")
    assert (term.season, term.year, term.slug, term.name) == ("fall", 2023, "fall-2023", "Fall 2023")
    assert TermRef.from_name("Spring 2024") > term > TermRef.from_slug("summer-2023")


@pytest.mark.parametrize("slug", ["fall2023", "winter-2023", "fall-23", "", "fall-2023x", "fall-3000"])
def test_malformed_term_slugs_are_rejected(slug):
    with pytest.raises(InvalidTerm):
        TermRef.from_slug(slug)
