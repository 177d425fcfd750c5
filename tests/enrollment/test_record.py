"""manage.py record_enrollment: the nightly snapshot that builds the history going forward."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum
from django.utils import timezone

from catalog.models import Section
from enrollment.models import EnrollmentPoint, SectionEnrollmentPoint, TermPhases
from tests.enrollment.factories import SectionFactory
from tests.factories import CourseFactory, SubjectFactory, TermFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 6, 1)


def record(date: datetime.date | None = DAY) -> str:
    out = io.StringIO()
    args = ["--date", date.isoformat()] if date else []
    call_command("record_enrollment", *args, stdout=out)
    return out.getvalue()


def test_the_snapshot_totals_each_courses_primary_sections():
    # given a course with two lectures, each with a discussion, in a term with sections
    term = TermFactory(year=2031, season="spring")
    course = CourseFactory(subject=SubjectFactory(code="ZZREC"), number="1")
    one = SectionFactory(course=course, term=term, number="001", enrolled=40, capacity=50, waitlisted=3)
    two = SectionFactory(course=course, term=term, number="002", enrolled=20, capacity=30, waitlisted=0)
    SectionFactory(course=course, term=term, parent=one, kind="DIS", number="101", enrolled=25, capacity=25)
    SectionFactory(
        course=course, term=term, parent=two, kind="DIS", number="201", enrolled=None, capacity=None, waitlisted=None
    )
    # when
    out = record()
    # then: the lectures add up; discussions are recorded as sections only
    point = EnrollmentPoint.objects.get(course=course, term=term, date=DAY)
    assert (point.enrolled, point.capacity, point.waitlisted) == (60, 80, 3)
    assert str(point.enrolled_percent) == "75.0"
    assert point.source == "snapshot"
    assert point.day == 1
    assert SectionEnrollmentPoint.objects.filter(section__course=course, date=DAY).count() == 3
    assert "Spring 2031" in out
    assert TermPhases.objects.filter(term=term).exists()


def test_a_second_run_on_the_same_day_updates_that_days_point():
    term = TermFactory(year=2031, season="spring")
    course = CourseFactory(subject=SubjectFactory(code="ZZREC"), number="2")
    lecture = SectionFactory(course=course, term=term, enrolled=10, capacity=100, waitlisted=0)
    record()
    points_after_first = EnrollmentPoint.objects.count()

    again = record()
    assert "created: 0 " in again
    assert "updated: 0 " in again
    assert EnrollmentPoint.objects.count() == points_after_first

    # The catalog refreshes its section counts during the day; the evening run wins.
    Section.objects.filter(pk=lecture.pk).update(enrolled=15, waitlisted=2)
    changed = record()
    assert "enrollment points: 1" in changed.split("updated:")[1].splitlines()[0]
    assert EnrollmentPoint.objects.count() == points_after_first
    point = EnrollmentPoint.objects.get(course=course, term=term, date=DAY)
    assert (point.enrolled, point.waitlisted) == (15, 2)
    section_point = SectionEnrollmentPoint.objects.get(section=lecture, date=DAY)
    assert (section_point.enrolled, section_point.waitlisted) == (15, 2)


def test_each_day_adds_a_point_and_counts_the_days():
    term = TermFactory(year=2031, season="spring")
    course = CourseFactory(subject=SubjectFactory(code="ZZREC"), number="3")
    SectionFactory(course=course, term=term)
    record(DAY)
    record(DAY + datetime.timedelta(days=1))
    record(DAY + datetime.timedelta(days=4))
    days = list(EnrollmentPoint.objects.filter(course=course, term=term).order_by("date").values_list("day", flat=True))
    assert days == [1, 2, 5]


def test_days_count_from_phase_1_when_it_is_set():
    term = TermFactory(year=2031, season="spring")
    TermPhases.objects.update_or_create(term=term, defaults={"phase_1_start": DAY - datetime.timedelta(days=9)})
    course = CourseFactory(subject=SubjectFactory(code="ZZREC"), number="4")
    SectionFactory(course=course, term=term)
    record()
    assert EnrollmentPoint.objects.get(course=course, term=term).day == 10


def test_the_real_summer_2026_sections_are_recorded():
    record()
    primaries = Section.objects.filter(term__slug="summer-2026", parent__isnull=True, course__code="COMPSCI 61A")
    totals = primaries.aggregate(enrolled=Sum("enrolled"), capacity=Sum("capacity"))
    point = EnrollmentPoint.objects.get(course__code="COMPSCI 61A", term__slug="summer-2026", date=DAY)
    assert (point.enrolled, point.capacity) == (totals["enrolled"], totals["capacity"])
    courses_with_counts = (
        Section.objects.filter(term__slug="summer-2026", parent__isnull=True)
        .exclude(enrolled__isnull=True, capacity__isnull=True)
        .values("course")
        .distinct()
        .count()
    )
    assert EnrollmentPoint.objects.filter(term__slug="summer-2026", date=DAY).count() == courses_with_counts


def test_without_a_date_it_records_today_in_the_sites_time_zone():
    record(None)
    assert EnrollmentPoint.objects.filter(term__slug="summer-2026", date=timezone.localdate()).exists()


def test_a_bad_date_is_a_clear_error():
    with pytest.raises(CommandError, match="--date '2026-02-30' is not YYYY-MM-DD"):
        call_command("record_enrollment", "--date", "2026-02-30", stdout=io.StringIO())


def test_listeners_hear_which_courses_the_snapshot_changed(django_capture_on_commit_callbacks):
    from berkeleytime.signals import data_imported

    term = TermFactory(year=2031, season="spring")
    course = CourseFactory(subject=SubjectFactory(code="ZZREC"), number="5")
    SectionFactory(course=course, term=term)
    heard = []

    def on_import(sender, importer, course_ids, **kwargs):
        heard.append((importer, course_ids))

    data_imported.connect(on_import)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            record()
        with django_capture_on_commit_callbacks(execute=True):
            record()
    finally:
        data_imported.disconnect(on_import)
    assert heard[0][0] == "record_enrollment"
    assert course.pk in heard[0][1]
    assert heard[1] == ("record_enrollment", set())
