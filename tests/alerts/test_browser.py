"""A student follows a lecture from its course page and reads their alerts, in real Chromium
at a desktop's and a phone's width, signed in through the local OpenID Connect provider; axe
checks each page (signed in, so tests/test_accessibility.py cannot reach them)."""

import pytest
from django.contrib.auth import get_user_model

from alerts.mail import unsubscribe_token
from alerts.models import Follow
from catalog.models import Section
from tests.accounts.oidc import sign_in
from tests.alerts.conftest import Syncs
from tests.browser import SCREENSHOTS
from tests.ops.conftest import in_own_connection
from tests.test_accessibility import SIZES, report, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
COURSE = "/courses/COMPSCI/61A/"


@pytest.fixture
def lecture(oidc_site):
    """COMPSCI 61A's Summer 2026 lecture; afterwards its counts are put back and the students
    this test signed in are gone with their follows (the server committed them)."""
    section = Section.objects.get(course__code="COMPSCI 61A", term__slug="summer-2026", kind="LEC", number="001")
    # Read now: the test's syncs change the section object it is given.
    counts = {name: getattr(section, name) for name in ["enrolled", "capacity", "waitlisted"]}
    yield section
    in_own_connection(lambda: get_user_model().objects.filter(email__startswith="follower-").delete())
    in_own_connection(lambda: Section.objects.filter(pk=section.pk).update(**counts))


@pytest.mark.parametrize("size", sorted(SIZES))
def test_follow_a_lecture_and_see_its_alert(oidc_site, browser, lecture, size):
    site, found = oidc_site, {}
    page = browser.new_context(viewport=SIZES[size]).new_page()
    sign_in(page, f"follower-{size}@berkeley.edu", next_path=COURSE, base_url=site.url)

    # the course page's panel: pick the lecture, give a waitlist place, follow
    panel = page.get_by_role("region", name="Seat alerts")
    panel.get_by_label("Follow in Summer 2026").select_option(str(lecture.pk))
    assert panel.get_by_label("When a seat opens").is_checked()
    panel.get_by_label("When the waitlist moves past my place").fill("3")
    with page.expect_navigation():
        panel.get_by_role("button", name="Follow").click()
    assert page.url.startswith(site.url + COURSE)
    assert "Following COMPSCI 61A LEC 001, Summer 2026." in panel.get_by_role("status").inner_text()
    assert "You follow LEC 001 in Summer 2026." in panel.inner_text()
    if problems := violations(page):
        found["course page, following"] = problems
    panel.screenshot(path=SCREENSHOTS / f"alerts-panel-{size}.png")

    # a sync sees the lecture fill and a seat open
    sync = Syncs()
    in_own_connection(sync, (lecture, {"enrolled": lecture.capacity, "waitlisted": 0}))
    in_own_connection(sync, (lecture, {"enrolled": lecture.capacity - 1}))

    page.get_by_role("link", name="Alerts", exact=True).click()
    page.wait_for_url("**/alerts/")
    entry = page.get_by_role("article", name="COMPSCI 61A LEC 001, Summer 2026")
    assert "Watching: open seats; the waitlist past place 3 (0 left its front so far)." in entry.inner_text()
    assert f"1 open of {lecture.capacity}, 0 waitlisted." in entry.inner_text()
    entry.get_by_text("1 alert").click()
    assert "a seat opened (1 open)" in entry.get_by_role("listitem").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    if problems := violations(page):
        found["alerts page"] = problems
    page.screenshot(path=SCREENSHOTS / f"alerts-page-{size}.png", full_page=True)

    with page.expect_navigation():
        entry.get_by_role("button", name="Stop alerts for COMPSCI 61A LEC 001").click()
    assert "No more alerts for COMPSCI 61A LEC 001, Summer 2026." in page.get_by_role("status").inner_text()
    assert page.get_by_role("article", name="COMPSCI 61A LEC 001, Summer 2026 stopped").is_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Resume alerts for COMPSCI 61A LEC 001").click()

    # the email's unsubscribe link, opened signed out: one button, then stopped
    followed = in_own_connection(
        lambda: Follow.objects.get(section=lecture, user__email=f"follower-{size}@berkeley.edu")
    )
    visitor = browser.new_context(viewport=SIZES[size]).new_page()
    visitor.goto(f"{site.url}/alerts/unsubscribe/{unsubscribe_token(followed)}/")
    assert "Stop the emails about COMPSCI 61A LEC 001, Summer 2026?" in visitor.locator("main").inner_text()
    if problems := violations(visitor):
        found["unsubscribe page"] = problems
    visitor.screenshot(path=SCREENSHOTS / f"alerts-unsubscribe-{size}.png", full_page=True)
    with visitor.expect_navigation():
        visitor.get_by_role("button", name="Stop these alerts").click()
    assert "No more alerts for COMPSCI 61A LEC 001, Summer 2026." in visitor.get_by_role("status").inner_text()
    assert not in_own_connection(lambda: Follow.objects.get(pk=followed.pk).active)
    assert found == {}, report(found)
