"""Every page with charts in real Chromium, at a desktop's and a phone's width: text
that can be read, charts sized to the screen, and each value on hover, focus and tap.

No django_db mark on the browser tests: Playwright's event loop breaks Django's
database access in the test process (see tests/enrollment/test_browser.py)."""

import pytest

from tests.browser import SCREENSHOTS

pytestmark = pytest.mark.browser

PAGES = {
    "grades": "/grades/?s=COMPSCI/61A&s=COMPSCI/61A/fall-2023&s=COMPSCI/61A/all/john-denero",
    "grades-six-overlaid": "/grades/?s=COMPSCI/61A&s=cs61a/fall-2023&s=COMPSCI/61A/all/john-denero&s=data+c8"
    "&s=ee/120&s=MATH/1A/fall-2019&view=overlay&grades=letter",
    "enrollment": "/enrollment/?s=COMPSCI/61A/fall-2025&s=COMPSCI/61A/fall-2024&s=COMPSCI/61A/fall-2023&s=cs70/fall-2025",
    "course": "/courses/COMPSCI/61A/",
    "instructor": "/instructors/john-denero/",
}
WIDTHS = [(1280, 800), (375, 812)]

# Each shown chart's rendered size, and the smallest rendered font size of its text:
# the computed font size scaled by the drawing's transform to the screen.
MEASURE = """() => Array.from(document.querySelectorAll('svg.chart'))
  .filter(svg => svg.getBoundingClientRect().width > 0)
  .map(svg => {
    const box = svg.getBoundingClientRect();
    const scale = svg.getScreenCTM().a;
    const sizes = Array.from(svg.querySelectorAll('text')).map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
    return {title: svg.querySelector('title').textContent, width: box.width, height: box.height,
            texts: sizes.length, smallest: Math.min(...sizes)};
  })"""


@pytest.fixture(scope="module")
def server(enrollment_data, site):
    return site


@pytest.mark.django_db
def test_the_pages_these_tests_read_have_their_data(enrollment_data):
    from enrollment.models import EnrollmentPoint

    assert EnrollmentPoint.objects.filter(course__code="COMPSCI 70", term__slug="fall-2025").exists()


@pytest.mark.parametrize(("width", "height"), WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_every_chart_is_legible_and_fits_the_screen(server, browser, name, width, height):
    # given a page with charts at a desktop's or a phone's size
    page = browser.new_page(viewport={"width": width, "height": height})
    response = page.goto(server.url + PAGES[name])
    assert response.status == 200
    # when its charts are measured as drawn
    charts = page.evaluate(MEASURE)
    # then each is there, no text is under 11 px, and none is taller than a screenful
    assert charts
    for chart in charts:
        assert chart["texts"] > 0
        assert chart["smallest"] >= 11, chart
        assert chart["height"] <= 480, chart
        assert chart["width"] <= width, chart
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    page.screenshot(path=SCREENSHOTS / f"charts-{name}-{width}.png", full_page=True)


def test_the_course_page_grade_chart_is_no_longer_stretched(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(server.url + "/courses/COMPSCI/61A/")
    box = page.locator("section.grade-panel svg.chart >> visible=true").bounding_box()
    assert box["width"] <= 720
    assert box["height"] <= 330


def test_hovering_or_focusing_a_bar_shows_its_value(server, browser):
    # given the distribution of COMPSCI 61A on a desktop
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(server.url + "/grades/?s=COMPSCI/61A")
    bar = page.locator("svg.chart >> visible=true").first.locator("rect.value").nth(2)
    tip = page.locator(".chart-tip")
    assert not tip.is_visible()
    # when the pointer rests on the A- bar
    bar.hover()
    # then its value shows beside it, with how many did as well or better
    assert tip.is_visible()
    assert tip.inner_text() == bar.get_attribute("data-tip")
    assert tip.inner_text().startswith("COMPSCI 61A · all terms · all instructors: A- ")
    assert "A- or better: top " in tip.inner_text()
    # and a keyboard reaches the same values
    page.mouse.move(0, 0)
    page.locator("svg.chart >> visible=true").first.locator("rect.value").nth(0).focus()
    assert tip.inner_text().startswith("COMPSCI 61A · all terms · all instructors: A+ ")
    page.screenshot(path=SCREENSHOTS / "charts-hover.png")


@pytest.mark.parametrize(
    ("path", "says"),
    [("/instructors/john-denero/", " GPA "), ("/enrollment/?s=COMPSCI/61A/fall-2025", " enrolled (")],
)
def test_tapping_a_point_on_a_phone_shows_its_value(server, browser, path, says):
    # given a phone with a touch screen
    context = browser.new_context(viewport={"width": 375, "height": 812}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(server.url + path)
    points = page.locator("svg.chart >> visible=true").first.locator("circle.value")
    assert points.count() > 10
    point = points.nth(points.count() // 2)
    point.scroll_into_view_if_needed()
    box = point.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # when a finger taps a point of the line (days lie close together: the one on top is tapped)
    page.touchscreen.tap(x, y)
    # then its value shows
    tapped = page.evaluate("([x, y]) => document.elementFromPoint(x, y).getAttribute('data-tip')", [x, y])
    tip = page.locator(".chart-tip")
    assert tip.is_visible()
    assert tip.inner_text() == tapped
    assert says in tip.inner_text()
    page.screenshot(path=SCREENSHOTS / f"charts-tap-{path.split('/')[1]}.png")
    # and tapping elsewhere puts it away
    page.locator("h1").tap()
    assert not tip.is_visible()
    context.close()
