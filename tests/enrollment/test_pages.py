"""The enrollment page and the course page's enrollment panel, rendered by the server
(the browser tests in test_browser.py look at them in Chromium)."""

import datetime
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from enrollment.models import EnrollmentPoint, TermPhases
from tests.factories import CourseFactory, SubjectFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enrollment_data")]

COMPARE = "/enrollment/?s=COMPSCI/61A/fall-2025&s=compsci/61a/fall-2024&s=cs61a/fall-2023"


def text_of(response) -> str:
    return unescape(re.sub(r"\s+", " ", response.content.decode()))


def words_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text_of(response)))


def test_the_page_without_selections_offers_an_example(client):
    response = client.get("/enrollment/")
    assert response.status_code == 200
    html = text_of(response)
    assert "Enrollment over time" in html
    assert "<svg" not in html
    assert "?s=COMPSCI/61A/fall-2025&amp;s=COMPSCI/61A/fall-2024" in response.content.decode()


def test_selections_in_the_url_draw_one_curve_each_with_the_values_as_text(client):
    response = client.get(COMPARE)
    assert response.status_code == 200
    html = text_of(response)
    # The chart twice (a wide and a phone-sized drawing), three curves in each, each day's value on its point.
    assert html.count('<svg class="chart') == 2
    assert html.count('<g class="line solid"') == 6
    assert html.count('<g class="line dashed"') == 6
    assert 'data-tip="COMPSCI 61A, Fall 2025, Dec 15: 1,269 enrolled (90.6% of capacity), 0 waitlisted"' in html
    for term in ["Fall 2025", "Fall 2024", "Fall 2023"]:
        assert f"COMPSCI 61A, {term}" in html
    # Every point is in a table, the last one of Fall 2025 among them.
    points = EnrollmentPoint.objects.filter(
        course__code="COMPSCI 61A", term__slug__in=["fall-2025", "fall-2024", "fall-2023"]
    )
    assert len(re.findall(r'<tr><th scope="row">', html)) == points.count()
    assert "Mon Dec 15, 2025</th><td>256</td><td>1,269</td><td>90.6%</td><td>0</td>" in html
    # The chart's text alternative says where each curve ends.
    # Its first day is Apr 4: the files' Apr 3 point was Fall 2024's final count, carried over.
    assert "COMPSCI 61A, Fall 2025: 114 days from Apr 4, 2025 to Dec 15, 2025" in html


def test_the_view_switches_between_percent_and_counts(client):
    percent = text_of(client.get(COMPARE))
    counts = text_of(client.get(COMPARE + "&y=count"))
    assert re.search(r'class="tick y"[^>]*>100%<', percent)
    assert not re.search(r'class="tick y"[^>]*>[\d,.]+%<', counts)
    assert re.search(r'class="tick y"[^>]*>1,500<', counts)
    # The toggle keeps the selections.
    link = re.search(r'<a href="([^"]+)"[^>]*>Students</a>', percent).group(1)
    query = parse_qs(urlsplit(link).query)
    assert query["y"] == ["count"]
    assert query["s"][2] == "COMPSCI/61A/fall-2023/all"


def test_the_inferred_phases_are_marked_on_the_chart_and_explained(client):
    # given the phases inferred for the three terms the page compares
    phases = {p.term.slug: p for p in TermPhases.objects.filter(term__slug__in=["fall-2025", "fall-2024", "fall-2023"])}
    marks = [(slug, mark) for slug, p in phases.items() for mark in p.marks()]
    assert any(mark.key == "adjustment_start" for _, mark in marks)  # Fall 2023's
    # when the page is read
    html = text_of(client.get(COMPARE))
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)  # the first of the chart's two drawings
    # then every inferred start is a mark in the chart's SVG, the adjustment period's too
    for slug, mark in marks:
        name = phases[slug].term.name
        assert f"<title>{mark.label}: {mark.date:%b %-d, %Y} ({name})</title>" in svg
    assert svg.count('<g class="mark">') == len(marks)
    # and the page says where the dates come from, what the data could not show, and the rule
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    fall_2024 = phases["fall-2024"]
    assert f"Fall 2024: Phase 1 starts {fall_2024.phase_1_start:%b %-d, %Y}. {fall_2024.note}" in words
    assert "(inferred from the enrollment data)" in words
    assert "How the dates are inferred: a day on which the term's enrollment, summed over every course" in words


def test_dates_staff_set_replace_the_inferred_ones_on_the_chart(client):
    TermPhases.objects.filter(term__slug="fall-2025").update(
        phase_1_start=datetime.date(2025, 4, 14),
        phase_1_end=None,
        phase_2_start=datetime.date(2025, 7, 21),
        phase_2_end=None,
        adjustment_start=None,
        dates_from=TermPhases.STAFF,
        note="",
    )
    html = text_of(client.get(COMPARE))
    assert len(re.findall(r'<g class="mark"><title>[^<]*\(Fall 2025\)</title>', html)) == 4  # two in each drawing
    assert "Phase 1 starts: Apr 14, 2025 (Fall 2025)" in html
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    assert "Fall 2025: Phase 1 starts Apr 14, 2025; Phase 2 starts Jul 21, 2025 (set by staff)" in words


