import pytest

from catalog.models import Section, Term


@pytest.fixture
def summer(django_db_setup):
    return Term.objects.get(slug="summer-2026")


def lecture_and(term, code, *kinds_numbers):
    """The course's only lecture and, of its associated sections, the ones named ("DIS", "101")."""
    subject, number = code.rsplit(" ", 1)
    lecture = Section.objects.get(term=term, course__code=code, parent=None)
    subs = [Section.objects.get(parent=lecture, kind=k, number=n) for k, n in kinds_numbers]
    return lecture, subs


@pytest.fixture
def students(django_user_model):
    ann = django_user_model.objects.create_user("ann", "ann@berkeley.edu")
    bob = django_user_model.objects.create_user("bob", "bob@berkeley.edu")
    return ann, bob
