from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from catalog.models import Course, Requirement
from tests.factories import CourseFactory, SubjectFactory, TermFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def codes(response) -> list[str]:
    return [course["code"] for course in response.json()["results"]]


def test_course_list_is_paginated_with_the_documented_fields(api):
    response = api.get("/api/v1/courses/", {"subject": "COMPSCI"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == Course.objects.filter(subject_id="COMPSCI").count()
    assert len(body["results"]) == 25
    assert "page=2" in body["next"]
    first = body["results"][0]
    assert {"code", "subject", "number", "title", "units", "level"} <= set(first)


def test_subject_filter_accepts_any_spelling(api):
    spaced = api.get("/api/v1/courses/", {"subject": "EL ENG", "page_size": 100}).json()
    compact = api.get("/api/v1/courses/", {"subject": "eleng", "page_size": 100}).json()
    assert spaced["results"] == compact["results"]
    assert spaced["count"] == compact["count"] > 0
    assert all(c["subject"] == "ELENG" for c in spaced["results"])


def test_courses_come_in_catalog_order(api):
    listed = codes(api.get("/api/v1/courses/", {"subject": "COMPSCI", "page_size": 100}))
    numbers = [int("".join(ch for ch in code.split()[1] if ch.isdigit())) for code in listed]
    assert numbers == sorted(numbers)
    titles = [
        c["title"] for c in api.get("/api/v1/courses/", {"subject": "MATH", "ordering": "title"}).json()["results"]
    ]
    assert titles == sorted(titles)


@pytest.mark.parametrize("level", ["lower", "upper", "graduate", "professional"])
def test_level_filter(api, level):
    body = api.get("/api/v1/courses/", {"level": level, "subject": "COMPSCI", "page_size": 100}).json()
    assert body["count"] > 0
    assert {c["level"] for c in body["results"]} == {level}


def test_units_filter_matches_ranges():
    subject = SubjectFactory(code="ZZUNITS")
    CourseFactory(subject=subject, number="1", units_min=Decimal("1"), units_max=Decimal("4"))
    CourseFactory(subject=subject, number="2", units_min=Decimal("3"), units_max=Decimal("3"))
    CourseFactory(subject=subject, number="3", units_min=Decimal("5"), units_max=Decimal("5"))
    api = APIClient()
    assert codes(api.get("/api/v1/courses/", {"subject": "ZZUNITS", "units": "3"})) == ["ZZUNITS 1", "ZZUNITS 2"]
    assert codes(api.get("/api/v1/courses/", {"subject": "ZZUNITS", "units": "1.5"})) == ["ZZUNITS 1"]
    assert codes(api.get("/api/v1/courses/", {"subject": "ZZUNITS", "ordering": "-units"}))[0] == "ZZUNITS 3"


def test_requirement_term_and_grades_filters(api):
    ac = api.get("/api/v1/courses/", {"requirement": "american-cultures", "page_size": 100}).json()
    assert ac["count"] > 0
    assert "COMLIT W60AC" in [c["code"] for c in ac["results"]] or ac["count"] > 100

    summer = api.get("/api/v1/courses/", {"term": "summer-2026", "subject": "COMPSCI", "page_size": 100}).json()
    assert "COMPSCI 61A" in [c["code"] for c in summer["results"]]
    assert summer["count"] < api.get("/api/v1/courses/", {"subject": "COMPSCI"}).json()["count"]

    fall = api.get("/api/v1/courses/", {"term": "fall-2023", "subject": "COMPSCI", "page_size": 100}).json()
    assert "COMPSCI 61A" in [c["code"] for c in fall["results"]]

    graded = api.get("/api/v1/courses/", {"has_grades": "true", "subject": "COMPSCI", "page_size": 100}).json()
    assert all(c["has_grades"] for c in graded["results"])
    ungraded = api.get("/api/v1/courses/", {"has_grades": "false", "subject": "COMPSCI", "page_size": 100}).json()
    assert not any(c["has_grades"] for c in ungraded["results"])


@pytest.mark.parametrize(
    ("q", "expected"),
    [("COMPSCI 61", "COMPSCI 61A"), ("compsci61a", "COMPSCI 61A"), ("EL ENG 12", "ELENG 120"),
     ("Structure and Interp", "COMPSCI 61A"), ("signals", "ELENG 120")],
)  # fmt: skip
def test_q_is_a_prefix_match_on_code_or_title(api, q, expected):
    found = codes(api.get("/api/v1/courses/", {"q": q, "page_size": 100}))
    assert expected in found


def test_a_course_by_its_code_with_everything_a_page_needs(api):
    body = api.get("/api/v1/courses/COMPSCI/61A/").json()
    assert body["code"] == "COMPSCI 61A"
    assert body["title"] == "The Structure and Interpretation of Computer Programs"
    assert body["units"] == "4"
    assert body["description"]
    for key in ("prerequisites", "aliases", "cross_listings", "requirements", "sections", "terms"):
        assert key in body
    assert body["sections_term"] == "summer-2026"
    assert body["sections"][0]["kind"] == "LEC"
    assert "fall-2023" in body["terms"]


def test_sections_for_a_term_without_sections_are_empty(api):
    body = api.get("/api/v1/courses/COMPSCI/61A/", {"term": "fall-2023"}).json()
    assert body["sections_term"] == "fall-2023"
    assert body["sections"] == []


def test_an_alias_answers_for_the_canonical_course(api):
    body = api.get("/api/v1/courses/EL%20ENG/120/").json()
    assert body["code"] == "ELENG 120"
    assert "EL ENG 120" in body["aliases"]


def test_cross_listings_in_the_detail(api):
    body = api.get("/api/v1/courses/DATA/C8/").json()
    assert {"COMPSCI C8", "STAT C8"} <= {c["code"] for c in body["cross_listings"]}


def test_subjects_and_terms(api):
    subjects = {s["code"]: s for s in api.get("/api/v1/subjects/").json()}
    assert subjects["ELENG"]["name"] == "Electrical Engineering"
    assert "EL ENG" in subjects["ELENG"]["spellings"]
    TermFactory(year=2031, season="fall")  # a term no course is offered in is not listed
    terms = [t["slug"] for t in api.get("/api/v1/terms/").json()]
    assert terms[0] == "summer-2026"
    assert "spring-2007" in terms
    assert terms.index("fall-2023") < terms.index("spring-2013")


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"level": "freshman"}, "level"),
        ({"page": "two"}, "page"),
        ({"page": "0"}, "page"),
        ({"page_size": "101"}, "page_size"),
        ({"page_size": "-1"}, "page_size"),
        ({"term": "fall-1999"}, "term"),
        ({"term": "autumn-2023"}, "term"),
        ({"units": "four"}, "units"),
        ({"subject": "NOTASUBJECT"}, "subject"),
        ({"requirement": "nope"}, "requirement"),
        ({"requirement": ["ls-breadth", "nope"]}, "requirement"),
        ({"days": "Mon"}, "days"),
        ({"starts_after": "25:00"}, "starts_after"),
        ({"ends_before": "noon"}, "ends_before"),
        ({"open_seats": "maybe"}, "open_seats"),
        ({"has_grades": "maybe"}, "has_grades"),
        ({"ordering": "popularity"}, "ordering"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_bad_input_gets_400_naming_the_parameter(api, params, parameter):
    response = api.get("/api/v1/courses/", params)
    assert response.status_code == 400
    body = response.json()
    assert parameter in body["errors"]
    assert parameter in body["detail"]


def test_bad_term_on_a_course_is_400(api):
    response = api.get("/api/v1/courses/COMPSCI/61A/", {"term": "spring-3000"})
    assert response.status_code == 400
    assert "term" in response.json()["errors"]


@pytest.mark.parametrize("path", ["/api/v1/courses/NOPE/1/", "/api/v1/courses/COMPSCI/99999/", "/api/v1/nothing/"])
def test_unknown_things_are_json_404s(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response.json()["detail"]


def test_strange_input_never_reaches_a_500(api):
    for params in [{"q": "%00"}, {"q": "\x00\x01"}, {"q": "(((["}, {"q": "\\"}, {"subject": "'; DROP TABLE"},
                   {"units": "1e309"}, {"units": "NaN"}, {"page": "99999999999999999999"}]:  # fmt: skip
        response = api.get("/api/v1/courses/", params)
        assert response.status_code in (200, 400, 404), (params, response.status_code)


def test_openapi_schema_and_docs(api):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/courses/" in document["paths"]
    params = {p["name"] for p in document["paths"]["/api/v1/courses/"]["get"]["parameters"]}
    assert {"subject", "level", "units", "requirement", "term", "has_grades", "q", "page", "page_size"} <= params
    docs = api.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()


def test_list_responses_are_cached_and_an_import_invalidates_them(api):
    first = api.get("/api/v1/courses/", {"subject": "ZZCACHE"})
    assert first.status_code == 400  # no such subject yet; errors are never cached
    TermFactory()
    CourseFactory(subject=SubjectFactory(code="ZZCACHE"), number="1")
    miss = api.get("/api/v1/courses/", {"subject": "ZZCACHE"})
    assert miss["X-Cache"] == "miss"
    assert api.get("/api/v1/courses/", {"subject": "ZZCACHE"})["X-Cache"] == "hit"
    CourseFactory(subject=SubjectFactory(code="ZZCACHE"), number="2")
    assert api.get("/api/v1/courses/", {"subject": "ZZCACHE"}).json()["count"] == 1  # still the cached answer
    from berkeleytime.caching import bump_data_generation

    bump_data_generation()  # what every importer does after it commits
    assert api.get("/api/v1/courses/", {"subject": "ZZCACHE"}).json()["count"] == 2


def test_listings_carry_the_average_gpa_and_sort_by_it(api):
    body = api.get("/api/v1/courses/", {"subject": "COMPSCI", "ordering": "-gpa", "page_size": 100}).json()
    gpas = [c["gpa"] for c in body["results"]]
    graded = [g for g in gpas if g is not None]
    assert gpas[: len(graded)] == graded  # courses without a GPA come last (the order within: the next test)
    assert None in gpas
    cs61a = api.get("/api/v1/courses/", {"q": "COMPSCI 61A"}).json()["results"][0]
    detail = api.get("/api/v1/grades/COMPSCI/61A/").json()
    assert (cs61a["gpa"], cs61a["letter"]) == (detail["gpa"], detail["letter"])


def test_a_page_of_courses_costs_a_fixed_number_of_queries(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):  # subject check, count, page (GPA joined in)
        response = api.get("/api/v1/courses/", {"subject": "COMPSCI", "page_size": 100})
    assert len(response.json()["results"]) == 100


def test_the_course_detail_carries_its_average_gpa(api):
    body = api.get("/api/v1/courses/COMPSCI/61A/").json()
    assert body["gpa"] == api.get("/api/v1/grades/COMPSCI/61A/").json()["gpa"]
    assert body["letter"]


def test_the_offered_terms_are_counted_right_and_computed_once_per_data_generation(django_assert_num_queries):
    from berkeleytime.caching import bump_data_generation
    from catalog import selectors
    from catalog.models import Course, Section, Term

    terms = selectors.offered_terms()
    with django_assert_num_queries(0):  # the next page reads it from the cache
        assert selectors.offered_terms() == terms
    for term in terms[:3]:
        assert term.course_count == Course.objects.filter(terms=term).count()
        assert term.section_count == Section.objects.filter(term=term, parent__isnull=True).count()
    assert not Term.objects.exclude(pk__in=[t.pk for t in terms]).filter(courses__isnull=False).exists()

    new = TermFactory(year=2031, season="fall")
    Course.objects.get(code="COMPSCI 61A").terms.add(new)
    bump_data_generation()  # what every importer and sync does after it commits
    assert selectors.offered_terms()[0] == new


def test_sorting_by_gpa_puts_courses_with_enough_students_first(api):
    from catalog.api.filters import GPA_MIN_STUDENTS
    from grades.models import CourseGrades

    body = api.get("/api/v1/courses/", {"subject": "COMPSCI", "ordering": "-gpa", "page_size": 100}).json()
    totals = dict(CourseGrades.objects.filter(course__subject_id="COMPSCI").values_list("course__code", "total"))
    graded = [c for c in body["results"] if c["gpa"] is not None]
    enough = [totals.get(c["code"], 0) >= GPA_MIN_STUDENTS for c in graded]
    assert enough[0]
    assert enough == sorted(enough, reverse=True)  # every course with enough students before any small one
    first_small = enough.index(False)
    for group in (graded[:first_small], graded[first_small:]):  # each by GPA
        assert [c["gpa"] for c in group] == sorted((c["gpa"] for c in group), reverse=True)
    assert body["results"][: len(graded)] == graded  # then the courses without a GPA


def test_a_nul_byte_in_a_typed_course_is_no_course_not_an_error(client):
    assert client.get("/courses/cs%00/61a/").status_code == 404
    assert client.get("/grades/", {"s": "cs\x00/61a"}).status_code == 400
    assert client.get("/api/v1/grades/cs%00/61a/").status_code == 404


def satisfied(course_code: str) -> set[str]:
    return set(Course.objects.get(code=course_code).requirements.values_list("slug", flat=True))


def test_requirements_are_multi_select_and_any_breadth_is_one_choice(api):
    # given the real requirement lists
    def listed(*slugs):
        return codes(api.get("/api/v1/courses/", {"requirement": list(slugs), "page_size": 100}))

    # when a student asks for any L&S breadth area
    any_breadth = api.get("/api/v1/courses/", {"requirement": "ls-breadth"}).json()["count"]
    areas = list(Requirement.objects.filter(kind="ls_breadth").values_list("slug", flat=True))
    # then it is at least as many as the largest area and no more than all of them together
    sizes = [api.get("/api/v1/courses/", {"requirement": slug}).json()["count"] for slug in areas]
    assert len(areas) >= 7
    assert max(sizes) < any_breadth <= sum(sizes)

    # when two requirements are checked, every course listed satisfies both
    both = listed("ls-arts-literature", "ls-historical-studies")
    assert both
    for code in both:
        assert {"ls-arts-literature", "ls-historical-studies"} <= satisfied(code)
    # and American Cultures with any breadth area is the courses that count for both
    for code in listed("american-cultures", "ls-breadth"):
        slugs = satisfied(code)
        assert "american-cultures" in slugs
        assert slugs & set(areas)


def test_section_filters_keep_courses_with_one_lecture_that_fits(api):
    # given Summer 2026's real sections
    from catalog.models import Section

    params = {"term": "summer-2026", "days": ["M", "W"], "starts_after": "10:00", "ends_before": "15:00",
              "page_size": 100}  # fmt: skip
    # when a student is free Monday and Wednesday between 10 and 3
    fitting = codes(api.get("/api/v1/courses/", params))
    # then each course listed has one lecture that meets only then
    assert fitting
    for code in fitting:
        lectures = Section.objects.filter(course__code=code, term__slug="summer-2026", parent__isnull=True)
        assert any(
            s.days and set(s.days) <= {"M", "W"} and s.start_time.hour >= 10 and s.end_time.hour < 15 for s in lectures
        ), code
    # and a course whose only lectures meet on other days is not
    everything = codes(api.get("/api/v1/courses/", {"term": "summer-2026", "page_size": 100, "subject": "COMPSCI"}))
    assert "COMPSCI 61A" in everything
    assert "COMPSCI 61A" not in fitting

    # when only courses with seats left are asked for
    open_now = api.get("/api/v1/courses/", {"term": "summer-2026", "open_seats": "true"}).json()["count"]
    all_summer = api.get("/api/v1/courses/", {"term": "summer-2026"}).json()["count"]
    # then full courses drop out, and each one left has a lecture with a seat
    assert 0 < open_now < all_summer
    for code in codes(api.get("/api/v1/courses/", {"term": "summer-2026", "open_seats": "true", "page_size": 100})):
        assert any(
            s.capacity and s.enrolled is not None and s.enrolled < s.capacity
            for s in Section.objects.filter(course__code=code, term__slug="summer-2026", parent__isnull=True)
        ), code


@pytest.mark.parametrize(
    ("q", "subjects", "expected"),
    [("cs6", {"COMPSCI"}, "COMPSCI 61B"), ("data", {"DATA"}, "DATA C8"), ("data 1", {"DATA"}, "DATA C100"),
     ("ee 12", {"ELENG", "EECS"}, "ELENG 120")],
)  # fmt: skip
def test_q_reads_everyday_subject_names_and_lists_the_named_courses_first(api, q, subjects, expected):
    found = codes(api.get("/api/v1/courses/", {"q": q, "page_size": 100}))
    assert expected in found
    named = [code.rpartition(" ")[0] in subjects for code in found]
    assert named[0]
    assert named == sorted(named, reverse=True)
