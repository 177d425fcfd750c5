"""The catalog pages in real Chromium, served by gunicorn over the real data."""

import re
from urllib.parse import urlparse

import pytest

from tests.browser import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_catalog_lists_real_courses_a_page_at_a_time(site, browser):
    page = browser.new_page()
    page.goto(site.url + "/catalog/")
    assert page.title() == "Course catalog · Berkeleytime"
    count = int(re.match(r"([\d,]+) course", page.locator(".count").inner_text()).group(1).replace(",", ""))
    assert count >= 8000
    assert page.locator(".course-list li").count() == 25
    page.get_by_role("link", name="Next →").click()
    assert "page=2" in page.url
    page.screenshot(path=SCREENSHOTS / "catalog.png", full_page=False)


def test_filters_live_in_the_url_so_a_link_shares_the_view(site, browser):
    page = browser.new_page()
    page.goto(site.url + "/catalog/")
    page.select_option("#subject", "COMPSCI")
    page.select_option("#level", "lower")
    page.get_by_role("button", name="Show courses").click()
    page.wait_for_load_state()
    assert "subject=COMPSCI" in page.url
    assert "level=lower" in page.url
    listed = page.locator(".course-list .code").all_inner_texts()
    assert "COMPSCI 61A" in listed
    assert all(code.startswith("COMPSCI ") for code in listed)

    shared = browser.new_page()
    shared.goto(page.url)
    assert shared.locator(".course-list .code").all_inner_texts() == listed
    assert shared.locator("#subject").input_value() == "COMPSCI"


def test_a_card_says_how_many_students_its_gpa_counts(site, browser):
    page = browser.new_page()
    page.goto(site.url + "/catalog/?subject=COMPSCI&ordering=-gpa")
    first = page.locator(".course-list li").first.inner_text()
    students = int(re.search(r"average GPA \d\.\d\d, ([\d,]+) students", first).group(1).replace(",", ""))
    assert students >= 100
    page.screenshot(path=SCREENSHOTS / "catalog-gpa.png")


def test_a_bad_filter_is_explained_on_the_page(site, browser):
    page = browser.new_page()
    response = page.goto(site.url + "/catalog/?term=fall-1999")
    assert response.status == 400
    assert "no data for term" in page.locator(".error").first.inner_text()


@pytest.mark.parametrize(
    ("typed", "path"),
    [("cs 61a", "COMPSCI/61A"), ("cs61a", "COMPSCI/61A"), ("ee 120", "ELENG/120"), ("data c8", "DATA/C8"),
     ("eecs 126", "EECS/126")],
)  # fmt: skip
def test_a_course_typed_the_way_students_type_it_opens_with_enter(site, browser, typed, path):
    for size in ({"width": 1280, "height": 800}, {"width": 375, "height": 812}):
        page = browser.new_page(viewport=size)
        page.goto(site.url + "/")
        box = page.get_by_role("combobox", name="Course code, title or topic")
        assert box.is_visible()
        assert box.bounding_box()["y"] + box.bounding_box()["height"] <= size["height"]  # no scrolling, nothing to open
        box.fill(typed)
        box.press("Enter")
        page.wait_for_url(f"**/courses/{path}/")
        assert page.locator("h1").is_visible()
        page.close()


def test_a_text_that_names_no_one_course_lists_what_matches(site, browser):
    page = browser.new_page()
    page.goto(site.url + "/catalog/")
    page.fill("#q", "structure and interpretation")
    page.press("#q", "Enter")
    page.wait_for_load_state()
    assert urlparse(page.url).path == "/catalog/"
    assert "COMPSCI 61A" in page.locator(".course-list .code").all_inner_texts()


def test_the_home_page_puts_search_first_and_the_catalog_one_click_away(site, browser):
    for size, name in (({"width": 1280, "height": 800}, "home"), ({"width": 375, "height": 812}, "home-phone")):
        page = browser.new_page(viewport=size)
        page.goto(site.url + "/")
        assert page.title() == "Find a Berkeley course · Berkeleytime"
        fullest = page.locator(".fullest li")
        assert fullest.count() == 8
        assert "Fullest classes, Summer 2026" in page.locator("#fullest-heading").inner_text()
        assert re.search(r"\d+%", fullest.first.inner_text())
        assert page.locator(".requirements li").count() >= 5
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
        page.get_by_role("link", name=re.compile("Browse the full catalog")).click()
        page.wait_for_url("**/catalog/")
        assert page.locator(".course-list li").count() == 25
        page.close()


def test_links_to_the_old_catalog_address_still_work(site, browser):
    page = browser.new_page()
    page.goto(site.url + "/?subject=COMPSCI&level=lower")
    assert urlparse(page.url).path == "/catalog/"
    assert all(code.startswith("COMPSCI ") for code in page.locator(".course-list .code").all_inner_texts())


