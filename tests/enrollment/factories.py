import datetime
from decimal import Decimal

import factory

from catalog.models import Section
from enrollment.models import EnrollmentPoint, TermPhases
from tests.factories import CourseFactory, TermFactory


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    course = factory.SubFactory(CourseFactory)
    term = factory.SubFactory(TermFactory)
    kind = "LEC"
    number = factory.Sequence(lambda n: f"{n + 1:03d}")
    enrolled = 40
    capacity = 50
    waitlisted = 3


class EnrollmentPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnrollmentPoint

    course = factory.SubFactory(CourseFactory)
    term = factory.SubFactory(TermFactory)
    date = factory.Sequence(lambda n: datetime.date(2031, 1, 1) + datetime.timedelta(days=n))
    day = factory.Sequence(lambda n: n + 1)
    enrolled = 10
    capacity = 100
    enrolled_percent = Decimal("10.0")
    waitlisted = 0
    source = "history"


class TermPhasesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TermPhases
        django_get_or_create = ("term",)

    term = factory.SubFactory(TermFactory)
