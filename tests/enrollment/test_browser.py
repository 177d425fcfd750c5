"""The enrollment page and panel in real Chromium, served by gunicorn over the real data.

No django_db mark here: Playwright's event loop breaks Django's database access in
the test process, so these tests read what they compare against from the server."""

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser import SCREENSHOTS

pytestmark = pytest.mark.browser

COMPARE = "/enrollment/?s=COMPSCI/61A/fall-2025&s=COMPSCI/61A/fall-2024&s=COMPSCI/61A/fall-2023"


@pytest.fixture(scope="module")
def server(enrollment_data, site):
    """The site, once the real enrollment history is in its database."""
    return site


@pytest.mark.django_db
def test_the_curves_these_tests_read_are_in_the_database(enrollment_data):
    """Not a browser test: it checks the data the browser tests rely on (and, being
    the one test here that uses the database, makes pytest-django create it when
    this module runs alone)."""
    from enrollment.models import EnrollmentPoint

    terms = set(EnrollmentPoint.objects.filter(course__code="COMPSCI 61A").values_list("term__slug", flat=True))
    assert {"fall-2023", "fall-2024", "fall-2025", "fall-2026"} <= terms


def api_points(server, term: str) -> list[dict]:
    status, _, body = server.get(f"/api/v1/enrollment/COMPSCI/61A/?term={term}")
    assert status == 200
    return json.loads(body)["points"]


@pytest.mark.parametrize(
    ("typed", "label"),
    [("cs 61a", "COMPSCI 61A"), ("cs61a", "COMPSCI 61A"), ("ee 120", "ELENG 120"), ("data c8", "DATA C8")],
)
def test_the_course_box_understands_how_students_type(server, browser, typed, label):
    for size in ({"width": 1280, "height": 900}, {"width": 375, "height": 812}):
        page = browser.new_page(viewport=size)
        page.goto(server.url + "/enrollment/")
        page.fill("#course-1", typed)
        page.press("#course-1", "Enter")
        page.wait_for_load_state()
        assert page.locator(".compare-errors").count() == 0
        assert label in page.locator(".legend").inner_text()
        page.close()


def test_picking_selections_puts_them_in_the_url_and_draws_them(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server.url + "/")
    page.get_by_role("link", name="Enrollment").click()
    assert urlsplit(page.url).path == "/enrollment/"
    page.fill("#course-1", "compsci 61a")
    page.select_option("#term-1", "fall-2025")
    page.get_by_text("Add a row").click()
    page.fill("#course-2", "cs61a")
    page.select_option("#term-2", "fall-2023")
    page.get_by_role("button", name="Show enrollment").click()
    page.wait_for_load_state()
    query = parse_qs(urlsplit(page.url).query)
    assert query["s"] == ["COMPSCI/61A/fall-2025/all", "COMPSCI/61A/fall-2023/all"]
    chart = page.locator("svg.chart.wide")
    assert chart.is_visible()
    assert chart.locator("g.line.solid").count() == 2
    assert chart.get_attribute("role") == "group"
    assert "COMPSCI 61A, Fall 2025" in page.locator(".legend").inner_text()

    # A link carries the view: a fresh page at that URL shows the same selections.
    shared = browser.new_page()
    shared.goto(page.url)
    assert shared.locator("#course-1").input_value() == "COMPSCI 61A"
    assert shared.locator("#term-2").input_value() == "fall-2023"
    page.screenshot(path=SCREENSHOTS / "enrollment.png", full_page=True)


def test_the_values_are_there_as_text(server, browser):
    page = browser.new_page()
    page.goto(server.url + COMPARE)
    # The chart is an image with a description, and the numbers are a table behind a summary.
    description = page.locator("svg.chart.wide desc").text_content()
    assert "COMPSCI 61A, Fall 2025" in description
    assert "1,269 enrolled (90.6% of capacity)" in description
    details = page.locator("details", has_text="COMPSCI 61A, Fall 2025")
    details.locator("summary").click()
    rows = details.locator("tbody tr")
    points = api_points(server, "fall-2025")
    assert rows.count() == len(points)
    assert rows.last.inner_text().split("\t")[2:] == ["1,269", "90.6%", "0"]


def test_the_toggle_switches_to_counts_and_keeps_the_selections(server, browser):
    page = browser.new_page()
    page.goto(server.url + COMPARE)
    assert "%" in page.locator("svg.chart.wide text.tick.y").last.text_content()
    page.get_by_role("link", name="Students").click()
    page.wait_for_load_state()
    query = parse_qs(urlsplit(page.url).query)
    assert query["y"] == ["count"]
    assert query["s"][2] == "COMPSCI/61A/fall-2023/all"
    top = page.locator("svg.chart.wide text.tick.y").last.text_content()
    assert re.fullmatch(r"[\d,]+", top)
    assert int(top.replace(",", "")) >= max(p["enrolled"] for p in api_points(server, "fall-2025"))


def test_the_page_fits_a_phone_screen(server, browser):
    phone = browser.new_page(viewport={"width": 375, "height": 740}, device_scale_factor=2)
    phone.goto(server.url + COMPARE + "&s=COMPSCI/61A")
    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"scrolls sideways by {overflow}px"
    # The phone-sized drawing replaces the wide one, and comes before the form.
    assert phone.locator("svg.chart.compact").is_visible()
    assert not phone.locator("svg.chart.wide").is_visible()
    chart_top = phone.locator(".chart-card").bounding_box()["y"]
    form_top = phone.locator("form.compare-form").bounding_box()["y"]
    assert chart_top < form_top
    label = phone.locator("svg.chart.compact text.tick.y").first
    assert label.bounding_box()["height"] >= 11  # legible, not shrunk with the drawing
    phone.screenshot(path=SCREENSHOTS / "enrollment-phone.png", full_page=True)


def test_the_course_page_shows_a_small_curve_and_links_to_the_comparison(server, browser):
    page = browser.new_page()
    page.goto(server.url + "/courses/COMPSCI/61A/")
    panel = page.locator("section.enrollment-panel")
    assert panel.is_visible()
    assert "Fall 2026" in panel.inner_text()
    assert panel.locator("svg path").count() == 2
    panel.get_by_role("link", name=re.compile("Compare enrollment")).click()
    page.wait_for_load_state()
    assert page.locator("svg.chart.wide g.line.solid").count() == 4
    legend = page.locator(".legend").inner_text()
    for term in ["Fall 2026", "Fall 2025", "Fall 2024", "Fall 2023"]:
        assert f"COMPSCI 61A, {term}" in legend
    page.screenshot(path=SCREENSHOTS / "enrollment-compare-terms.png", full_page=True)

    phone = browser.new_page(viewport={"width": 375, "height": 740}, device_scale_factor=2)
    phone.goto(server.url + "/courses/COMPSCI/61A/")
    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    phone.locator("section.enrollment-panel").screenshot(path=SCREENSHOTS / "enrollment-panel-phone.png")
