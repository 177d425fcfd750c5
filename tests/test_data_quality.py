"""manage.py data_quality: what the imports found and decided, and checks that must find nothing."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.models import Course
from tests.factories import CourseFactory, SubjectFactory

pytestmark = pytest.mark.django_db


def run() -> str:
    out = io.StringIO()
    call_command("data_quality", stdout=out)
    return out.getvalue()


def test_the_real_data_passes_every_check_and_each_anomaly_is_counted():
    output = run()
    for kind in (
        "course lineages: merged",
        "cross-listings: ",
        "candidates left apart: ",
        "subject codes read as another subject: codes (LS L&S)",
        "placeholder sections: hidden 19",
        "sections (CCNs) counted under two codes in a term: 0",
        "instructor names holding several people: 0",
    ):
        assert kind in output
    assert "Every check passed." in output


def test_an_anomaly_in_the_database_fails_the_command():
    # given a course filed under LS, which is only a spelling of L&S
    CourseFactory(subject=SubjectFactory(code="LS"), number="ZZ1")
    assert Course.objects.filter(subject_id="L&S").exists()

    with pytest.raises(CommandError, match="subjects that are another subject's spelling"):
        run()
