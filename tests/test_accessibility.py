"""axe-core's rules on every kind of page, at a desktop's and a phone's width, in real Chromium.

axe-core (package.json, installed by `make test`) is loaded into each page as it was
served; a page passes when axe finds no violation of any rule it runs (WCAG 2.x A and
AA, and its best practices).
"""

import json
from pathlib import Path

import pytest
from django.conf import settings

from tests.browser import SCREENSHOTS
from tests.ops.conftest import PASSWORD, committed_staff_user  # noqa: F401 - a fixture used below

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 812}}

# Every page a student can reach, in the states they meet it in.
MAIN_PAGES = [
    "/",
    "/catalog/",
    "/catalog/?term=summer-2026&requirement=ls-breadth&open_seats=true&days=M&days=W",
    "/catalog/?term=fall-1999",  # a filter explained on the page
    "/courses/COMPSCI/61A/",
    "/courses/DATA/C8/",
    "/courses/ELENG/120/",
    "/grades/",
    "/grades/?s=COMPSCI/61A/all/all&s=COMPSCI/61B/all/all",
    "/grades/?s=NOPE/1/all/all",  # a selection explained on the page
    "/instructors/",
    "/instructors/?q=denero",
    "/enrollment/",
    "/enrollment/?s=COMPSCI/61A/fall-2025&s=DATA/C8/fall-2025",
    "/schedules/",
    "/schedules/plan/summer-2026/?form=1&add=PHYSICS+137A",  # redirects to the planner with the course
    "/schedules/plan/summer-2026/?c=1&b=Work~MW~09:00~12:00",
    "/courses/NOPE/1/",  # the 404 page
    "/api/v1/docs/",
    "/accounts/login/",  # sign in with Google
    "/my-courses/",  # signed out: a prompt to sign in
    "/courses/COMPSCI/61A/?waitlist-position=40",  # the waitlist odds panel with an answer
    "/enrollment/?s=COMPSCI/61A/fall-2025&s=COMPSCI/189/fall-2025&position-compsci61a=40&position-compsci189=x",
    "/alerts/unsubscribe/not-a-link/",  # an unsubscribe link cut short (tests/alerts/test_browser.py: the others)
    "/enrollment/?s=COMPSCI/61A/fall-2026&s=COMPSCI/61A/fall-2025",  # the fill forecast's note
    "/grades/COMPSCI/61A/instructors/",
]


# Pages whose markup is a third party's, and the best-practice rules their markup breaks.
# Redoc (/api/v1/docs/) titles each operation with an <h2> and labels its parameter
# groups ("QUERY PARAMETERS") with <h5>: axe's heading-order, a best practice and not a
# WCAG criterion. It renders operations a few at a time after load, so whether axe sees
# them depends on timing: the test waits for all of them and checks every other rule.
THIRD_PARTY_MARKUP = {"/api/v1/docs/": ("heading-order",)}


def violations(page, skip: tuple[str, ...] = ()) -> list[str]:
    # Evaluated by the browser's debugger protocol: an injected <script> tag would be
    # inline script, which the page's Content-Security-Policy refuses.
    page.evaluate(AXE.read_text())
    options = json.dumps({"rules": {rule: {"enabled": False} for rule in skip}})
    result = page.evaluate(f"async () => JSON.stringify(await axe.run(document, {options}))")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(n['target'][0] for n in v['nodes'][:3])}"
        for v in json.loads(result)["violations"]
    ]


def operation_ids(page, base_url: str) -> list[str]:
    """Every operationId the API schema lists: Redoc draws each as id="operation/<id>"."""
    schema = page.request.get(f"{base_url}/api/v1/schema/?format=json").json()
    return [
        operation["operationId"]
        for methods in schema["paths"].values()
        for operation in methods.values()
        if isinstance(operation, dict) and "operationId" in operation
    ]


def report(found: dict) -> str:
    return "\n".join(f"{where}:\n  " + "\n  ".join(problems) for where, problems in found.items())


@pytest.fixture(scope="module")
def first_instructor(django_db_blocker):
    from grades.models import Instructor

    with django_db_blocker.unblock():
        return Instructor.objects.filter(name__icontains="DeNero").values_list("slug", flat=True).first()


@pytest.mark.parametrize("size", sorted(SIZES))
def test_every_student_page_passes_axe(site, browser, size, first_instructor):
    paths = [*MAIN_PAGES, f"/instructors/{first_instructor}/"]
    page = browser.new_page(viewport=SIZES[size])
    found = {}
    for path in paths:
        page.goto(site.url + path)
        page.wait_for_load_state("load")
        if path == "/api/v1/docs/":
            # every operation of the schema drawn, whichever Redoc draws last
            for operation in operation_ids(page, site.url):
                page.wait_for_selector(f'[id="operation/{operation}"]', state="attached")
        if problems := violations(page, THIRD_PARTY_MARKUP.get(path, ())):
            found[path] = problems
            page.screenshot(path=SCREENSHOTS / f"axe-{size}-{path.strip('/').replace('/', '-')[:60] or 'home'}.png")
    assert found == {}, report(found)


@pytest.mark.parametrize("size", sorted(SIZES))
def test_the_search_and_dashboard_hosts_pass_axe(site, browser, size, committed_staff_user):  # noqa: F811
    page = browser.new_page(viewport=SIZES[size])
    search = f"http://{settings.BT_SEARCH_HOST}:{site.port}"
    dashboard = f"http://{settings.BT_DASHBOARD_HOST}:{site.port}"
    found = {}
    for url in (search + "/", search + "/?q=intro+to+programming", search + "/?q=zzzzzz", dashboard + "/login/"):
        page.goto(url)
        if problems := violations(page):
            found[url] = problems
    page.fill("#id_username", committed_staff_user)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(dashboard + "/")
    if problems := violations(page):
        found[dashboard + "/"] = problems
    assert found == {}, report(found)
