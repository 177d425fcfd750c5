"""Every page loads only from this site, the API docs included (a request elsewhere is stopped by
the page's Content-Security-Policy before it leaves the browser), and carries the favicon. Real Chromium."""

from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PAGES = [
    "/",
    "/catalog/?subject=COMPSCI",
    "/courses/COMPSCI/61A/",
    "/grades/?s=COMPSCI/61A",
    "/enrollment/?s=COMPSCI/61A",
    "/api/v1/docs/",
]


@pytest.mark.parametrize("path", PAGES)
def test_a_page_loads_nothing_from_any_other_host(site, browser, path):
    page = browser.new_page()
    sent, blocked = [], []
    page.on("requestfinished", lambda request: sent.append(request.url))
    page.on("requestfailed", lambda request: blocked.append((request.url, request.failure)))
    page.goto(site.url + path)
    page.wait_for_load_state("networkidle")
    if path == "/api/v1/docs/":
        page.get_by_text("Berkeleytime API").first.wait_for()  # Redoc drew the schema
    hosts = {urlsplit(url).netloc for url in sent if not url.startswith(("data:", "blob:"))}
    assert hosts == {urlsplit(site.url).netloc}, sent
    # Redoc's "by Redocly" logo is a CDN image: the page's policy stops it in the browser.
    assert all(failure == "csp" for _, failure in blocked), blocked

    icon = page.locator("link[rel=icon]").get_attribute("href")
    status, headers, _ = site.get(icon)
    assert status == 200
    assert headers["Content-Type"].startswith("image/svg+xml")
