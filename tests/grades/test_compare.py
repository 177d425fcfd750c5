"""The grades compare page as the server renders it, over the real grades: six
selections, the P/NP toggle, "top X%", the GPA-by-term trend and bad input."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from catalog.models import Course
from grades import selectors
from grades.models import Grade, Instructor

pytestmark = pytest.mark.django_db


def html_of(response) -> str:
    return unescape(re.sub(r"\s+", " ", response.content.decode()))


def words_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html_of(response)))


def trend_svg(html: str) -> str:
    """The wide drawing of the page's GPA-by-term chart."""
    return re.search(r'<svg class="chart wide"[^>]*><title[^>]*>GPA by term</title>.*?</svg>', html).group(0)


SIX = ["COMPSCI/61A", "cs61a/fall-2023", "COMPSCI/61A/all/john-denero", "data c8", "ee/120", "MATH/1A/fall-2019"]


def test_six_selections_render_side_by_side_and_overlaid(client):
    query = "&".join(f"s={s}" for s in SIX)
    side = client.get("/grades/?" + query)
    assert side.status_code == 200
    html = html_of(side)
    assert html.count('<div class="summary">') == 6
    assert html.count('<svg class="chart wide"') == 6 + 1  # a distribution each, and the trend
    overlay = html_of(client.get("/grades/?" + query + "&view=overlay"))
    drawing = re.search(r'<svg class="chart wide".*?</svg>', overlay).group(0)
    assert drawing.count('<g class="series"') == 6
    assert len(set(re.findall(r'<g class="series" fill="(#[0-9a-f]{6})"', drawing))) == 6


def test_a_seventh_selection_is_refused_with_a_message(client):
    response = client.get("/grades/?" + "&".join(f"s={s}" for s in [*SIX, "COMPSCI/61B"]))
    assert response.status_code == 400
    assert "s: at most 6 selections, got 7: the first 6 are shown." in words_of(response)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("s=NOPE/1", "s: No course 'NOPE 1'; type a code like COMPSCI 61A"),
        ("s=COMPSCI/61A/fall-1999", "s: COMPSCI 61A: no data for term 'fall-1999'"),
        ("s=COMPSCI/61A/all/nobody-at-all", "s: COMPSCI 61A: no instructor 'nobody-at-all'"),
        ("s=COMPSCI/61A&view=pie", "view: 'pie' is not one of: side, overlay"),
        ("s=COMPSCI/61A&grades=some", "grades: 'some' is not one of: all, letter"),
        ("s=cs/61a/x/y/z", "s: 'cs/61a/x/y/z' is not SUBJECT/NUMBER/term/instructor"),
    ],
)
def test_bad_input_is_a_400_with_a_message_naming_the_parameter(client, query, message):
    response = client.get("/grades/?" + query)
    assert response.status_code == 400
    assert message in words_of(response)


@pytest.mark.parametrize("query", ["s=%00", "s=" + "9" * 500, "s=////", "s=61A", "course=%00", "s=%F0%9F%98%80"])
def test_no_input_breaks_the_page(client, query):
    assert client.get("/grades/?" + query, follow=True).status_code in (200, 400)


def test_an_ambiguous_course_offers_its_choices(client):
    response = client.get("/grades/?s=COMPSCI/61A&s=1/fall-2023")
    assert response.status_code == 400
    assert "may be AEROENG 1, " in words_of(response)
    assert 'href="/grades/?s=COMPSCI/61A/all/all&amp;s=AEROENG/1/fall-2023"' in response.content.decode()
    assert html_of(response).count('<div class="summary">') == 1  # the good selection is still shown


def test_the_form_rows_go_to_the_shareable_url(client):
    response = client.get("/grades/?course=cs61a&term=fall-2023&instructor=all&course=&term=all&instructor=all"
                          "&course=ee+120&term=all&instructor=all&view=overlay")  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == "/grades/?s=COMPSCI/61A/fall-2023/all&s=ELENG/120/all/all&view=overlay"


def test_letter_grades_only_leave_pass_no_pass_out_and_the_links_keep_the_selections(client):
    everything = html_of(client.get("/grades/?s=COMPSCI/61A"))
    letters = html_of(client.get("/grades/?s=COMPSCI/61A&grades=letter"))
    assert '<th scope="row">P</th>' in everything
    assert '<th scope="row">P</th>' not in letters
    assert "Letter grades only: percents are of the students who received a letter grade" in letters
    link = re.search(r'<a href="([^"]+)"[^>]*>Letter grades only</a>', everything).group(1)
    assert parse_qs(urlsplit(link).query) == {"s": ["COMPSCI/61A/all/all"], "grades": ["letter"]}
    # Without P/NP, the letters' percents add up to 100.
    percents = re.findall(r'<th scope="row">[ABCDF][+-]?</th><td>\d+</td><td>([\d.]+)%</td>', letters)
    assert len(percents) == 13
    assert sum(float(p) for p in percents) == pytest.approx(100, abs=0.1)


