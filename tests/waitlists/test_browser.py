"""The waitlist odds on the enrollment page and the course page, in real Chromium at
1280 and 375 px, served by gunicorn over the real data.

No django_db mark on the browser tests: Playwright's event loop breaks Django's
database access in the test process, so they read what they compare against from
the server's API."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser import SCREENSHOTS

pytestmark = pytest.mark.browser

WIDE, PHONE = {"width": 1280, "height": 900}, {"width": 375, "height": 740}
ENROLLMENT = "/enrollment/?s=COMPSCI/61A/fall-2025&s=COMPSCI/61A/fall-2024&s=COMPSCI/189/fall-2025"


@pytest.fixture(scope="module")
def server(enrollment_data, site):
    return site


def api_odds(server, course: str, position: int) -> dict:
    status, _, body = server.get(f"/api/v1/waitlist-odds/{course}/?position={position}")
    assert status == 200
    return json.loads(body)


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("size", [WIDE, PHONE], ids=["1280", "375"])
def test_the_enrollment_page_answers_a_position_once_per_course(server, browser, size):
    page = browser.new_page(viewport=size)
    page.goto(server.url + ENROLLMENT)
    notes = page.locator("section.waitlist-odds")
    # 61A is shown for two terms, 189 for one: one note each
    assert [h.inner_text() for h in notes.locator("h2").all()] == [
        "Waitlist odds: COMPSCI 61A",
        "Waitlist odds: COMPSCI 189",
    ]

    page.get_by_label("Your waitlist position in COMPSCI 61A").fill("40")
    page.get_by_label("Your waitlist position in COMPSCI 61A").press("Enter")
    page.wait_for_load_state()

    query = parse_qs(urlsplit(page.url).query)
    assert query["s"] == ["COMPSCI/61A/fall-2025", "COMPSCI/61A/fall-2024", "COMPSCI/189/fall-2025"]
    assert query["position-compsci61a"] == ["40"]
    expected = api_odds(server, "COMPSCI/61A", 40)
    answer = notes.first.locator(".waitlist-answer").inner_text()
    assert answer == (
        f"About {expected['percent']}% chance that position 40 clears by the end of the adjustment period, "
        "from 3 past terms of COMPSCI 61A."
    )
    assert notes.nth(1).locator(".waitlist-answer").count() == 0  # 189 was not asked
    assert overflow(page) <= 0, f"scrolls sideways by {overflow(page)}px"
    notes.first.screenshot(path=SCREENSHOTS / f"waitlist-note-{size['width']}.png")


@pytest.mark.parametrize("size", [WIDE, PHONE], ids=["1280", "375"])
def test_the_course_page_panel_answers_and_explains_a_bad_position(server, browser, size):
    page = browser.new_page(viewport=size)
    page.goto(server.url + "/courses/COMPSCI/189/")
    panel = page.locator("section#waitlist-odds")
    box = panel.get_by_label("Your waitlist position in COMPSCI 189")

    box.fill("150")
    panel.get_by_role("button", name="Show my chance").click()
    page.wait_for_load_state()

    expected = api_odds(server, "COMPSCI/189", 150)
    assert panel.locator(".waitlist-answer strong").inner_text() == f"About {expected['percent']}% chance"
    for past in expected["past_terms"]:
        assert f"{past['moved']:,} places in {past['term_name']}" in panel.inner_text()
    assert overflow(page) <= 0
    panel.screenshot(path=SCREENSHOTS / f"waitlist-panel-{size['width']}.png")

    page.goto(server.url + "/courses/COMPSCI/189/?waitlist-position=-4")
    assert panel.locator(".error").inner_text() == "Enter your waitlist position as a whole number from 1 to 2,000."
    assert box.get_attribute("aria-invalid") == "true"


def test_too_few_past_terms_is_one_line_and_no_waitlist_is_nothing(server, browser):
    page = browser.new_page(viewport=PHONE)
    page.goto(server.url + "/courses/COMPSCI/168/")
    panel = page.locator("section#waitlist-odds")
    assert panel.locator("p").all_inner_texts() == [
        "Too few past terms to go on: 1 earlier term of COMPSCI 168 had a waitlist (Fall 2024); it takes 2."
    ]
    assert panel.locator("form").count() == 0

    page.goto(server.url + "/courses/ART/102/")  # never a waitlist in any term
    assert page.locator("section.enrollment-panel").is_visible()
    assert page.locator("section#waitlist-odds").count() == 0
