"""This app's section of a course's page (see BT_COURSE_PANELS): the latest
enrollment, a small curve of the latest term, and a link comparing its terms."""

from django.urls import reverse

from catalog import selections

from . import charts, selectors


def course_panel(request, course) -> dict | None:
    terms = selectors.terms_with_enrollment(course)
    if not terms:
        return None
    series = selectors.enrollment_series(course, terms[0])
    # The same season a year before, else the term before, to read the latest curve against.
    previous = next((t for t in terms[1:] if t.season == terms[0].season), terms[1] if len(terms) > 1 else None)
    earlier = selectors.enrollment_series(course, previous) if previous else None
    # Compare like with like: the latest term's season first (Fall 2026, 2025, 2024...).
    same_season = [t for t in terms if t.season == terms[0].season]
    compared = (same_season + [t for t in terms if t.season != terms[0].season])[: selectors.MAX_SELECTIONS]
    tokens = [f"{course.subject_id}/{course.number}/{term.slug}/all" for term in compared]
    return {
        "template": "enrollment/_course_panel.html",
        "series": series,
        "latest": series.latest,
        "terms": terms,
        "compared": compared,
        "earlier": earlier,
        "sparkline": charts.sparkline(series, earlier),
        "compare_url": f"{reverse('enrollment')}?{selections.query(tokens)}",
    }
