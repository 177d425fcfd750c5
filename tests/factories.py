from decimal import Decimal

import factory

from catalog.models import Course, Subject, Term
from sources.codes import level_for_number, number_digits


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subject
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"ZZTEST{n}")
    name = factory.LazyAttribute(lambda s: f"Test subject {s.code}")


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term
        django_get_or_create = ("slug",)

    year = 2031
    season = "spring"
    slug = factory.LazyAttribute(lambda t: f"{t.season}-{t.year}")
    sort_key = factory.LazyAttribute(lambda t: t.year * 10 + ("spring", "summer", "fall").index(t.season) + 1)


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    subject = factory.SubFactory(SubjectFactory)
    number = factory.Sequence(lambda n: f"{n + 1}")
    code = factory.LazyAttribute(lambda c: f"{c.subject.code} {c.number}")
    code_compact = factory.LazyAttribute(lambda c: c.code.replace(" ", ""))
    number_digits = factory.LazyAttribute(lambda c: number_digits(c.number))
    level = factory.LazyAttribute(lambda c: level_for_number(c.number))
    title = factory.Faker("sentence", nb_words=3)
    units_min = Decimal("4")
    units_max = Decimal("4")