def test_each_grade_reads_as_top_x_percent_in_the_table_and_the_values(client):
    course = Course.objects.get(code="COMPSCI 61A")
    expected = next(
        r for r in selectors.distribution(selectors.Scope(course))["distribution"] if r["grade"] == "A-"
    )  # fmt: skip
    html = html_of(client.get("/grades/?s=COMPSCI/61A"))
    top = f"A- or better: top {expected['top']:g}%"
    assert f"<td>{top}</td>" in html
    assert re.search(
        rf'data-tip="COMPSCI 61A · all terms · all instructors: A- [\d.]+% \([\d,]+ students\); {re.escape(top)}"', html
    )


def test_a_selection_of_one_term_is_its_course_trend_with_that_term_ringed(client):
    # given COMPSCI 61A's GPA in every term it was graded
    course = Course.objects.get(code="COMPSCI 61A")
    terms = selectors.course_trend(selectors.Scope(course))
    assert len(terms) > 20
    # when a comparison holds Fall 2023 only
    svg = trend_svg(html_of(client.get("/grades/?s=COMPSCI/61A/fall-2023")))
    # then the line is the course's, every term, with Fall 2023 ringed
    assert svg.count('<g class="line solid"') == 1
    assert svg.count("<circle") == len(terms)
    ringed = re.findall(r'<circle class="value dot shown highlight"[^>]*data-tip="([^"]+)"', svg)
    assert len(ringed) == 1
    assert "Fall 2023 GPA" in ringed[0]


def test_one_term_and_all_terms_of_a_course_share_its_line(client):
    svg = trend_svg(html_of(client.get("/grades/?s=COMPSCI/61A&s=COMPSCI/61A/fall-2023")))
    assert svg.count('<g class="line solid"') == 1
    assert re.search(r'<g class="line solid" style="--c: #003262">', svg)  # the whole course's colour
    assert re.search(r'class="value dot shown highlight"[^>]*style="--h: #b45309"', svg)  # ringed in the term's


def test_a_selection_with_an_instructor_plots_that_instructors_gpa(client):
    course = Course.objects.get(code="COMPSCI 61A")
    denero = Instructor.objects.get(slug="john-denero")
    theirs = selectors.gpa_by_term(Grade.objects.for_course(course).taught_by([denero]))
    everyone = selectors.gpa_by_term(Grade.objects.for_course(course))
    assert 0 < len(theirs) < len(everyone)
    svg = trend_svg(html_of(client.get("/grades/?s=COMPSCI/61A&s=COMPSCI/61A/fall-2023/john-denero")))
    lines = re.findall(r'<g class="line solid".*?</g>', svg)
    assert len(lines) == 2
    assert lines[1].count("<circle") == len(theirs)
    assert "COMPSCI 61A · John DeNero: Fall 2023 GPA" in lines[1]
    assert lines[1].count("highlight") == 1


def test_each_row_links_to_the_comparison_without_it_and_the_page_to_itself(client):
    html = client.get("/grades/?s=COMPSCI/61A&s=DATA/C8&s=ee/120&view=overlay").content.decode()
    removes = re.findall(r'<a class="remove-row" href="([^"]+)" aria-label="Remove selection (\d)">', html)
    assert [unescape(href) for href, _ in removes] == [
        "/grades/?s=DATA/C8/all/all&s=ELENG/120/all/all&view=overlay",
        "/grades/?s=COMPSCI/61A/all/all&s=ELENG/120/all/all&view=overlay",
        "/grades/?s=COMPSCI/61A/all/all&s=DATA/C8/all/all&view=overlay",
    ]
    share = re.search(r'<a class="share-link" href="([^"]+)"', html).group(1)
    assert unescape(share) == "/grades/?s=COMPSCI/61A/all/all&s=DATA/C8/all/all&s=ELENG/120/all/all&view=overlay"
    assert '<input type="hidden" name="view" value="overlay">' in html
    assert len(re.findall(r'<fieldset class="selection-row', html)) == 6  # three rows, and three to add


def test_the_same_selection_twice_keeps_every_id_unique(client):
    html = client.get("/grades/?s=COMPSCI/61A&s=COMPSCI/61A").content.decode()
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_a_selection_that_cannot_be_read_stays_in_its_row_to_be_corrected(client):
    html = client.get("/grades/?s=COMPSCI/61A&s=1/fall-2023/all").content.decode()
    row = re.search(r'<fieldset class="selection-row has-error".*?</fieldset>', html, re.S).group(0)
    assert 'name="course" value="1"' in row
    assert '<option value="fall-2023" selected>' in row
    assert 'aria-invalid="true"' in row
