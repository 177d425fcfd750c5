"""The postgres backend over the real catalog and grades: every form students type finds its course."""

import pytest

from berkeleytime.signals import data_imported
from catalog.models import Course
from search import selectors
from search.models import CourseDocument
from sources.importing import ImportReport

pytestmark = pytest.mark.django_db


def codes(query: str, limit: int = 10) -> list[str]:
    results = selectors.search(query, limit)
    assert results.backend == "postgres"
    return [hit.code for hit in results.hits]


@pytest.mark.parametrize(
    ("typed", "course"),
    [
        ("cs61a", "COMPSCI 61A"),
        ("CS 61A", "COMPSCI 61A"),
        ("compsci 61 a", "COMPSCI 61A"),
        ("61a", "COMPSCI 61A"),
        ("data c8", "DATA C8"),
        ("data 100", "DATA C100"),
        ("ee 120", "ELENG 120"),
        ("EL ENG 120", "ELENG 120"),
        ("mcb 32", "MCELLBI 32"),
        ("ugba 10", "UGBA 10"),
        ("ieor 172", "INDENG 172"),
        ("stats 134", "STAT 134"),
        ("nst 10", "NUSCTX 10"),
        ("el eng 126", "EECS 126"),  # a former code
        ("math 1a", "MATH 51"),
        ("ls c70y", "L&S C70Y"),  # a subject code without its punctuation
    ],
)
def test_codes_in_every_form_come_first(typed, course):
    assert codes(typed)[0] == course


def test_an_unfinished_code_lists_its_courses():
    assert {"COMPSCI 61A", "COMPSCI 61B", "COMPSCI 61C"} <= set(codes("cs 61", 5))


@pytest.mark.parametrize(
    ("typed", "course"),
    [
        ("data structures", "COMPSCI 61B"),
        ("machine learning", "COMPSCI 189"),
        ("linear algebra", "MATH 54"),
        ("operating systems", "COMPSCI 162"),
    ],
)
def test_titles_and_topics(typed, course):
    assert course in codes(typed, 5)


@pytest.mark.parametrize(
    ("typed", "course"),
    [("algoritms", "COMPSCI 170"), ("operating sytems", "COMPSCI 162"), ("data structers", "COMPSCI 61B")],
)
def test_typos_are_forgiven(typed, course):
    assert course in codes(typed, 5)


def test_an_instructor_finds_the_courses_they_taught():
    results = selectors.search("denero", 10)
    assert results.hits[0].code == "COMPSCI 61A"
    assert {"COMPSCI 61A", "DATA C8"} <= {hit.code for hit in results.hits}
    assert results.hits[0].matched == "instructors"
    assert "<mark>DeNero</mark>" in results.hits[0].highlight


def test_everyday_subject_names_narrow_words():
    assert codes("cs algorithms", 3)[0] == "COMPSCI 170"
    assert codes("me thermodynamics", 3)[0] == "MECENG 40"


def test_results_are_best_first_with_highlights():
    results = selectors.search("operating systems", 5)
    scores = [hit.score for hit in results.hits]
    assert scores == sorted(scores, reverse=True)
    top = results.hits[0]
    assert top.matched == "title"
    assert top.highlight == "<mark>Operating</mark> <mark>Systems</mark> and <mark>System</mark> Programming"


def test_highlights_escape_everything_but_the_marks():
    # given a title with markup in it
    course = Course.objects.get(code="COMPSCI 61A")
    course.title = "Programs <script>alert(1)</script> & Data"
    course.save()
    data_imported.send(sender=None, importer="test", report=ImportReport(), course_ids={course.id})
    # when
    hit = next(h for h in selectors.search("programs alert", 10).hits if h.code == "COMPSCI 61A")
    # then
    assert "<script>" not in hit.highlight
    assert "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt; &amp; Data" in hit.highlight


def test_an_import_refreshes_the_documents_of_the_courses_it_changed():
    # given a course renamed by an import
    course = Course.objects.get(code="COMPSCI 61A")
    course.title = "Zyxwvutsrq Programming"
    course.save()
    assert codes("zyxwvutsrq") == []
    # when the importer announces it
    data_imported.send(sender=None, importer="catalog", report=ImportReport(), course_ids={course.id})
    # then
    assert codes("zyxwvutsrq")[0] == "COMPSCI 61A"
    assert CourseDocument.objects.get(course=course).title == "Zyxwvutsrq Programming"


def test_every_course_has_a_search_document():
    assert CourseDocument.objects.count() == Course.objects.count() > 10_000


def test_a_refresh_leaves_no_index_entries_pending():
    # given every document rewritten, as the nightly import does
    from django.db import connection

    from search.documents import _GIN_INDEXES, refresh_documents

    refresh_documents(None)
    # then each GIN index has merged its new entries (a pending list makes the planner skip the index)
    assert set(_GIN_INDEXES) == {"search_document_vector", "search_document_title_trgm", "search_word_trgm_gin"}
    with connection.cursor() as cursor:
        for index in _GIN_INDEXES:
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
            assert cursor.fetchone()[0] == 0, index


def test_nothing_matches_nothing():
    assert codes("qqqqqqqqqqqq") == []
    assert selectors.search("!!!", 10).hits == []


@pytest.mark.parametrize("typed", ["co", "ma", "int", "data s", "intro to"])
def test_ranking_only_the_contenders_gives_the_same_top_as_ranking_everything(typed):
    # given a query matching hundreds or thousands of courses
    from search.backends.postgres import PostgresBackend
    from search.query import parse

    backend = PostgresBackend()
    # when the top ten is asked for (title similarity is computed for the contenders only)
    # and when every match is ranked in full (a limit above the number of matches keeps them all)
    top = backend.search(parse(typed), 10)
    everything = backend.search(parse(typed), 20_000)
    # then both agree on the top ten
    assert len(everything) > 10
    assert [(h.code, h.score) for h in top] == [(h.code, h.score) for h in everything[:10]]
