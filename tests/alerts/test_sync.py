"""Done when: the stand-in SIS changes a section's counts, the enrollment sync runs, and
each follower finds exactly one email in a real SMTP server; a second sync with no change
sends none; the email's unsubscribe link stops that student's alerts."""

import io
import logging
import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from alerts import services
from alerts.mail import unsubscribe_token
from alerts.models import Alert, Follow
from berkeleytime.signals import enrollment_changed
from catalog.models import Section, Term
from sis.models import SyncRun
from tests.alerts.conftest import body

pytestmark = pytest.mark.django_db


def sync(capture, *args) -> str:
    """`manage.py sis_sync`, with what it leaves for after its commit run as it would be."""
    out = io.StringIO()
    with capture(execute=True):
        call_command("sis_sync", *args, stdout=out)
    return out.getvalue()


def test_a_seat_opening_in_the_sis_is_one_email_per_follower_and_the_link_unsubscribes(
    standin, inbox, students, django_capture_on_commit_callbacks, caplog
):
    capture = django_capture_on_commit_callbacks
    sync(capture, "classes", "--term", "summer-2026")
    lecture = Section.objects.get(course__code="COMPSCI 61A", term__slug="summer-2026", kind="LEC", number="001")
    counts = {"course": "COMPSCI 61A", "kind": "LEC", "section": "001"}
    standin.control("counts", **counts, enrolled=lecture.capacity, waitlisted=4)  # full
    sync(capture, "enrollment", "--term", "summer-2026")

    # given two students follow the full lecture
    ann, bob = students
    summer = Term.objects.get(slug="summer-2026")
    for student in students:
        services.follow(student, lecture.course, summer, lecture, watch_seats=True, waitlist_position=None)

    # when two students drop it in the SIS and the enrollment sync runs
    standin.control("counts", **counts, enrolled=lecture.capacity - 2, waitlisted=4)
    output = sync(capture, "enrollment", "--term", "summer-2026")

    # then each follower has exactly one email about it
    assert "1 records changed" in output
    assert [len(inbox.to(s.email)) for s in students] == [1, 1]
    message = inbox.to(ann.email)[0]
    assert message["Subject"] == "COMPSCI 61A: a seat opened"
    assert f"Open seats: 0 before, 2 now of {lecture.capacity}." in body(message)

    # and a second sync with nothing changed sends nothing
    assert "0 records changed" in sync(capture, "enrollment", "--term", "summer-2026")
    assert len(inbox.messages) == 2

    # when Ann opens the email's unsubscribe link: a page with one button, nothing changed yet
    link = re.search(r"Stop these alerts: (\S+)", body(message)).group(1)
    path = urlsplit(link).path
    assert message["List-Unsubscribe"].strip() == f"<{link}>"
    visitor = Client(enforce_csrf_checks=True)  # signed out, as from a mail client
    page = visitor.get(path)
    assert page.status_code == 200
    assert b"Stop these alerts</button>" in page.content
    assert Follow.objects.get(user=ann).active
    # and presses it
    assert b"No more alerts for COMPSCI 61A LEC 001, Summer 2026." in visitor.post(path).content
    assert not Follow.objects.get(user=ann).active

    # then the lecture filling and opening again emails Bob only
    standin.control("counts", **counts, enrolled=lecture.capacity)
    sync(capture, "enrollment", "--term", "summer-2026")
    standin.control("counts", **counts, enrolled=lecture.capacity - 1)
    sync(capture, "enrollment", "--term", "summer-2026")
    assert [len(inbox.to(s.email)) for s in students] == [1, 2]
    assert Alert.objects.filter(user=ann).count() == 1

    # and a listener that fails after the write neither fails the sync nor stops the alerts
    def broken(**kwargs):
        raise RuntimeError("a broken listener")

    enrollment_changed.connect(broken)
    try:
        standin.control("counts", **counts, enrolled=lecture.capacity)
        sync(capture, "enrollment", "--term", "summer-2026")
        standin.control("counts", **counts, enrolled=lecture.capacity - 3)
        with caplog.at_level(logging.ERROR, logger="sis.services"):
            sync(capture, "enrollment", "--term", "summer-2026")
    finally:
        enrollment_changed.disconnect(broken)
    assert SyncRun.objects.filter(kind="enrollment").first().status == "ok"
    assert "enrollment_changed: " in caplog.text
    assert "a broken listener" in caplog.text
    assert [len(inbox.to(s.email)) for s in students] == [1, 3]


def test_a_mail_clients_one_click_post_unsubscribes_and_a_forged_token_does_nothing(students, small_class):
    ann, _ = students
    term, course, first, _, _ = small_class
    found = services.follow(ann, course, term, first, watch_seats=True, waitlist_position=None)
    token = unsubscribe_token(found)
    visitor = Client(enforce_csrf_checks=True)
    forged = visitor.post(f"/alerts/unsubscribe/{token[:-2]}xx/", {"List-Unsubscribe": "One-Click"})
    assert forged.status_code == 404
    found.refresh_from_db()
    assert found.active

    answer = visitor.post(f"/alerts/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    found.refresh_from_db()
    assert not found.active
