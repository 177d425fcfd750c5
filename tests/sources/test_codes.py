from datetime import time

import pytest

from sources.codes import (
    SubjectCodes,
    course_code,
    is_cross_listed_number,
    is_placeholder_section,
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


# -- subjects whose punctuation a source lost --------------------------------

KNOWN = ["L & S", "XL&S", "EL ENG", "A,RESEC", "COMPSCI", "HIN-URD", "MALAY/I"]


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("ls", "L&S"),  # the grade-history file ls-c70y.json
        ("LS", "L&S"),  # the Summer 2026 listing
        ("L & S", "L&S"),
        ("xls", "XL&S"),
        ("EL ENG", "ELENG"),
        ("eleng", "ELENG"),
        ("aresec", "ARESEC"),
        ("hinurd", "HIN-URD"),
        ("malayi", "MALAY/I"),
        ("NEWSUBJ", "NEWSUBJ"),  # unknown: as normalize_subject makes it
    ],
)
def test_a_subject_written_without_its_punctuation_is_the_known_subject(written, canonical):
    codes = SubjectCodes(KNOWN)
    assert codes.canonical(written) == canonical


def test_two_known_subjects_that_read_alike_are_both_left_as_written():
    codes = SubjectCodes(["A&B", "A/B"])
    assert codes.canonical("A&B") == "A&B"
    assert codes.canonical("A/B") == "A/B"
    assert codes.canonical("AB") == "AB"


# -- placeholder sections --------------------------------------------------


@pytest.mark.parametrize(
    ("number", "days", "start", "end", "placeholder"),
    [
        ("999", ["Su"], time(0, 2), time(0, 3), True),  # COMPSCI 61A DIS 999, Summer 2026
        ("999L", ["Su"], time(0, 0), time(0, 1), True),
        ("999", [], time(0, 0), time(0, 0), True),
        ("199", [], None, None, True),
        ("999", ["M", "W"], time(10, 0), time(11, 0), False),  # a real meeting
        ("101", [], None, None, False),  # not an x99 number
        ("098", [], None, None, False),
    ],
)
def test_x99_sections_without_a_real_meeting_are_placeholders(number, days, start, end, placeholder):
    assert is_placeholder_section(number, days, start, end) is placeholder
