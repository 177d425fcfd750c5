"""The grade summary on a course's page (see BT_COURSE_PANELS)."""

from django.urls import reverse

from . import charts, selectors


def course_panel(request, course) -> dict | None:
    summary = selectors.course_summary(course)
    if summary is None:
        return None
    selection = selectors.Scope(course)
    result = {"label": course.code, "color": charts.COLORS[0], **selectors.distribution(selection)}
    return {
        "template": "grades/_course_panel.html",
        "summary": summary,
        "listings": selectors.listings(course),
        "result": result,
        "chart": charts.histogram([result], f"Grade distribution of {course.code}, all terms"),
        "link": f"/grades/?s={course.subject_id}/{course.number}",
        "fairness_link": reverse("grades-fairness", kwargs={"subject": course.subject_id, "number": course.number}),
    }
