"""Reads of the stored forecasts that the API, the course panel and the enrollment note share."""

from __future__ import annotations

from catalog.models import Course, Term

from .model import METHOD
from .models import FillForecast

METHOD_NOTE = METHOD


def forecast_in(course: Course, term: Term) -> FillForecast | None:
    return (
        FillForecast.objects.for_course(course)
        .in_term(term)
        .select_related("term__enrollment_phases", "course")
        .first()
    )


def latest_forecast(course: Course) -> FillForecast | None:
    """The forecast of the latest term that has one (there is one term at a time)."""
    return (
        FillForecast.objects
        .for_course(course)
        .select_related("term__enrollment_phases", "course")
        .order_by("-term__sort_key")
        .first()
    )  # fmt: skip


def answer_for(course: Course, term: Term | None) -> dict:
    """What the API says of ``course`` in ``term`` (the latest forecast term when None):
    the stored forecast, or a reason there is none."""
    forecast = forecast_in(course, term) if term else latest_forecast(course)
    answer = {"course": course, "term": term or (forecast.term if forecast else None), "forecast": forecast}
    if forecast is None:
        forecast_terms = list(FillForecast.objects.values_list("term__slug", flat=True).distinct())
        answer["status"] = "none"
        answer["reason"] = (
            f"No forecast: {course.code} has no enrollment data in a term being forecast ({', '.join(forecast_terms)})."
            if forecast_terms
            else "No forecast: no term is being forecast yet (no enrollment data with a Phase 1 start)."
        )
    elif forecast.full_since:
        answer["status"], answer["reason"] = "full", ""
    elif forecast.withheld:
        answer["status"], answer["reason"] = "withheld", forecast.withheld
    else:
        answer["status"], answer["reason"] = "forecast", ""
    return answer
