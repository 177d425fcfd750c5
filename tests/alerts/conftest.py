"""A real SMTP server (aiosmtpd) the alerts are sent to, the stand-in SIS the syncs read,
and small fixtures of sections whose counts the tests move."""

import datetime
import email
import email.policy
import logging
import threading
from collections.abc import Callable

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from berkeleytime.signals import enrollment_changed
from catalog.models import Section, Term
from sis.services import COUNT_FIELDS, EnrollmentSync
from tests.factories import CourseFactory, TermFactory
from tests.server import free_port
from tests.sis.conftest import standin, standin_process  # noqa: F401 - fixtures


class Inbox:
    """An aiosmtpd handler keeping every message it accepts, parsed."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.refused: set[str] = set()  # addresses answered "550 no such user"
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        with self.lock:
            return [m for m in self.messages if m["X-Envelope-To"] == address]

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()
            self.refused.clear()


@pytest.fixture(scope="session")
def smtp_server():
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def inbox(smtp_server, settings) -> Inbox:
    """The app's email goes over SMTP to the test's own server; its messages, from empty."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp_server.hostname, smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.ALERT_SITE_URL = "http://testserver"
    smtp_server.handler.clear()
    return smtp_server.handler


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def students(django_user_model):
    ann = django_user_model.objects.create_user("ann", "ann@berkeley.edu")
    bob = django_user_model.objects.create_user("bob", "bob@berkeley.edu")
    return ann, bob


@pytest.fixture
def small_class(django_db_setup):
    """A class of our own in a term of our own: two lectures (30 and 20 seats) and a discussion."""
    term = TermFactory(year=2031, season="fall")
    course = CourseFactory()
    first = Section.objects.create(course=course, term=term, kind="LEC", number="001", class_number=90001,
                                   enrolled=30, capacity=30, waitlisted=5)  # fmt: skip
    second = Section.objects.create(course=course, term=term, kind="LEC", number="002", class_number=90002,
                                    enrolled=20, capacity=20, waitlisted=0)  # fmt: skip
    discussion = Section.objects.create(course=course, term=term, kind="DIS", number="101", parent=first,
                                        class_number=90003, enrolled=15, capacity=15, waitlisted=0)  # fmt: skip
    return term, course, first, second, discussion


class Syncs:
    """What the enrollment sync announces after its write, without a SIS: the counts move in
    the database, then enrollment_changed goes out with before and after."""

    def __init__(self):
        self.now = timezone.now() - datetime.timedelta(hours=1)

    def __call__(self, *moves: tuple[Section, dict]) -> None:
        self.now += datetime.timedelta(minutes=15)
        changes = {}
        for section, counts in moves:
            section.refresh_from_db()
            before = {name: getattr(section, name) for name in COUNT_FIELDS}
            for name, value in counts.items():
                setattr(section, name, value)
            section.save(update_fields=list(counts))
            changes[section.pk] = (before, {name: getattr(section, name) for name in COUNT_FIELDS})
        term: Term = next(iter(moves))[0].term
        enrollment_changed.send(sender=EnrollmentSync, term_id=term.pk, as_of=self.now, changes=changes)


@pytest.fixture
def synced() -> Callable:
    return Syncs()
