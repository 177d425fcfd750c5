"""A student plans Summer 2026 in real Chromium at a desktop's and a phone's width: signed in
through the local OpenID Connect provider, three courses saved, two of them planned with their
discussions, a conflict flagged when the third overlaps, generated alternatives, saved, shared
to someone signed out, and the .ics parsed back."""

import datetime

import icalendar
import pytest

from catalog.models import Section
from schedules.meetings import DAY_CODES
from tests.accounts.oidc import sign_in
from tests.browser import SCREENSHOTS
from tests.ops.conftest import in_own_connection
from tests.test_accessibility import SIZES, report, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
ICAL_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


EXAM = {"date": "2026-08-13", "start": "19:00", "end": "22:00", "location": "Dwinelle 155"}


@pytest.fixture
def econ_exam(oidc_site):
    """ECON C171's final exam, as the SIS lists exams (the listing file has none)."""
    lecture = Section.objects.filter(term__slug="summer-2026", course__code="ECON C171", parent=None)
    in_own_connection(lambda: lecture.update(exams=[EXAM]))
    yield
    in_own_connection(lambda: lecture.update(exams=[]))


def add_course(page, code: str) -> None:
    page.fill("#add", code)
    page.get_by_role("button", name="Add", exact=True).click()
    page.wait_for_load_state("load")


def choose(page, select_id: str, index: int = 1) -> None:
    with page.expect_navigation():
        page.select_option(f"#{select_id}", index=index)  # the planner's script submits on change


def course_id(page, code: str) -> str:
    return page.locator(f'[data-course="{code}"] input[name=course]').get_attribute("value")


@pytest.mark.parametrize("size", sorted(SIZES))
def test_a_student_plans_a_summer_week(oidc_site, browser, econ_exam, size, tmp_path):
    site = oidc_site
    context = browser.new_context(viewport=SIZES[size], accept_downloads=True)
    page = context.new_page()
    found = {}
    sign_in(page, f"planner-{size}@berkeley.edu", next_path="/my-courses/", base_url=site.url)
    saved = ("PHYSICS 137A", "ECON C171", "STAT 135")
    for code in saved:
        page.goto(site.url + "/courses/{}/{}/".format(*code.split()))
        with page.expect_navigation():
            page.get_by_role("button", name=f"Save {code}").click()
        assert page.locator(".course-actions [aria-pressed=true]").is_visible()
    page.goto(site.url + "/my-courses/")
    assert sorted(page.locator(".saved-list tbody tr .code").all_inner_texts()) == sorted(saved)

    page.goto(site.url + "/schedules/plan/summer-2026/")
    for code in ("PHYSICS 137A", "ECON C171"):
        add_course(page, code)
        cid = course_id(page, code)
        choose(page, f"lec_{cid}")
        choose(page, f"sec_{cid}_DIS")
    assert page.get_by_text("No conflicts.").is_visible()
    events = page.locator(".week .event")
    assert events.count() == 10  # PHYSICS LEC 4 + DIS 2, ECON LEC 2 + DIS 2
    assert not page.locator(".week .event.conflict").count()

    add_course(page, "STAT 135")
    choose(page, f"lec_{course_id(page, 'STAT 135')}")
    alert = page.get_by_role("alert")
    assert "Overlap: PHYSICS 137A LEC 001 and STAT 135 LEC 001" in alert.inner_text()
    assert page.locator(".week .event.conflict").count() >= 3
    if problems := violations(page):
        found["planner with a conflict"] = problems
    page.screenshot(path=SCREENSHOTS / f"schedules-conflict-{size}.png", full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Remove STAT 135").click()
    assert page.get_by_text("No conflicts.").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]

    page.get_by_role("link", name="Generate alternatives").click()
    assert "3 conflict-free combinations" in page.get_by_role("status").inner_text()
    if problems := violations(page):
        found["generated"] = problems
    page.get_by_role("link", name="Use option 1").click()
    assert page.get_by_text("No conflicts.").is_visible()

    page.fill("#name", "Summer plan")
    page.get_by_role("button", name="Save schedule").click()
    page.wait_for_url("**/schedules/*/")
    assert page.get_by_role("heading", name="Summer plan").is_visible()
    if problems := violations(page):
        found["saved schedule"] = problems
    share = page.get_by_role("link", name="/schedules/shared/").get_attribute("href")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download calendar (.ics)").click()
    path = tmp_path / "schedule.ics"
    download.value.save_as(path)
    chosen = page.locator("ul.sections").inner_text()
    check_calendar(path.read_bytes(), chosen)

    visitor = browser.new_page(viewport=SIZES[size])
    visitor.goto(share)
    assert "read-only" in visitor.locator("p.term").inner_text()
    assert visitor.locator(".week .event").count() == 10
    assert not visitor.locator("form[method=post]").count()
    if problems := violations(visitor):
        found["shared"] = problems
    visitor.screenshot(path=SCREENSHOTS / f"schedules-shared-{size}.png", full_page=True)
    assert found == {}, report(found)


def check_calendar(data: bytes, chosen: str) -> None:
    """Each chosen section's meetings are a weekly event on its days at its times."""
    calendar = icalendar.Calendar.from_ical(data)
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    sections = Section.objects.filter(term__slug="summer-2026", course__code__in=["PHYSICS 137A", "ECON C171"])
    # "PHYSICS 137A Quantum Mechanics: LEC 001, DIS 101" per course.
    picked = {" ".join(line.split()[:2]): line.rsplit(":", 1)[1].split(",") for line in chosen.splitlines()}
    checked = 0
    for section in sections.select_related("course"):
        name = f"{section.course.code} {section.kind} {section.number}"
        if f"{section.kind} {section.number}" not in [p.strip() for p in picked[section.course.code]]:
            continue
        event = next(e for summary, e in events.items() if summary.startswith(name))
        assert event["RRULE"]["BYDAY"] == [ICAL_DAYS[DAY_CODES.index(d)] for d in section.days]
        start = event.decoded("DTSTART")
        assert start.time() == section.start_time
        assert event.decoded("DTEND").time() == section.end_time
        assert DAY_CODES[start.weekday()] in section.days
        assert start.date() >= datetime.date(2026, 5, 26)
        assert str(event.get("LOCATION", "")) == section.location
        checked += 1
    assert checked == 4
    exam = events["Final exam: ECON C171"]
    assert exam.decoded("DTSTART").isoformat() == "2026-08-13T19:00:00-07:00"
    assert str(exam["LOCATION"]) == EXAM["location"]
