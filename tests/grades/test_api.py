import pytest
from rest_framework.test import APIClient

from grades.maths import GRADES
from grades.models import Grade

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_a_course_distribution_over_all_terms(api):
    body = api.get("/api/v1/grades/COMPSCI/61A/").json()
    assert body["course"] == "COMPSCI 61A"
    assert [row["grade"] for row in body["distribution"]] == list(GRADES)
    assert body["total"] == sum(row["count"] for row in body["distribution"])
    assert body["sections"] == Grade.objects.filter(course__code="COMPSCI 61A").count()
    assert 2.5 < body["gpa"] < 3.6
    assert body["letter"] in {"B-", "B", "B+", "A-"}
    first = body["distribution"][0]
    assert first["percentile_high"] == 1.0
    assert {"count", "percent", "percentile_low", "percentile_high"} <= set(first)


def test_terms_and_instructors_narrow_the_distribution(api):
    everything = api.get("/api/v1/grades/COMPSCI/61A/").json()
    fall = api.get("/api/v1/grades/COMPSCI/61A/", {"term": "fall-2023"}).json()
    two = api.get("/api/v1/grades/COMPSCI/61A/", {"term": ["fall-2023", "spring-2023"]}).json()
    denero = api.get("/api/v1/grades/COMPSCI/61A/", {"term": "fall-2023", "instructor": "john-denero"}).json()
    assert everything["total"] > two["total"] > fall["total"] >= denero["total"] > 0
    assert denero["sections"] == 1


def test_an_alias_spelling_answers(api):
    assert api.get("/api/v1/grades/EL%20ENG/120/").json()["course"] == "ELENG 120"


def test_options_offer_terms_and_instructors(api):
    body = api.get("/api/v1/grades/COMPSCI/61A/options/").json()
    slugs = [t["slug"] for t in body["terms"]]
    assert slugs[0] == "fall-2025"
    assert "spring-2007" in slugs
    denero = next(i for i in body["instructors"] if i["slug"] == "john-denero")
    assert "fall-2023" in denero["terms"]


def test_gpa_trend_for_a_course_and_an_instructor(api):
    trend = api.get("/api/v1/grades/COMPSCI/61A/trend/").json()["trend"]
    terms = [p["term"] for p in trend]
    assert terms[0] == "spring-2007"
    assert terms[-1] == "fall-2025"
    assert all(0 <= p["gpa"] <= 4 for p in trend)
    mine = api.get("/api/v1/grades/COMPSCI/61A/trend/", {"instructor": "john-denero"}).json()["trend"]
    assert 0 < len(mine) < len(trend)
    teacher = api.get("/api/v1/instructors/john-denero/").json()
    assert "COMPSCI 61A" in [c["code"] for c in teacher["courses"]]
    assert teacher["trend"]


def test_compare_up_to_four_selections(api):
    body = api.get(
        "/api/v1/grades/compare/",
        {"s": ["COMPSCI/61A", "COMPSCI/61A/fall-2023", "COMPSCI/61A/all/john-denero", "DATA/C8/fall-2023/all"]},
    ).json()
    assert [s["selection"] for s in body["selections"]] == [
        "COMPSCI/61A/all/all", "COMPSCI/61A/fall-2023/all", "COMPSCI/61A/all/john-denero", "DATA/C8/fall-2023/all",
    ]  # fmt: skip
    assert body["selections"][0]["total"] > body["selections"][1]["total"]


def test_instructor_search(api):
    body = api.get("/api/v1/instructors/", {"q": "denero"}).json()
    assert body["results"][0]["slug"] == "john-denero"
    assert api.get("/api/v1/instructors/", {"q": "zzzz-nobody"}).json()["count"] == 0


@pytest.mark.parametrize(
    ("path", "params", "parameter"),
    [
        ("/api/v1/grades/COMPSCI/61A/", {"term": "fall-1999"}, "term"),
        ("/api/v1/grades/COMPSCI/61A/", {"term": "autumn"}, "term"),
        ("/api/v1/grades/COMPSCI/61A/", {"instructor": "nobody-at-all"}, "instructor"),
        ("/api/v1/grades/COMPSCI/61A/trend/", {"instructor": "nobody-at-all"}, "instructor"),
        ("/api/v1/grades/compare/", {"s": ["COMPSCI/61A"] * 5}, "s"),
        ("/api/v1/grades/compare/", {}, "s"),
        ("/api/v1/grades/compare/", {"s": "COMPSCI"}, "s"),
        ("/api/v1/grades/compare/", {"s": "NOPE/1"}, "s"),
        ("/api/v1/grades/compare/", {"s": "COMPSCI/61A/fall-3000"}, "s"),
        ("/api/v1/instructors/", {"q": "x" * 201}, "q"),
        ("/api/v1/instructors/", {"page": "zero"}, "page"),
    ],
)
def test_bad_input_is_400_naming_the_parameter(api, path, params, parameter):
    response = api.get(path, params)
    assert response.status_code == 400
    assert parameter in response.json()["errors"]


@pytest.mark.parametrize(
    "path", ["/api/v1/grades/NOPE/1/", "/api/v1/grades/NOPE/1/options/", "/api/v1/grades/NOPE/1/trend/",
             "/api/v1/instructors/nobody-at-all/"],
)  # fmt: skip
def test_unknown_things_are_404(api, path):
    assert api.get(path).status_code == 404


def test_a_course_without_grades_has_an_empty_distribution(api):
    from catalog.models import Course

    code = Course.objects.filter(has_grades=False).values_list("subject_id", "number").first()
    body = api.get(f"/api/v1/grades/{code[0]}/{code[1]}/").json()
    assert (body["sections"], body["total"], body["gpa"], body["letter"]) == (0, 0, None, None)