def test_each_selection_says_which_phase_its_latest_count_is_from(client):
    html = text_of(client.get(COMPARE))
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    for slug in ["fall-2025", "fall-2024", "fall-2023"]:
        point = EnrollmentPoint.objects.filter(course__code="COMPSCI 61A", term__slug=slug).latest("date")
        phase = TermPhases.objects.get(term__slug=slug).phase_on(point.date)
        assert f"{point.term.name}, {phase}, as of {point.date:%b %-d, %Y}: {point.enrolled:,} enrolled" in words


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("s=NOPE/999", "s: No course 'NOPE 999'"),
        ("s=COMPSCI/61A/fall-1999", "s: COMPSCI 61A: no data for term 'fall-1999'"),
        ("s=COMPSCI/61A/summer-2013", "s: no enrollment data for COMPSCI 61A in Summer 2013"),
        ("s=COMPSCI/61A/fall-2025&y=pie", "y: 'pie' is not one of: percent, count"),
        ("s=COMPSCI/61A&s=NOPE/1", "s: No course 'NOPE 1'"),
    ],
)
def test_a_bad_selection_is_explained_beside_it(client, query, message):
    response = client.get("/enrollment/?" + query)
    assert response.status_code == 400
    assert message in words_of(response)


@pytest.mark.parametrize(
    "query",
    [
        "c1=%00", "c1=" + "9" * 500, "c1=COMPSCI+61A&t1=%00", "c1=61A", "c1=%F0%9F%98%80", "c5=COMPSCI+61A", "view=",
        "s=%00", "s=" + "9" * 500, "s=COMPSCI/61A/%00", "s=61A", "s=%F0%9F%98%80", "s=////", "y=", "course=%00",
        "s=COMPSCI/61A/all/nobody", "s=" + "&s=".join(["COMPSCI/61A"] * 9),
    ],
)  # fmt: skip
def test_no_input_breaks_the_page(client, query):
    assert client.get("/enrollment/?" + query, follow=True).status_code in (200, 400)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (
            "c1=COMPSCI+61A&t1=fall-2025&c2=compsci+61a&t2=fall-2024&c3=COMPSCI61A&t3=fall-2023",
            "s=COMPSCI/61A/fall-2025/all&s=COMPSCI/61A/fall-2024/all&s=COMPSCI/61A/fall-2023/all",
        ),
        ("c1=cs+61a&view=count", "s=COMPSCI/61A/all/all&y=count"),
        ("c1=ee120&t1=fall-2025&view=percent", "s=ELENG/120/fall-2025/all"),
        ("s=COMPSCI/61A/fall-2025&view=count", "s=COMPSCI/61A/fall-2025&y=count"),
    ],
)
def test_old_links_move_for_good_to_the_one_scheme(client, old, new):
    response = client.get("/enrollment/?" + old)
    assert response.status_code == 301
    assert response["Location"] == "/enrollment/?" + new


def test_the_form_rows_go_to_the_shareable_url(client):
    response = client.get(
        "/enrollment/?course=cs61a&term=fall-2025&instructor=all&course=&term=all&course=data+c8&term=all"
    )
    assert response.status_code == 302
    assert response["Location"] == "/enrollment/?s=COMPSCI/61A/fall-2025/all&s=DATA/C8/all/all"


def test_six_selections_draw_six_curves(client):
    terms = ["fall-2026", "fall-2025", "fall-2024", "fall-2023"]
    query = "&".join([f"s=COMPSCI/61A/{t}" for t in terms] + ["s=cs70/fall-2025", "s=MATH/54/fall-2025"])
    response = client.get("/enrollment/?" + query)
    assert response.status_code == 200
    html = text_of(response)
    assert html.count('<g class="line solid"') == 2 * 6
    assert "MATH 54, Fall 2025" in html
    assert len(set(re.findall(r'<li style="--c: (#[0-9a-f]{6})">', html))) == 6


def test_an_ambiguous_course_offers_its_choices(client):
    response = client.get("/enrollment/?s=1/fall-2025")
    assert response.status_code == 400
    html = response.content.decode()
    assert "may be AEROENG 1, " in unescape(html)
    assert 'href="/enrollment/?s=AEROENG/1/fall-2025"' in html


def test_the_course_page_shows_the_latest_enrollment_and_a_small_curve(client):
    html = text_of(client.get("/courses/COMPSCI/61A/"))
    panel = re.search(r'<section class="enrollment-panel".*?</section>', html).group(0)
    assert "Fall 2026, as of Apr 18, 2026: 35 enrolled" in panel
    assert "4.7%" in panel
    assert panel.count("<svg") == 1
    assert 'class="earlier"' in panel  # Fall 2025 drawn faintly behind Fall 2026
    link = unescape(re.search(r'<a href="(/enrollment/\?[^"]+)"', panel).group(1))
    assert parse_qs(urlsplit(link).query)["s"] == [
        "COMPSCI/61A/fall-2026/all", "COMPSCI/61A/fall-2025/all", "COMPSCI/61A/fall-2024/all", "COMPSCI/61A/fall-2023/all",
    ]  # fmt: skip


def test_a_course_without_enrollment_data_has_no_panel(client):
    CourseFactory(subject=SubjectFactory(code="ZZPAGE"), number="1")
    html = text_of(client.get("/courses/ZZPAGE/1/"))
    assert "enrollment-panel" not in html
