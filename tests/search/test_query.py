"""Reading what students type: codes in every form, everyday subject names (aliases.yaml), bad input."""

import pytest

from catalog.subject_names import everyday_names, subject_names
from search.query import InvalidQuery, edit_distance, parse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "subjects", "number"),
    [
        ("cs61a", ("COMPSCI",), "61A"),
        ("CS 61A", ("COMPSCI",), "61A"),
        ("compsci 61 a", ("COMPSCI",), "61A"),
        ("data c8", ("DATA",), "C8"),
        ("ee 120", ("ELENG", "EECS"), "120"),
        ("EL ENG 120", ("ELENG",), "120"),
        ("mcb 32", ("MCELLBI",), "32"),
        ("ugba 10", ("UGBA",), "10"),
        ("ieor 172", ("INDENG",), "172"),
        ("poli sci 2", ("POLSCI",), "2"),
        ("l&s 1", ("L&S",), "1"),
        ("61a", (), "61A"),
    ],
)
def test_codes_read_in_every_form(typed, subjects, number):
    (reading,) = parse(typed).codes
    assert reading.subjects[: len(subjects)] == subjects
    assert reading.number == number


@pytest.mark.parametrize("typed", ["data structures", "machine learning", "denero", "cs algorithms"])
def test_words_are_not_codes(typed):
    assert parse(typed).codes == ()


@pytest.mark.parametrize(
    ("name", "subject"),
    [
        ("cs", "COMPSCI"),
        ("ee", "ELENG"),
        ("eecs", "EECS"),
        ("mcb", "MCELLBI"),
        ("ib", "INTEGBI"),
        ("ieor", "INDENG"),
        ("me", "MECENG"),
        ("ce", "CIVENG"),
        ("bioe", "BIOENG"),
        ("polisci", "POLSCI"),
        ("nst", "NUSCTX"),
        ("stats", "STAT"),
        ("ugba", "UGBA"),
        ("data", "DATA"),
    ],
)
def test_the_alias_table_names_real_subjects(name, subject):
    assert subject_names.resolve(name)[0] == subject


def test_every_alias_points_at_a_subject_in_the_catalog():
    from catalog.models import Subject

    known = set(Subject.objects.values_list("code", flat=True))
    unknown = {name: codes for name, codes in everyday_names().items() if not set(codes) <= known}
    assert unknown == {}


def test_me_is_a_subject_though_it_is_a_stop_word():
    query = parse("me thermodynamics")
    assert query.words == ("me", "thermodynamics")
    assert "me" in query.subject_words


@pytest.mark.parametrize(
    "typed", ["", "   ", "x" * 201, "cs\x0061a", "cs\x0161a", "bad \ufffd bytes", "tab\tand\nnewline"]
)
def test_unusable_queries_are_refused(typed):
    with pytest.raises(InvalidQuery):
        parse(typed)


def test_two_hundred_characters_are_fine():
    assert parse("a" * 199 + "b").text == "a" * 199 + "b"


def test_a_swap_is_one_edit():
    assert edit_distance("sytems", "systems") == 1
    assert edit_distance("algoritms", "algorithms") == 1
    assert edit_distance("teh", "the") == 1


def test_edit_distance_with_a_limit_stops_at_the_limit():
    assert edit_distance("databases", "dictionary", 2) == 3
    assert edit_distance("databases", "databse", 2) == 2
