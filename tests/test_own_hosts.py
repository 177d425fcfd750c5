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


def test_every_kind_of_page_carries_a_strict_policy_and_breaks_none_of_it(site, browser):
    from grades.models import Instructor

    port = site.url.rsplit(":", 1)[1]
    instructor = Instructor.objects.filter(grades__isnull=False).order_by("slug").first()
    pages = [site.url + path for path in (*PAGES[:5], f"/instructors/{instructor.slug}/", "/api/v1/docs/")] + [
        f"http://search.localhost:{port}/?q=data",
        f"http://dashboard.localhost:{port}/login/",
    ]
    page = browser.new_page()
    for url in pages:
        response = page.goto(url)
        page.wait_for_load_state("networkidle")
        policy = response.headers["content-security-policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
        assert directives["default-src"] == "'self'", url
        assert directives["script-src"] == "'self'", url
        assert "'unsafe-inline'" not in directives.get("style-src", "") or url.endswith("/api/v1/docs/"), url
        assert response.status < 500, url
    assert browser.csp_violations == []
