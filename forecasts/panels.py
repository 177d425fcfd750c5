"""This app's section of a course's page (BT_COURSE_PANELS) and its note under the
enrollment page's chart (BT_ENROLLMENT_NOTES): the stored forecast, or why there is none."""

from __future__ import annotations

from . import selectors


def course_panel(request, course) -> dict | None:
    forecast = selectors.latest_forecast(course)
    if forecast is None:
        return None
    return {"template": "forecasts/_course_panel.html", "forecast": forecast, "method": selectors.METHOD_NOTE}


def enrollment_note(request, series) -> dict | None:
    """Only for the term being forecast: a past term's series has its answer in the chart."""
    if series.term is None:
        return None
    forecast = selectors.forecast_in(series.course, series.term)
    if forecast is None:
        return None
    return {"template": "forecasts/_enrollment_note.html", "forecast": forecast, "method": selectors.METHOD_NOTE}
