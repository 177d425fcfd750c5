"""How students talk about courses: shortened words, "intro", "101", places in a sequence, everyday course names,
and how many students took a course, over the real catalog and grades (postgres backend)."""

import pytest
from django.db.models import F, Sum

from grades.models import Grade
from search import selectors
from search.models import CourseDocument, Word
from search.query import parse
from search.shorthand import shorthand

pytestmark = pytest.mark.django_db


def codes(query: str, limit: int = 10) -> list[str]:
    results = selectors.search(query, limit)
    assert results.backend == "postgres"
    return [hit.code for hit in results.hits]


def test_shortened_words_read_as_their_long_forms():
    # when
    query = parse("lin alg")
    # then one term, typed or long
    (term,) = query.terms
    assert term.typed == ("lin", "alg")
    assert term.long_forms == (("linear", "algebra"),)
    assert parse("orgo").terms[0].long_forms == (("organic", "chemistry"),)


@pytest.mark.parametrize(
    ("typed", "words", "introductory", "place"),
    [
        ("intro psych", ["psych"], True, None),
        ("stats 101", ["stats"], True, None),
        ("second semester calc", ["calc"], False, 2),
        ("first semester calculus", ["calculus"], False, 1),
        ("calc 2", ["calc"], False, 2),
        ("intro", ["intro"], False, None),  # alone, it is what to search for
    ],
)
def test_words_that_only_ask_for_a_kind_of_course_are_not_required(typed, words, introductory, place):
    query = parse(typed)
    assert [term.word for term in query.terms] == words
    assert (query.introductory, query.place) == (introductory, place)


def test_describing_words_lift_without_being_required():
    # given a query with a word ECON 100A's title ("Microeconomics") does not say
    query = parse("intermediate micro")
    assert ([t.word for t in query.terms], query.describing) == (["micro"], ("intermediate",))
    # then it is found anyway, beside the courses whose titles do say it
    found = codes("intermediate micro", 5)
    assert "ECON 100A" in found
    assert "POLECON 106" in found  # Intermediate Microeconomic Theory


def test_every_long_form_is_made_of_words_the_catalog_uses():
    # given the word list every title, name and description feeds
    known = set(Word.objects.values_list("word", flat=True))
    # then a long form never asks for a word no course has (a typo in shorthand.yaml would)
    for typed, long_forms in shorthand().expansions.items():
        for form in long_forms:
            unknown = [w for w in form if len(w) >= 3 and w not in {"and", "the"} and w not in known]
            assert not unknown, f"{' '.join(typed)}: {unknown}"


def test_everyday_course_names_name_real_courses_and_reach_their_documents():
    for code, names in shorthand().courses.items():
        document = CourseDocument.objects.get(course__code=code)
        assert document.nicknames == "; ".join(names)


def test_documents_know_first_courses_and_places_in_a_sequence():
    documents = {d.course.code: d for d in CourseDocument.objects.select_related("course").filter(
        course__code__in=["PSYCH 1", "COMPSCI 162", "MATH 51", "MATH 52", "MATH 16B", "COMPSCI 170"]
    )}  # fmt: skip
    # lower division, and its description opens "Introduction to ..."
    assert documents["PSYCH 1"].introductory == 1.0
    assert documents["COMPSCI 162"].introductory == 0.0
    # "Calculus I", "Calculus II", the B of 16B
    assert (documents["MATH 51"].place, documents["MATH 52"].place, documents["MATH 16B"].place) == (1, 2, 2)
    assert documents["COMPSCI 170"].place is None


@pytest.mark.parametrize(
    ("typed", "course"),
    [
        ("intro psych", "PSYCH 1"),
        ("intro econ", "ECON 1"),
        ("first semester calculus", "MATH 51"),  # once MATH 1A
        ("second semester calc", "MATH 52"),
        ("calc 2", "MATH 52"),
        ("gen chem", "CHEM 1A"),
        ("intro to programming", "COMPSCI 61A"),
    ],
)
def test_shorthand_finds_the_obvious_course_first(typed, course):
    assert codes(typed, 5)[0] == course


@pytest.mark.parametrize(
    ("typed", "courses"),
    [
        ("orgo", {"CHEM 3A", "CHEM 3B", "CHEM 12A"}),
        ("organic chemistry", {"CHEM 3A"}),  # its title says "Chemical Structure and Reactivity"
        ("lin alg", {"MATH 54", "MATH 56", "MATH 110"}),
        ("diffeq", {"MATH 54"}),
        ("stats 101", {"STAT 20", "STAT 2"}),
        ("ml", {"COMPSCI 189"}),
        ("intro poli sci", {"POLSCI 1"}),
        ("sicp", {"COMPSCI 61A"}),
    ],
)
def test_shorthand_finds_the_courses_students_mean_in_the_top_five(typed, courses):
    assert courses <= set(codes(typed, 5))


def test_asking_for_a_first_course_lifts_it_above_courses_that_match_as_well():
    # given ECON 1 below another economics course when nothing asks for a first course
    assert codes("economics", 5)[0] != "ECON 1"
    # when the student asks for the intro course
    # then it comes first
    assert codes("intro econ", 5)[0] == "ECON 1"


def test_asking_for_a_place_in_a_sequence_picks_that_course():
    # given both semesters of calculus matching "calc", the second first
    assert codes("calc", 3)[0] == "MATH 52"
    # when a student asks for one of them
    first, second = codes("first semester calc", 3), codes("second semester calc", 3)
    # then each ordinal puts its own course first
    assert (first[0], second[0]) == ("MATH 51", "MATH 52")


def students(code: str) -> int:
    graded = Grade.objects.filter(course__code=code).aggregate(
        n=Sum(F("a_plus") + F("a") + F("a_minus") + F("b_plus") + F("b") + F("b_minus") + F("c_plus") + F("c")
              + F("c_minus") + F("d_plus") + F("d") + F("d_minus") + F("f") + F("p") + F("np"))
    )["n"]  # fmt: skip
    return graded or 0


def test_how_many_students_took_a_course_breaks_ties_between_equal_titles():
    # given three courses titled "General Psychology" (the regular, summer and online listings)
    same_title = list(CourseDocument.objects.filter(title="General Psychology").values_list("course__code", flat=True))
    assert len(same_title) >= 3
    # when searching that title
    found = [code for code in codes("general psychology", 10) if code in same_title]
    # then they come in the order of how many students took each
    assert found == sorted(same_title, key=students, reverse=True)
    assert students(found[0]) > students(found[-1])


def test_a_search_migration_rebuilds_the_documents_it_changed():
    # given documents written before the migration that added what a first course and a place are
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader

    from search.receivers import on_post_migrate

    CourseDocument.objects.update(introductory=0, place=None, nicknames="")
    migration = MigrationLoader(None, ignore_no_migrations=True).get_migration("search", "0003_shorthand")
    # when migrate has applied it
    on_post_migrate(sender=None, apps=apps, plan=[(migration, False)])
    # then every document holds them, and shorthand finds its courses at once
    psych = CourseDocument.objects.get(course__code="PSYCH 1")
    assert (psych.introductory, CourseDocument.objects.get(course__code="MATH 52").place) == (1.0, 2)
    assert CourseDocument.objects.get(course__code="CHEM 3A").nicknames == "organic chemistry"
    assert codes("intro psych", 5)[0] == "PSYCH 1"
