"""Every API parameter validated in one place: bad values answer 400 naming the parameter,
or 404 for a path that names nothing, never 500. The first cases are what fuzzing found."""

import urllib.parse

import pytest
from rest_framework.test import APIClient

from tests.factories import CourseFactory, SubjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def assert_names(response, parameter: str):
    assert response.status_code == 400, response.content
    body = response.json()
    assert parameter in body["errors"], body
    assert parameter in body["detail"]


@pytest.mark.parametrize("parameter", ["subject", "term"])
@pytest.mark.parametrize("value", ["%", "50%", "%s", "%(x)s", "%d%%"])
def test_a_percent_sign_in_a_filter_is_an_ordinary_unknown_value(api, parameter, value):
    response = api.get("/api/v1/courses/", {parameter: value})
    assert_names(response, parameter)
    assert value[:40] in " ".join(response.json()["errors"][parameter])


def test_an_empty_ordering_name_is_a_400(api):
    for ordering in ("code,", ",code", "code,,title", ","):
        assert_names(api.get("/api/v1/courses/", {"ordering": ordering}), "ordering")
    assert api.get("/api/v1/courses/", {"ordering": "-gpa,code"}).status_code == 200


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/api/v1/grades/COMPSCI/61A/", "instructor"),
        ("/api/v1/grades/COMPSCI/61A/", "term"),
        ("/api/v1/grades/COMPSCI/61A/trend/", "instructor"),
        ("/api/v1/instructors/", "q"),
        ("/api/v1/search/", "q"),
        ("/api/v1/courses/", "q"),
        ("/api/v1/courses/", "subject"),
        ("/api/v1/enrollment/COMPSCI/61A/", "term"),
        ("/api/v1/enrollment/compare/", "s"),
        ("/api/v1/grades/compare/", "s"),
    ],
)
@pytest.mark.parametrize("character", ["\x00", "\x1f", "\x7f"])
def test_control_characters_in_a_query_value_are_a_400(site, path, parameter, character):
    status, headers, body = site.get(f"{path}?{urllib.parse.urlencode({parameter: f'den{character}ero'})}")
    assert status == 400, body
    assert headers["Content-Type"] == "application/json"
    assert parameter in body.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/courses/COMP%00SCI/61A/",
        "/api/v1/courses/COMPSCI/61%00A/",
        "/api/v1/grades/COMPSCI%00/61A/",
        "/api/v1/grades/COMPSCI/61A%00/options/",
        "/api/v1/enrollment/COMPSCI/%00/",
        "/api/v1/enrollment/COMPSCI/61A%01/terms/",
        "/api/v1/instructors/john%00denero/",
    ],
)
def test_a_nul_byte_in_a_path_is_a_json_404(site, path):
    status, headers, body = site.get(path)
    assert status == 404, body
    assert headers["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("path", "query", "parameter"),
    [
        ("/api/v1/courses/", "subject=COMPSCI&subject=MATH", "subject"),
        ("/api/v1/courses/", "page=1&page=2", "page"),
        ("/api/v1/courses/", "ordering=code&ordering=title", "ordering"),
        ("/api/v1/courses/COMPSCI/61A/", "term=fall-2023&term=spring-2024", "term"),
        ("/api/v1/enrollment/COMPSCI/61A/", "resolution=day&resolution=snapshot", "resolution"),
        ("/api/v1/instructors/", "q=denero&q=hug", "q"),
        ("/api/v1/search/", "q=cs61a&limit=5&limit=6", "limit"),
    ],
)
def test_a_single_valued_parameter_given_twice_is_a_400(api, path, query, parameter):
    assert_names(api.get(f"{path}?{query}"), parameter)


def test_repeatable_parameters_still_repeat(api):
    response = api.get("/api/v1/grades/COMPSCI/61A/?term=fall-2023&term=spring-2023")
    assert response.status_code == 200
    assert api.get("/api/v1/courses/?days=M&days=W").status_code == 200


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/api/v1/courses/?level=", "level"),
        ("/api/v1/courses/?subject=", "subject"),
        ("/api/v1/courses/?page=", "page"),
        ("/api/v1/courses/COMPSCI/61A/?term=", "term"),
        ("/api/v1/grades/COMPSCI/61A/?instructor=", "instructor"),
        ("/api/v1/search/?q=", "q"),
    ],
)
def test_an_empty_value_is_a_400(api, path, parameter):
    assert_names(api.get(path), parameter)


