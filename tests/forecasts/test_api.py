"""GET /api/v1/forecasts/{subject}/{number}/ over the real data."""

import pytest
from rest_framework.test import APIClient

from enrollment.models import TermPhases
from forecasts.models import FillForecast

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enrollment_data")]


@pytest.fixture
def api():
    return APIClient()


def test_a_forecast_course_answers_with_its_date_interval_chance_and_basis(api):
    stored = FillForecast.objects.get(course__code="COMPSCI 61A", term__slug="fall-2026")
    response = api.get("/api/v1/forecasts/COMPSCI/61A/")
    assert response.status_code == 200
    body = response.json()
    assert (body["course"], body["term"]) == ("COMPSCI 61A", "fall-2026")
    assert body["status"] == ("withheld" if stored.withheld else "forecast")
    assert body["reason"] == stored.withheld
    forecast = body["forecast"]
    assert forecast["date"] == stored.date.isoformat()
    assert forecast["phase"] == stored.phase
    phase_1 = TermPhases.objects.get(term__slug="fall-2026").phase_1_start
    assert forecast["day"] == (stored.date - phase_1).days + 1
    assert forecast["interval"] == {"low": stored.low.isoformat(), "high": stored.high.isoformat(), "coverage": 0.8}
    assert forecast["chance"] == pytest.approx(stored.chance)
    assert forecast["basis"]["past_terms"] == 3
    assert "conformal" in forecast["basis"]["method"]


def test_a_course_full_already_answers_full_with_the_day(api):
    stored = FillForecast.objects.exclude(full_since=None).select_related("course").first()
    subject, number = stored.course.code.rsplit(" ", 1)
    body = api.get(f"/api/v1/forecasts/{subject}/{number}/").json()
    assert body["status"] == "full"
    assert body["forecast"]["full_since"] == stored.full_since.isoformat()
    assert body["forecast"]["interval"] is None


def test_a_term_without_forecasts_answers_none_with_a_reason(api):
    body = api.get("/api/v1/forecasts/COMPSCI/61A/", {"term": "fall-2025"}).json()
    assert (body["status"], body["forecast"], body["term"]) == ("none", None, "fall-2025")
    assert "fall-2026" in body["reason"]


def test_an_unknown_course_is_404_and_a_bad_term_400_naming_it(api):
    missing = api.get("/api/v1/forecasts/NOPE/1/")
    assert missing.status_code == 404
    assert "NOPE" in missing.json()["detail"]
    bad = api.get("/api/v1/forecasts/COMPSCI/61A/", {"term": "winter-2026"})
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"term"}


def test_the_schema_documents_the_answer_and_its_errors(api):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/forecasts/{subject}/{number}/"]["get"]
    assert {"200", "400", "404"} <= set(operation["responses"])
    assert {p["name"] for p in operation["parameters"]} == {"subject", "number", "term"}
