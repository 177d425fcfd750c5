"""GET /api/v1/waitlist-odds/{subject}/{number}/ over the real data: the answer, the
answer that is a reason, and every kind of bad input."""

import pytest
from rest_framework.test import APIClient

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enrollment_data")]

PATH = "/api/v1/waitlist-odds/{}/{}/"


@pytest.fixture
def api():
    return APIClient()


def test_a_position_is_answered_with_the_chance_and_the_terms_it_rests_on(api):
    response = api.get(PATH.format("COMPSCI", "61A"), {"position": 40})

    assert response.status_code == 200
    body = response.json()
    assert (body["course"], body["position"], body["term"]) == ("COMPSCI 61A", 40, "fall-2026")
    assert 0 < body["chance"] < 1
    assert body["percent"] == min(99, max(1, round(body["chance"] * 100)))
    assert [t["term"] for t in body["past_terms"]] == ["fall-2025", "fall-2024", "fall-2023"]
    assert all(t["cleared"] == (t["moved"] >= 40) for t in body["past_terms"])
    assert body["reason"] == ""
    assert body["summary"].startswith(f"About {body['percent']}% chance that position 40 clears")


def test_another_day_and_any_spelling_of_the_code(api):
    early = api.get(PATH.format("COMPSCI", "61A"), {"position": 200, "day": 0}).json()
    late = api.get(PATH.format("compsci", "61a"), {"position": 200, "day": 140}).json()

    assert (early["day"], late["day"]) == (0, 140)
    assert late["chance"] < early["chance"]  # less is left to clear ten days before the horizon


def test_too_few_past_terms_answer_200_with_no_chance_and_the_reason(api):
    body = api.get(PATH.format("COMPSCI", "168"), {"position": 5}).json()

    assert body["chance"] is None
    assert body["percent"] is None
    assert body["reason"].startswith("Too few past terms")
    assert body["summary"] == body["reason"]


@pytest.mark.parametrize("query", [{}, {"position": -3}, {"position": 0}, {"position": "ten"}, {"position": 2.5},
                                   {"position": 2001}, {"position": 5, "day": 150}, {"position": 5, "day": "x"}])  # fmt: skip
def test_a_missing_or_bad_position_or_day_is_a_400_naming_it(api, query):
    response = api.get(PATH.format("COMPSCI", "61A"), query)

    assert response.status_code == 400
    named = "day" if "day" in query else "position"
    assert list(response.json()["errors"]) == [named]


def test_an_unknown_course_is_a_404(api):
    response = api.get(PATH.format("COMPSCI", "9999"), {"position": 5})

    assert response.status_code == 404
    assert response.json()["detail"] == "No course COMPSCI 9999."


def test_the_schema_documents_the_operation_its_parameters_and_its_400(api):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/waitlist-odds/{subject}/{number}/"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}

    assert parameters["position"]["required"] is True
    assert parameters["position"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 2000}
    assert parameters["day"]["schema"] == {"type": "integer", "minimum": 0, "maximum": 149}
    assert {"200", "400", "404"} <= set(operation["responses"])
