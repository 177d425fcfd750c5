"""The stored forecasts over the real enrollment data: refreshed by the import, and what
they hold for COMPSCI 61A and for courses that get no date."""

import datetime

import pytest
from django.db.models import Max

from berkeleytime.signals import data_imported
from enrollment.models import EnrollmentPoint, TermPhases
from forecasts.models import FillForecast
from forecasts.services import coming_term
from sources.importing import ImportReport
from tests.enrollment.factories import EnrollmentPointFactory
from tests.factories import TermFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enrollment_data")]


def coming(code: str) -> FillForecast:
    return FillForecast.objects.select_related("term").get(course__code=code, term__slug="fall-2026")


def test_the_enrollment_import_left_forecasts_for_the_term_being_enrolled_in():
    terms = set(FillForecast.objects.values_list("term__slug", flat=True))
    assert terms == {"fall-2026"}
    courses = EnrollmentPoint.objects.filter(term__slug="fall-2026").values("course").distinct().count()
    assert FillForecast.objects.count() == courses  # one per course with data: a date, a reason, or full


def test_the_coming_term_is_the_latest_with_a_phase_1_start_not_any_newer_data():
    EnrollmentPointFactory(term=TermFactory(year=2031, season="spring"), date=datetime.date(2031, 1, 5))
    assert coming_term().slug == "fall-2026"


def test_compsci_61a_is_forecast_from_its_three_earlier_falls_and_this_term_so_far():
    forecast = coming("COMPSCI 61A")
    last = EnrollmentPoint.objects.filter(term__slug="fall-2026").aggregate(last=Max("date"))["last"]
    assert forecast.data_through == last
    assert forecast.past_terms == 3
    assert forecast.full_since is None
    assert forecast.low <= forecast.date <= forecast.high
    assert forecast.date > forecast.data_through
    assert forecast.phase == TermPhases.objects.get(term__slug="fall-2026").phase_on(forecast.date)
    assert 0 <= forecast.chance <= 1


def test_a_course_new_to_the_data_gets_a_reason_not_a_date():
    new = (
        FillForecast.objects
        .filter(term__slug="fall-2026", past_terms=0)
        .first()
    )  # fmt: skip
    assert new.withheld == "No forecast: no earlier Fall term of this course is in the data to learn its pace from."


def test_a_course_full_already_says_since_when_and_is_not_forecast():
    full = FillForecast.objects.filter(term__slug="fall-2026").exclude(full_since=None)
    assert full.exists()
    for forecast in full:
        assert forecast.date is None
        first_full = (
            EnrollmentPoint.objects
            .filter(course=forecast.course_id, term__slug="fall-2026", enrolled_percent__gte=100)
            .order_by("date")
            .first()
        )  # fmt: skip
        assert forecast.full_since == first_full.date


def test_forecasts_are_refreshed_after_an_enrollment_sync_not_after_other_imports():
    FillForecast.objects.all().delete()
    data_imported.send(sender=None, importer="grades", report=ImportReport(), course_ids=None)
    assert not FillForecast.objects.exists()
    data_imported.send(sender=None, importer="sis-enrollment", report=ImportReport(), course_ids=None)
    assert FillForecast.objects.filter(course__code="COMPSCI 61A", term__slug="fall-2026").exists()
