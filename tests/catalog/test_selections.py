"""One selection for every compare page (catalog/selections.py), on the real catalog."""

import pytest

from catalog import selections

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("token", "code", "term", "instructor"),
    [
        ("COMPSCI/61A", "COMPSCI 61A", None, None),
        ("cs/61a", "COMPSCI 61A", None, None),
        ("cs61a", "COMPSCI 61A", None, None),
        ("CS 61A/fall-2023", "COMPSCI 61A", "fall-2023", None),
        ("cs61a/Fall-2023/all", "COMPSCI 61A", "fall-2023", None),
        ("ee/120/all/all", "ELENG 120", None, None),
        ("ee 120", "ELENG 120", None, None),
        ("data c8/all/john-denero", "DATA C8", None, "john-denero"),
        ("EL ENG/120", "ELENG 120", None, None),
    ],
)
def test_a_selection_reads_as_students_type(token, code, term, instructor):
    selection = selections.parse(token)
    assert selection.course.code == code
    assert (selection.term.slug if selection.term else None) == term
    assert selection.instructor_slug == instructor


def test_the_token_is_canonical_and_reads_back_the_same():
    selection = selections.parse("cs61a/fall-2023")
    assert selection.token == "COMPSCI/61A/fall-2023/all"
    assert selections.parse(selection.token) == selection
    assert selection.scope == "Fall 2023 · all instructors"


def test_the_page_that_knows_instructors_finds_them():
    class Person:
        slug, name = "john-denero", "John DeNero"

    found = selections.parse("cs/61a/all/denero-j", find_instructor=lambda slug: Person() if "denero" in slug else None)
    assert found.instructor_slug == "john-denero"
    assert found.label == "COMPSCI 61A · all terms · John DeNero"
    with pytest.raises(selections.SelectionError, match="no instructor 'nobody'"):
        selections.parse("cs/61a/all/nobody", find_instructor=lambda slug: None)


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("NOPE/1", "No course 'NOPE 1'; type a code like COMPSCI 61A"),
        ("COMPSCI/61A/fall-1999", "COMPSCI 61A: no data for term 'fall-1999'"),
        ("COMPSCI/61A/autumn", "'autumn' is not a term like 'fall-2023'"),
        ("COMPSCI/61A/all/all/extra", "is not SUBJECT/NUMBER/term/instructor"),
        ("COMPSCI/", "is not SUBJECT/NUMBER/term/instructor"),
        ("cs\x0061a", "is not SUBJECT/NUMBER/term/instructor"),
        ("x" * 500, "is not SUBJECT/NUMBER/term/instructor"),
    ],
)
def test_what_cannot_be_read_is_a_selection_error_with_a_message(token, message):
    with pytest.raises(selections.SelectionError) as caught:
        selections.parse(token)
    assert message in str(caught.value)
    assert caught.value.parameter == "s"


def test_an_ambiguous_course_offers_its_candidates():
    with pytest.raises(selections.SelectionError) as caught:
        selections.parse("1")
    assert "may be AEROENG 1, " in str(caught.value)
    assert len(caught.value.choices) > 1


def test_six_selections_at_most_and_each_error_kept():
    chosen, errors = selections.parse_all(["cs/61a"] * 6 + ["NOPE/1"])
    assert len(chosen) == 6
    assert [str(e) for e in errors] == ["at most 6 selections, got 7: the first 6 are shown."]
    chosen, errors = selections.parse_all(["cs/61a", "NOPE/1", "data/c8"])
    assert [s.course.code for s in chosen] == ["COMPSCI 61A", "DATA C8"]
    assert len(errors) == 1


def test_the_form_rows_become_selections():
    tokens = selections.tokens_from_rows(["cs61a", "", "ee 120", "nope 1"], ["fall-2023", "all", "", "all"], ["all"])
    assert tokens == ["COMPSCI/61A/fall-2023/all", "ELENG/120/all/all", "nope 1/all/all"]
