"""The search page and search-as-you-type on the catalog, in real Chromium against gunicorn."""

import re

import pytest

from tests.browser import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def search_url(site) -> str:
    return f"http://search.localhost:{site.port}/"


def test_a_student_searches_on_the_search_host_and_opens_a_course(site, browser):
    page = browser.new_page()
    page.goto(search_url(site))
    page.locator("#search-q").fill("operating sytems")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    first = page.locator(".search-results li").first
    assert "COMPSCI 162" in first.inner_text()
    assert first.locator("mark").first.inner_text() == "Operating"
    page.screenshot(path=SCREENSHOTS / "search.png", full_page=True)
    first.locator("a").click()
    page.wait_for_load_state()
    assert page.url == f"http://localhost:{site.port}/courses/COMPSCI/162/"
    assert "Operating Systems" in page.locator("h1").inner_text()


def test_the_search_page_fits_a_phone(site, browser):
    phone = browser.new_page(viewport={"width": 375, "height": 740})
    phone.goto(search_url(site) + "?q=denero")
    assert "COMPSCI 61A" in phone.locator(".search-results li").first.inner_text()
    assert phone.locator(".search-results .snippet mark").first.inner_text().lower() == "denero"
    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    phone.screenshot(path=SCREENSHOTS / "search-phone.png", full_page=True)


def test_search_as_you_type_on_the_catalog(site, browser):
    page = browser.new_page()
    page.goto(site.url + "/catalog/")
    field = page.locator("input#q")
    field.press_sequentially("cs61", delay=40)
    suggestions = page.get_by_role("listbox", name="Suggested courses")
    suggestions.get_by_role("option").first.wait_for()
    assert re.search(r"COMPSCI 61[ABC]", suggestions.get_by_role("option").first.inner_text())
    field.press_sequentially("b", delay=40)
    page.wait_for_function(
        "() => document.querySelector('[role=listbox] [role=option]')?.textContent.includes('COMPSCI 61B')"
    )
    assert field.get_attribute("aria-expanded") == "true"
    page.screenshot(path=SCREENSHOTS / "catalog-suggest.png")
    field.press("ArrowDown")
    field.press("Enter")
    page.wait_for_url(re.compile(r"/courses/COMPSCI/61B/$"))
    assert "Data Structures" in page.locator("h1").inner_text()


def test_as_you_type_shows_highlighted_titles_and_closes_on_escape(site, browser):
    page = browser.new_page(viewport={"width": 375, "height": 740})
    page.goto(site.url + "/catalog/")
    if not page.locator(".filters details").get_attribute("open"):
        page.locator(".filters summary").click()
    field = page.locator("input#q")
    field.press_sequentially("machine learn", delay=20)
    option = page.get_by_role("option").first
    option.wait_for()
    assert option.locator("mark").count() >= 1
    page.screenshot(path=SCREENSHOTS / "catalog-suggest-phone.png")
    field.press("Escape")
    assert page.get_by_role("listbox", name="Suggested courses").is_hidden()
    # the form still works as a plain filter
    field.press("Enter")
    page.wait_for_load_state()
    assert "q=machine+learn" in page.url