def test_course_page_shows_the_full_title_and_sections(site, browser):
    page = browser.new_page()
    page.goto(site.url + "/catalog/")
    page.fill("#q", "COMPSCI 61A")
    page.get_by_role("button", name="Show courses").click()
    page.wait_for_url("**/courses/COMPSCI/61A/")
    assert "The Structure and Interpretation of Computer Programs" in page.locator("h1").inner_text()
    assert page.locator("table.sections").count() == 1
    assert "Summer 2026" in page.locator("section h2", has_text="sections").inner_text()
    page.screenshot(path=SCREENSHOTS / "course.png", full_page=True)


def test_an_alias_url_redirects_to_the_canonical_course_page(site, browser):
    page = browser.new_page()
    page.goto(site.url + "/courses/EL%20ENG/120/")
    assert page.url.endswith("/courses/ELENG/120/")
    assert "Signals and Systems" in page.locator("h1").inner_text()
    page.goto(site.url + "/courses/cs/61a/")  # as a student would write the URL
    assert page.url.endswith("/courses/COMPSCI/61A/")


def test_pages_fit_a_phone_screen(site, browser):
    phone = browser.new_page(viewport={"width": 375, "height": 740}, device_scale_factor=2)
    for path in ["/", "/catalog/", "/courses/DATA/C8/"]:
        phone.goto(site.url + path)
        overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
    phone.goto(site.url + "/catalog/")
    # The results come first: the filter panel starts folded on a phone...
    assert not phone.locator(".filters details").evaluate("d => d.open")
    assert phone.locator(".course-list li").first.is_visible()
    phone.screenshot(path=SCREENSHOTS / "catalog-phone.png")
    # ...unless a filter is in use.
    phone.goto(site.url + "/catalog/?subject=COMPSCI")
    assert phone.locator(".filters details").evaluate("d => d.open")


def test_unknown_course_page_is_a_friendly_404(site, browser):
    page = browser.new_page()
    response = page.goto(site.url + "/courses/NOPE/1/")
    assert response.status == 404
    assert "couldn't find" in page.locator("h1").inner_text()


def test_requirements_and_section_filters_combine_and_stay_checked(site, browser):
    page = browser.new_page()
    page.goto(site.url + "/catalog/?term=summer-2026")
    # given a student who wants any breadth area that also counts for American Cultures
    page.get_by_label("Any L&S breadth").check()
    page.get_by_label("American Cultures").check()
    # and a lecture with seats left, Monday to Thursday at most
    page.get_by_label("Seats left").check()
    for day in ("M", "Tu", "W", "Th"):
        page.locator(f".days input[value={day}]").check()
    page.get_by_role("button", name="Show courses").click()
    page.wait_for_load_state()
    # then the URL holds every choice, the boxes stay checked and the courses listed fit them
    query = urlparse(page.url).query
    for part in ("requirement=ls-breadth", "requirement=american-cultures", "open_seats=true", "days=M", "days=Th"):
        assert part in query
    assert page.get_by_label("Any L&S breadth").is_checked()
    assert page.get_by_label("American Cultures").is_checked()
    listed = page.locator(".course-list .code").all_inner_texts()
    assert listed
    from catalog.models import Course

    for code in listed:
        slugs = set(Course.objects.get(code=code).requirements.values_list("slug", flat=True))
        assert "american-cultures" in slugs
        assert any(s.startswith("ls-") for s in slugs)
    page.screenshot(path=SCREENSHOTS / "catalog-filters.png", full_page=True)


def test_catalog_pages_come_from_the_cache_until_the_data_changes(site):
    import time
    import urllib.request

    import psycopg

    from tests.server import test_database_url

    def fetch(path):
        with urllib.request.urlopen(site.url + path) as response:
            return response.headers.get("X-Cache"), response.read()

    # given a catalog page nobody asked for yet
    path = "/catalog/?subject=COMPSCI&level=upper&ordering=title"
    first, body = fetch(path)
    # when it is asked for again, in any parameter order
    again, cached = fetch("/catalog/?ordering=title&level=upper&subject=COMPSCI")
    # then the second answer is the first one, from the cache
    assert (first, again) == ("miss", "hit")
    assert cached == body
    # and once an import bumps the data generation, the page is built afresh
    with psycopg.connect(test_database_url(), autocommit=True) as db:  # committed, as an import commits
        db.execute("UPDATE berkeleytime_datageneration SET value = value + 1")
    time.sleep(1.1)  # each process re-reads the generation at most once a second
    assert fetch(path)[0] == "miss"


@pytest.mark.parametrize(
    "path",
    ["/grades/?s=COMPSCI/61A&s=DATA/C8", "/enrollment/?s=COMPSCI/61A", "/instructors/?q=john", "instructor"],
)
def test_grades_enrollment_and_instructor_pages_come_from_the_cache(site, enrollment_data, path):
    import urllib.request

    from grades.models import Instructor

    if path == "instructor":
        path = f"/instructors/{Instructor.objects.filter(grades__isnull=False).order_by('slug').first().slug}/"

    def fetch():
        with urllib.request.urlopen(site.url + path) as response:
            return response.status, response.headers.get("X-Cache"), response.read()

    # given a page nobody asked for yet, when it is asked for twice
    first, second = fetch(), fetch()
    # then the second answer is the first one, served from the cache
    assert (first[:2], second[:2]) == ((200, "miss"), (200, "hit"))
    assert second[2] == first[2]
