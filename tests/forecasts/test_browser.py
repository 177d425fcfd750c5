"""The forecast on the course page and under the enrollment chart, in real Chromium at
1280 and 375 px, served by gunicorn over the real data.

No django_db mark on the browser tests: they read what they compare against from the API."""

import datetime
import json
import time

import pytest

from tests.browser import SCREENSHOTS

pytestmark = pytest.mark.browser

SIZES = {"wide": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 812}}


@pytest.fixture(scope="module")
def server(enrollment_data, site):
    return site


@pytest.mark.django_db
def test_the_forecast_these_tests_read_is_stored(enrollment_data):
    from forecasts.models import FillForecast

    assert FillForecast.objects.filter(course__code="COMPSCI 61A", term__slug="fall-2026").exists()


def answer(server) -> dict:
    status, _, body = server.get("/api/v1/forecasts/COMPSCI/61A/")
    assert status == 200
    return json.loads(body)


def short(iso: str) -> str:
    date = datetime.date.fromisoformat(iso)
    return f"{date:%b} {date.day}"


def expected_line(body: dict) -> str:
    forecast = body["forecast"]
    if body["status"] == "forecast":
        low, high = short(forecast["interval"]["low"]), short(forecast["interval"]["high"])
        return f"Likely to fill around {short(forecast['date'])} ({forecast['phase']}); 80% interval {low} – {high}."
    return body["reason"]


def fits(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"scrolls sideways by {overflow}px"


@pytest.mark.parametrize("size", sorted(SIZES))
def test_the_course_page_shows_the_forecast_and_how_it_was_made(server, browser, size):
    body = answer(server)
    page = browser.new_page(viewport=SIZES[size])
    page.goto(server.url + "/courses/COMPSCI/61A/")
    panel = page.locator("section.forecast-panel")
    assert panel.is_visible()
    assert panel.get_by_role("heading", name="When will it fill?").is_visible()
    text = " ".join(panel.inner_text().split())
    assert expected_line(body) in text
    assert "conformal prediction on earlier terms" in text
    assert "3 earlier Fall terms of this course" in text
    fits(page)
    panel.screenshot(path=SCREENSHOTS / f"forecast-panel-{size}.png")
    page.close()


@pytest.mark.parametrize("size", sorted(SIZES))
def test_the_enrollment_page_notes_the_forecast_under_the_coming_terms_curve_only(server, browser, size):
    body = answer(server)
    page = browser.new_page(viewport=SIZES[size])
    page.goto(server.url + "/enrollment/?s=COMPSCI/61A/fall-2026&s=COMPSCI/61A/fall-2025")
    notes = page.locator("aside.forecast-note")
    assert notes.count() == 1  # Fall 2025 is over: its curve is the answer
    assert "COMPSCI 61A, Fall 2026: when will it fill?" in notes.inner_text()
    assert expected_line(body) in " ".join(notes.inner_text().split())
    fits(page)
    notes.screenshot(path=SCREENSHOTS / f"forecast-note-{size}.png")
    page.close()


@pytest.fixture
def shown(server, django_db_blocker):
    """COMPSCI 61B's stored forecast with its date shown (withheld this early in the real
    term), restored afterwards: the page's date, interval and chance as a student sees them.
    Each change bumps the data generation, as a refresh does, so that a course page cached
    earlier in the run is not served, and waits for the server to read it."""
    from berkeleytime.caching import GENERATION_TTL, bump_data_generation
    from forecasts.models import FillForecast

    def withhold(reason: str) -> None:
        with django_db_blocker.unblock():
            forecast.withheld = reason
            forecast.save(update_fields=["withheld"])
            bump_data_generation()
        time.sleep(GENERATION_TTL + 0.2)

    with django_db_blocker.unblock():
        forecast = FillForecast.objects.get(course__code="COMPSCI 61B", term__slug="fall-2026")
    reason = forecast.withheld
    withhold("")
    yield forecast
    withhold(reason)


@pytest.mark.parametrize("size", sorted(SIZES))
def test_a_shown_forecast_reads_as_a_date_its_phase_and_interval(server, browser, shown, size):
    status, _, body = server.get("/api/v1/forecasts/COMPSCI/61B/")
    assert status == 200
    body = json.loads(body)
    assert body["status"] == "forecast"
    page = browser.new_page(viewport=SIZES[size])
    page.goto(server.url + "/courses/COMPSCI/61B/")
    text = " ".join(page.locator("section.forecast-panel").inner_text().split())
    assert expected_line(body) in text
    assert f"A {round(body['forecast']['chance'] * 100)}% chance it fills at all this term." in text
    fits(page)
    page.locator("section.forecast-panel").screenshot(path=SCREENSHOTS / f"forecast-panel-date-{size}.png")
    page.close()
