"""The enrollment API over the real data: shape, defaults, comparisons and errors."""

import datetime

import pytest
from rest_framework.test import APIClient

from catalog.models import CourseAlias
from enrollment.models import EnrollmentPoint, TermPhases
from tests.enrollment.factories import EnrollmentPointFactory
from tests.factories import CourseFactory, SubjectFactory, TermFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enrollment_data")]


@pytest.fixture
def api():
    return APIClient()


def test_a_course_and_term_answer_with_the_documented_shape(api):
    response = api.get("/api/v1/enrollment/COMPSCI/61A/", {"term": "fall-2025"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"course", "title", "term", "term_name", "capacity", "points", "phases", "as_of"}
    assert (body["course"], body["term"], body["term_name"]) == ("COMPSCI 61A", "fall-2025", "Fall 2025")
    assert body["as_of"] == body["points"][-1]["date"]  # the files' counts: true as of the last day
    points = body["points"]
    assert len(points) == EnrollmentPoint.objects.filter(course__code="COMPSCI 61A", term__slug="fall-2025").count()
    assert [p["date"] for p in points] == sorted(p["date"] for p in points)
    assert set(points[0]) == {"date", "day", "enrolled", "enrolled_percent", "waitlisted", "capacity"}
    assert points[-1] == {
        "date": "2025-12-15",
        "day": 256,
        "enrolled": 1269,
        "enrolled_percent": 90.6,
        "waitlisted": 0,
        "capacity": points[-1]["capacity"],
    }
    assert body["capacity"] == points[-1]["capacity"]
    # the phases inferred from the data
    phases = TermPhases.objects.get(term__slug="fall-2025")
    assert body["phases"] == phases.as_dict()
    assert body["phases"]["phase_1_start"] == phases.phase_1_start.isoformat()


@pytest.mark.parametrize("term", ["fall-2023", "fall-2024", "fall-2025", "fall-2026"])
def test_compsci_61a_has_a_curve_for_each_fall(api, term):
    body = api.get("/api/v1/enrollment/COMPSCI/61A/", {"term": term}).json()
    assert body["term"] == term
    assert len(body["points"]) >= 10
    assert max(p["enrolled"] for p in body["points"]) > 0


def test_the_default_term_is_the_latest_with_data(api):
    body = api.get("/api/v1/enrollment/COMPSCI/61A/").json()
    assert body["term"] == "fall-2026"
    assert body["points"][0]["date"].startswith("2026-")


def test_any_spelling_of_the_code_answers(api):
    subject = SubjectFactory(code="ZZSPELL")
    course = CourseFactory(subject=subject, number="10")
    CourseAlias.objects.create(code="ZZ SPELL 10", code_compact="ZZSPELL10", course=course)
    EnrollmentPointFactory(course=course, term=TermFactory(year=2031, season="spring"))
    lower = api.get("/api/v1/enrollment/zzspell/10/").json()
    alias = api.get("/api/v1/enrollment/ZZ%20SPELL/10/").json()
    assert lower["course"] == alias["course"] == "ZZSPELL 10"
    assert lower["points"] == alias["points"]
    assert api.get("/api/v1/enrollment/compsci/61a/").json()["course"] == "COMPSCI 61A"


def test_a_course_without_enrollment_data_answers_with_no_points(api):
    CourseFactory(subject=SubjectFactory(code="ZZNONE"), number="1")
    body = api.get("/api/v1/enrollment/ZZNONE/1/").json()
    assert (body["term"], body["points"], body["capacity"]) == (None, [], None)


def test_the_terms_with_data_for_a_course(api):
    response = api.get("/api/v1/enrollment/COMPSCI/61A/terms/")
    assert response.status_code == 200
    body = response.json()
    assert body["course"] == "COMPSCI 61A"
    slugs = [t["slug"] for t in body["terms"]]
    assert slugs == ["fall-2026", "fall-2025", "fall-2024", "fall-2023"]
    fall_2025 = body["terms"][1]
    assert fall_2025["points"] == len(api.get("/api/v1/enrollment/COMPSCI/61A/?term=fall-2025").json()["points"])
    # Apr 3, 2025 in the files is Fall 2024's final count carried over, not stored.
    assert (fall_2025["first_date"], fall_2025["last_date"]) == ("2025-04-04", "2025-12-15")


def test_up_to_four_selections_compare_in_one_request(api):
    response = api.get(
        "/api/v1/enrollment/compare/",
        {"s": ["COMPSCI/61A/fall-2025", "compsci/61a/fall-2024", "COMPSCI/61A/fall-2023", "COMPSCI/61A"]},
    )
    assert response.status_code == 200
    selections = response.json()["selections"]
    assert [(s["course"], s["term"]) for s in selections] == [
        ("COMPSCI 61A", "fall-2025"),
        ("COMPSCI 61A", "fall-2024"),
        ("COMPSCI 61A", "fall-2023"),
        ("COMPSCI 61A", "fall-2026"),
    ]
    single = api.get("/api/v1/enrollment/COMPSCI/61A/", {"term": "fall-2024"}).json()
    assert selections[1] == single


def test_phase_dates_set_in_the_admin_show_at_once(api, django_capture_on_commit_callbacks):
    phases = TermPhases.objects.get(term__slug="fall-2025")
    inferred = api.get("/api/v1/enrollment/COMPSCI/61A/?term=fall-2025").json()["phases"]
    assert inferred == phases.as_dict()
    phases.phase_1_start = datetime.date(2025, 4, 14)
    phases.adjustment_end = datetime.date(2025, 9, 26)
    with django_capture_on_commit_callbacks(execute=True):
        phases.save()
    body = api.get("/api/v1/enrollment/COMPSCI/61A/?term=fall-2025").json()
    assert body["phases"]["phase_1_start"] == "2025-04-14"
    assert body["phases"]["adjustment_end"] == "2025-09-26"
    assert body["phases"]["phase_2_start"] == inferred["phase_2_start"]


# -- errors --------------------------------------------------------------------


def test_an_unknown_course_is_a_json_404(api):
    response = api.get("/api/v1/enrollment/NOPE/999/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No course NOPE 999."}
    assert api.get("/api/v1/enrollment/NOPE/999/terms/").status_code == 404


@pytest.mark.parametrize(
    ("term", "message"),
    [("fall-1999", "no data for term 'fall-1999'"), ("autumn-2025", "is not a term like 'fall-2023'")],
)
def test_a_bad_or_unknown_term_is_a_400_naming_it(api, term, message):
    response = api.get("/api/v1/enrollment/COMPSCI/61A/", {"term": term})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Invalid parameter: term."
    assert message in body["errors"]["term"][0]


@pytest.mark.parametrize(
    ("selections", "message"),
    [
        ([], "give 1 to 4 selections"),
        (["COMPSCI/61A/fall-2025"] * 5, "at most 4 selections, got 5"),
        (["COMPSCI 61A fall-2025"], "selection 1: 'COMPSCI 61A fall-2025' is not SUBJECT/NUMBER"),
        (["COMPSCI/61A/fall-2025", "NOPE/1/fall-2025"], "selection 2: no course 'NOPE 1'"),
        (["COMPSCI/61A/fall-1999"], "selection 1: no data for term 'fall-1999'"),
        (["COMPSCI/61A/spring/2025"], "is not SUBJECT/NUMBER"),
        (["//"], "is not SUBJECT/NUMBER"),
    ],
)
def test_bad_comparisons_are_a_400_naming_s(api, selections, message):
    response = api.get("/api/v1/enrollment/compare/", {"s": selections})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Invalid parameter: s."
    assert any(message in error for error in body["errors"]["s"]), body


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/enrollment/COMPSCI%00/61A/",
        "/api/v1/enrollment/COMPSCI/61A/?term=%00",
        "/api/v1/enrollment/compare/?s=COMPSCI/61A%00/fall-2025",
        "/api/v1/enrollment/" + "A" * 5000 + "/1/",
        "/api/v1/enrollment/COMPSCI/61A/?term=fall-99999999999999999999",
        "/api/v1/enrollment/%F0%9F%98%80/%E2%80%8B/terms/",
        "/api/v1/enrollment/compare/?s=%2F%2F%2F%2F",
        "/api/v1/enrollment/COMPSCI/61A/?term=fall-2025&term=",
        "/api/v1/enrollment/../../etc/passwd/",
    ],
)
def test_no_input_reaches_a_500(api, path):
    response = api.get(path)
    assert response.status_code in (200, 400, 404)
    assert response["Content-Type"].startswith("application/json")


def test_answers_are_cached(api):
    first = api.get("/api/v1/enrollment/COMPSCI/61A/?term=fall-2024")
    second = api.get("/api/v1/enrollment/COMPSCI/61A/?term=fall-2024")
    assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit")
    assert first.content == second.content
