"""Grade pages in real Chromium over the real data."""

import re
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.mark.parametrize(("typed", "token"), [("cs61a", "COMPSCI/61A/all/all"), ("ee 120", "ELENG/120/all/all")])
def test_the_course_box_understands_how_students_type(site, browser, typed, token):
    page = browser.new_page()
    page.goto(site.url + "/grades/")
    box = page.locator("fieldset.selection-row").nth(0).locator("input[name=course]")
    box.fill(typed)
    box.press("Enter")
    page.wait_for_url(lambda url: "/grades/?s=" in url)
    assert parse_qs(urlparse(page.url).query)["s"] == [token]
    assert page.locator(".summary").count() == 1
    assert page.locator(".compare-errors").count() == 0


def test_a_student_compares_two_selections_and_shares_the_link(site, browser):
    page = browser.new_page()
    page.goto(site.url + "/grades/")
    rows = page.locator("fieldset.selection-row")
    rows.nth(0).locator("input[name=course]").fill("COMPSCI 61A")
    page.get_by_text("Add a row").click()
    rows.nth(1).locator("input[name=course]").fill("compsci 61a")
    rows.nth(1).locator("input[name=course]").press("Tab")
    # The term and instructor choices arrive as soon as the course is typed.
    page.wait_for_function(
        "() => document.querySelectorAll('fieldset.selection-row')[1].querySelectorAll('select[name=term] option').length > 10"
    )
    rows.nth(1).locator("select[name=term]").select_option("fall-2023")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_load_state()
    query = parse_qs(urlparse(page.url).query)
    assert query["s"] == ["COMPSCI/61A/all/all", "COMPSCI/61A/fall-2023/all"]
    assert page.locator(".summary").count() == 2
    assert page.locator(".side-by-side svg.chart >> visible=true").count() == 2
    assert re.search(r"GPA \d\.\d\d", page.locator(".summary").first.inner_text())
    page.screenshot(path=SCREENSHOTS / "grades.png", full_page=True)

    shared = browser.new_page()
    shared.goto(page.url)
    assert shared.locator(".summary").all_inner_texts() == page.locator(".summary").all_inner_texts()
    assert shared.locator("fieldset.selection-row").nth(1).locator("select[name=term]").input_value() == "fall-2023"
    assert (
        shared.get_by_role("link", name="Share link to this comparison")
        .get_attribute("href")
        .endswith("?s=COMPSCI/61A/all/all&s=COMPSCI/61A/fall-2023/all")
    )


def test_overlay_view_and_numbers_for_screen_readers(site, browser):
    page = browser.new_page()
    page.goto(site.url + "/grades/?s=COMPSCI/61A&s=DATA/C8&view=overlay")
    chart = page.locator("section.chart-card svg.chart >> visible=true").first
    assert chart.get_attribute("role") == "group"
    assert chart.get_attribute("aria-labelledby") == chart.locator("title").first.get_attribute("id")
    assert "COMPSCI 61A" in chart.locator("desc").text_content()
    assert chart.locator("rect").count() == 2 * 15
    assert chart.locator("rect").first.get_attribute("aria-label").startswith("COMPSCI 61A · all terms")
    table = page.locator("details.numbers table").first
    assert table.locator("tbody tr").count() == 15
    assert "%" in table.text_content()


def test_grades_page_fits_a_phone(site, browser):
    phone = browser.new_page(viewport={"width": 375, "height": 740})
    phone.goto(site.url + "/grades/?s=COMPSCI/61A&s=COMPSCI/61A/fall-2023/john-denero")
    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    phone.screenshot(path=SCREENSHOTS / "grades-phone.png", full_page=True)


def test_bad_selections_are_explained(site, browser):
    page = browser.new_page()
    response = page.goto(site.url + "/grades/?s=NOPE/1")
    assert response.status == 400
    assert "No course 'NOPE 1'; type a code like COMPSCI 61A" in page.locator(".compare-errors").inner_text()


def test_course_page_shows_its_grade_summary(site, browser):
    page = browser.new_page()
    page.goto(site.url + "/courses/COMPSCI/61A/")
    panel = page.locator("section.grade-panel")
    assert re.search(r"Average GPA \d\.\d\d", panel.inner_text())
    assert panel.locator("svg.chart >> visible=true").count() == 1
    panel.get_by_role("link", name=re.compile("Compare terms")).click()
    assert "s=COMPSCI/61A" in page.url.replace("%2F", "/")


def test_instructor_page_lists_courses_with_gpa(site, browser):
    page = browser.new_page()
    page.goto(site.url + "/instructors/?q=denero")
    page.get_by_role("link", name=re.compile("John DeNero")).click()
    assert page.locator("h1").inner_text() == "John DeNero"
    row = page.locator("table.sections tr", has_text="COMPSCI 61A")
    assert re.search(r"\d\.\d\d \([ABCDF][+-]?\)", row.inner_text())
    page.screenshot(path=SCREENSHOTS / "instructor.png", full_page=True)


def test_an_instructors_courses_read_in_course_number_order_and_open_their_grades(site, browser):
    from sources.codes import number_digits

    page = browser.new_page()
    page.goto(site.url + "/instructors/?q=denero")
    page.get_by_role("link", name=re.compile("John DeNero")).click()
    # given the courses John DeNero taught, several in COMPSCI
    codes = page.locator("table.sections tbody th").all_inner_texts()
    compsci = [code.split()[1] for code in codes if code.startswith("COMPSCI ")]
    assert len(compsci) >= 3
    # then they read 61A before 88 before 188, not as text ("188" < "61A")
    assert [number_digits(n) for n in compsci] == sorted(number_digits(n) for n in compsci)
    # and a course opens its grades under him
    page.locator("table.sections a", has_text="COMPSCI 61A").click()
    page.wait_for_url(re.compile(r"/grades/\?s=COMPSCI/61A/all/"))
    assert "DeNero" in page.locator("main").inner_text()


@pytest.mark.parametrize(
    ("typed", "code"),
    [("cs 61a", "COMPSCI 61A"), ("cs61a", "COMPSCI 61A"), ("ee 120", "ELENG 120"), ("data c8", "DATA C8")],
)
def test_the_grades_box_takes_a_course_as_students_type_it(site, browser, typed, code):
    for size in ({"width": 1280, "height": 800}, {"width": 375, "height": 812}):
        page = browser.new_page(viewport=size)
        page.goto(site.url + "/grades/")
        page.fill("#course-1", typed)
        page.press("#course-1", "Enter")
        page.wait_for_load_state()
        # then the page shows that course's grades, under its canonical code, and no error
        assert page.locator(".compare-errors").count() == 0
        assert code in page.locator("main").inner_text()
        assert f"s={code.replace(' ', '/')}/" in page.url
        page.close()
