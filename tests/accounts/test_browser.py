"""Signing in and saving courses in real Chromium at a desktop's and a phone's width,
through the local OpenID Connect provider, against the app under gunicorn.

No django_db mark on the browser tests: Playwright's event loop breaks Django's database
access in the test process, so they read everything from the server."""

import json
from pathlib import Path

import pytest

from tests.accounts.oidc import sign_in
from tests.browser import SCREENSHOTS
from tests.test_accessibility import SIZES, report, violations

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("size", sorted(SIZES))
def test_sign_in_save_three_courses_and_see_them_on_my_courses(oidc_site, browser, size):
    context = browser.new_context(viewport=SIZES[size])
    page = context.new_page()
    email = f"oski-{size}@berkeley.edu"
    sign_in(page, email, next_path="/catalog/?subject=COMPSCI", base_url=oidc_site.url)
    assert page.url == oidc_site.url + "/catalog/?subject=COMPSCI"
    assert page.get_by_role("button", name="Sign out").is_visible()
    codes = []
    for index in range(3):
        card = page.locator(".course-list > li").nth(index)
        codes.append(card.locator(".code").inner_text())
        with page.expect_navigation():
            card.get_by_role("button", name="Save").click()
        assert page.url == oidc_site.url + "/catalog/?subject=COMPSCI"
        assert page.locator(".course-list > li").nth(index).locator("[aria-pressed=true]").is_visible()
    page.screenshot(path=SCREENSHOTS / f"accounts-catalog-saved-{size}.png", full_page=True)

    found = {}
    page.goto(oidc_site.url + "/my-courses/")
    rows = page.locator(".saved-list tbody tr")
    assert rows.count() == 3
    assert [rows.nth(i).locator(".code").inner_text() for i in range(3)] == codes
    assert "open of" in rows.nth(0).inner_text() or "No sections" in rows.nth(0).inner_text()
    page.screenshot(path=SCREENSHOTS / f"accounts-my-courses-{size}.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= SIZES[size]["width"], "My courses is wider than the screen"
    for path in ("/my-courses/", "/account/", "/courses/COMPSCI/61A/", "/catalog/?subject=COMPSCI"):
        page.goto(oidc_site.url + path)
        if problems := violations(page):
            found[path] = problems

    # The download holds what was saved.
    page.goto(oidc_site.url + "/account/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download everything").click()
    document = json.loads(Path(download.value.path()).read_text())
    assert document["user"]["email"] == email
    assert [c["code"] for c in document["lists"][0]["courses"]] == codes
    assert found == {}, report(found)
    context.close()


@pytest.mark.parametrize("size", sorted(SIZES))
def test_a_gmail_account_is_refused_with_a_clear_page(oidc_site, browser, size):
    context = browser.new_context(viewport=SIZES[size])
    page = context.new_page()
    sign_in(page, f"someone-{size}@gmail.com", base_url=oidc_site.url)
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Only berkeley.edu accounts can sign in"
    assert f"someone-{size}@gmail.com is not a berkeley.edu address" in page.inner_text("main")
    assert page.get_by_role("link", name="Sign in", exact=True).is_visible()  # still signed out
    page.screenshot(path=SCREENSHOTS / f"accounts-refused-{size}.png", full_page=True)
    assert violations(page) == []
    page.goto(oidc_site.url + "/accounts/login/")
    assert violations(page) == []
    page.goto(oidc_site.url + "/my-courses/")
    assert violations(page) == []
    context.close()


@pytest.mark.django_db
def test_the_provider_serves_discovery(oidc_provider):
    """Not a browser test: the provider these tests sign in through answers discovery
    (and, being the one test here that uses the database, makes pytest-django create it)."""
    import urllib.request

    with urllib.request.urlopen(oidc_provider.url + "/.well-known/openid-configuration", timeout=10) as response:
        config = json.load(response)
    assert config["issuer"] == oidc_provider.url
    assert config["authorization_endpoint"] == oidc_provider.url + "/authorize"