@pytest.mark.parametrize(
    ("path", "query", "parameter"),
    [
        ("/api/v1/courses/", {"page": "0"}, "page"),
        ("/api/v1/courses/", {"page_size": "101"}, "page_size"),
        ("/api/v1/courses/", {"page_size": "-1"}, "page_size"),
        ("/api/v1/courses/", {"units": "100"}, "units"),
        ("/api/v1/courses/", {"level": "freshman"}, "level"),
        ("/api/v1/courses/", {"has_grades": "yes"}, "has_grades"),
        ("/api/v1/courses/", {"ordering": "popularity"}, "ordering"),
        ("/api/v1/enrollment/COMPSCI/61A/", {"resolution": "hour"}, "resolution"),
        ("/api/v1/search/", {"q": "cs", "limit": "0"}, "limit"),
        ("/api/v1/search/", {"q": "cs", "limit": "100000"}, "limit"),
        ("/api/v1/courses/", {"subject": "C" * 201}, "subject"),
        ("/api/v1/search/", {"q": "a" * 201}, "q"),
        ("/api/v1/grades/compare/", {"s": "COMPSCI/61A/" + "x" * 200}, "s"),
    ],
)
def test_out_of_range_unknown_and_over_long_values_are_400s(api, path, query, parameter):
    assert_names(api.get(path, query), parameter)


def test_a_page_past_the_last_is_a_404(api):
    response = api.get("/api/v1/courses/", {"subject": "COMPSCI", "page": "1000"})
    assert response.status_code == 404
    assert response.json()["detail"]


def test_a_course_without_enrollment_answers_null_term_as_the_schema_says(api):
    CourseFactory(subject=SubjectFactory(code="ZZNODATA"), number="1")
    body = api.get("/api/v1/enrollment/ZZNODATA/1/").json()
    assert (body["term"], body["term_name"], body["as_of"], body["points"]) == (None, None, None, [])
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    series = schema["components"]["schemas"]["EnrollmentSeries"]["properties"]
    assert all(series[name].get("nullable") for name in ("term", "term_name", "as_of"))


def test_every_operation_documents_its_error_answers(api):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            parameters = operation.get("parameters", [])
            if parameters:
                assert "400" in operation["responses"], path
            if any(p["in"] == "path" for p in parameters):
                assert "404" in operation["responses"], path
    assert schema["paths"]["/api/v1/search/"]["get"]["responses"]["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }


def test_the_search_host_checks_its_api_the_same_way(api, settings):
    host = {"HTTP_HOST": settings.BT_SEARCH_HOST}
    assert_names(api.get("/api/v1/search/?q=cs61a&q=math", **host), "q")
    assert_names(api.get("/api/v1/search/", {"q": "cs\x0061a"}, **host), "q")
    assert_names(api.get("/api/v1/search/", {"q": "cs61a", "limit": "51"}, **host), "limit")
    assert api.get("/api/v1/search/", {"q": "cs61a"}, **host).json()["results"]


def test_paging_bounds_are_in_the_schema(api):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/courses/"]["get"]["parameters"]}
    assert parameters["page"]["minimum"] == parameters["page_size"]["minimum"] == 1
    assert parameters["page_size"]["maximum"] == 100
    assert api.get("/api/v1/courses/", {"page_size": "100"}).status_code == 200


@pytest.mark.parametrize(
    ("path", "query", "parameter"),
    [
        ("/api/v1/courses/", {"term": " "}, "term"),
        ("/api/v1/courses/", {"page_size": "\u0661\u0660"}, "page_size"),
        ("/api/v1/courses/", {"page": "1e3"}, "page"),
        ("/api/v1/instructors/", {"page_size": "+5"}, "page_size"),
        ("/api/v1/search/", {"q": "cs", "limit": "\u0665"}, "limit"),
        ("/api/v1/search/", {"q": "cs", "limit": "5.0"}, "limit"),
    ],
)
def test_blank_values_and_numbers_in_other_digits_are_400s(api, path, query, parameter):
    assert_names(api.get(path, query), parameter)
