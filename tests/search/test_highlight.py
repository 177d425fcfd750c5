"""Highlighting, the part both backends share: which words are marked, and what each kind of match shows."""

import pytest

from search.highlight import Terms, best, mark, snippet


@pytest.mark.parametrize(
    ("word", "terms", "marked"),
    [
        ("Systems", Terms(words=("systems",)), True),  # case
        ("Ambrosé", Terms(words=("ambrose",)), True),  # accents
        ("Structures", Terms(words=("structure",)), True),  # same stem
        ("Systems", Terms(words=("sytems",)), True),  # one letter off
        ("Interpretation", Terms(words=("interp",), prefix="interp"), True),  # still typing
        ("Interpretation", Terms(words=("interp",)), False),  # a whole word is not a prefix
        ("Stems", Terms(words=("systems",)), False),  # not the same first letter
        ("Data", Terms(words=()), False),  # nothing to match
    ],
)
def test_which_words_are_marked(word, terms, marked):
    assert terms.match(word) is marked
    # a second look answers the same (each distinct word is judged once per search)
    assert terms.match(word) is marked


def test_mark_escapes_everything_but_the_marks():
    html, found = mark("Programs <b>& Data</b>", Terms(words=("data",)))
    assert found
    assert html == "Programs &lt;b&gt;&amp; <mark>Data</mark>&lt;/b&gt;"


def test_a_title_match_is_shown_before_instructors_and_description():
    terms = Terms(words=("data",))
    assert best("DATA C8", "Foundations of Data Science", "Data Person", "Data.", terms, False) == (
        "title",
        "Foundations of <mark>Data</mark> Science",
    )


def test_at_most_three_matching_instructors_and_only_those():
    # given a long list of names where four share the query's surname
    names = ["Ada Lee", "Bo Chan", "Cy Lee", "Di Park", "Ed Lee", "Flo Lee", "Gus Kim"]
    # when
    matched, html = best("X 1", "Nothing Here", "; ".join(names), "", Terms(words=("lee",)), False)
    # then
    assert matched == "instructors"
    assert html == "Taught by Ada <mark>Lee</mark>; Cy <mark>Lee</mark>; Ed <mark>Lee</mark>"


def test_the_description_gives_a_snippet_around_the_first_match():
    text = " ".join(f"w{i}" for i in range(40)) + " recursion " + " ".join(f"v{i}" for i in range(40))
    fragment = snippet(text, Terms(words=("recursion",)))
    assert fragment.startswith("…")
    assert fragment.endswith("…")
    assert "<mark>recursion</mark>" in fragment
    assert snippet(text, Terms(words=("absent",))) is None


def test_a_code_match_marks_the_whole_code():
    assert best("COMPSCI 61A", "Structure", "", "", Terms(words=()), True) == ("code", "<mark>COMPSCI 61A</mark>")


@pytest.mark.parametrize(
    ("text", "terms", "found"),
    [
        ("Ada Lee; Bo Ambrosé", Terms(words=("ambrose",)), True),  # folded before skimming
        ("Ada Lee; Bo Chan", Terms(words=("sytems", "chan")), True),
        ("Ada Lee; Bo Chan", Terms(words=("kim",)), False),
        ("Ada Lee; Bo Chan", Terms(words=()), False),
    ],
)
def test_occurs_in_skims_a_text_for_any_matching_word(text, terms, found):
    assert terms.occurs_in(text) is found
