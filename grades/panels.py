"""The grade summary on a course's page (see BT_COURSE_PANELS)."""

from . import charts, selectors


def course_panel(request, course) -> dict | None:
    summary = selectors.course_summary(course)
    if summary is None:
        return None
    selection = selectors.Selection(course)
    result = {"label": course.code, **selectors.distribution(selection)}
    return {
        "template": "grades/_course_panel.html",
        "summary": summary,
        "listings": selectors.listings(course),
        "result": result,
        "chart": charts.histogram([result], f"Grade distribution of {course.code}, all terms", width=420),
        "link": f"/grades/?s={course.subject_id}/{course.number}",
    }
