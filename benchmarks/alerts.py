"""Seat alerts: what the alerts add to an enrollment sync, measured in the process that runs
it, over the real Summer 2026 sections, with the emails sent to a local SMTP server (aiosmtpd).

A sync that opens seats in 500 full sections followed by 2,000 students (four each) must
have every email delivered within the sync's cycle: the enrollment CronJob runs every 15
minutes with an 840 s deadline; the target is 60 s. The baseline of the same run is the
bare transfer: as many ready-made messages of the same size over one SMTP connection. A
sync whose changes nobody follows (every section of the term changed) pays only the query
that finds no follower: target 0.5 s. Everything is written in a transaction rolled back
at the end.
"""

from __future__ import annotations

import datetime
import logging
import statistics
import threading
import time

SECTIONS, PER_SECTION = 500, 4


class Counter:
    def __init__(self):
        self.count, self.lock = 0, threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while self.count < count and time.monotonic() < deadline:
            time.sleep(0.01)


class Rollback(Exception):
    pass


def _round(counter: Counter, as_of: datetime.datetime) -> dict:
    from django.contrib.auth import get_user_model
    from django.core.mail import get_connection
    from django.db import transaction
    from django.db.models import F

    from alerts import mail, services
    from alerts.models import Alert, Follow
    from catalog.models import Section, Term
    from sis.services import COUNT_FIELDS

    term = Term.objects.get(slug="summer-2026")
    result = {}
    try:
        with transaction.atomic():
            every = list(Section.objects.filter(term=term).values("id", *COUNT_FIELDS))
            # Nobody follows anything: every section's counts changed, as a first sync of a term.
            quiet = {s["id"]: (s, {**s, "enrolled": (s["enrolled"] or 0) + 1}) for s in every}
            started = time.perf_counter()
            services.on_enrollment_changed(sender=None, term_id=term.pk, as_of=as_of, changes=quiet)
            result["unfollowed_sync_seconds"] = round(time.perf_counter() - started, 3)
            result["sections_changed_unfollowed"] = len(quiet)

            chosen = list(
                Section.objects.filter(term=term, parent__isnull=True, capacity__gt=1).select_related("course")[
                    :SECTIONS
                ]
            )
            Section.objects.filter(pk__in=[s.pk for s in chosen]).update(enrolled=F("capacity"))
            users = get_user_model().objects.bulk_create(
                get_user_model()(username=f"bench-{i}", email=f"bench-{i}@berkeley.edu")
                for i in range(SECTIONS * PER_SECTION)
            )
            Follow.objects.bulk_create(
                Follow(user=user, term=term, course=chosen[i // PER_SECTION].course, section=chosen[i // PER_SECTION])
                for i, user in enumerate(users)
            )
            changes = {}
            for section in chosen:
                full = {name: getattr(section, name) for name in COUNT_FIELDS} | {"enrolled": section.capacity}
                changes[section.pk] = (full, full | {"enrolled": section.capacity - 1})
            for section in chosen:
                section.enrolled = section.capacity - 1
            Section.objects.bulk_update(chosen, ["enrolled"])
            counter.count = 0
            started = time.perf_counter()
            services.on_enrollment_changed(sender=None, term_id=term.pk, as_of=as_of, changes=changes)
            counter.wait_for(len(users))
            result["alerts_seconds"] = round(time.perf_counter() - started, 3)
            result["emails_delivered"] = counter.count
            result["alerts_sent"] = Alert.objects.filter(status=Alert.SENT, as_of=as_of).count()

            # The same emails again, rendered beforehand: what the SMTP transfer alone costs.
            alerts = Alert.objects.filter(as_of=as_of).select_related(
                "follow__user", "follow__course", "follow__section", "follow__term"
            )
            messages = [mail.message(alert) for alert in alerts]
            counter.count = 0
            started = time.perf_counter()
            with get_connection() as connection:
                connection.send_messages(messages)
            counter.wait_for(len(messages))
            result["transfer_seconds"] = round(time.perf_counter() - started, 3)
            raise Rollback
    except Rollback:
        pass
    return result


def bench_alerts(options) -> dict:
    import django

    django.setup()
    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.utils import timezone

    from benchmarks import harness

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command
    counter = Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=harness.free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.ALERT_DAILY_CAP = 10
    try:
        rounds = [_round(counter, timezone.now() + datetime.timedelta(minutes=i)) for i in range(options.rounds)]
    finally:
        controller.stop()
    median = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
    result = {
        "target": f"enrollment_changed: {SECTIONS} full sections open, {SECTIONS * PER_SECTION} followers",
        "baseline": "the same emails, rendered beforehand, over one SMTP connection",
        "rounds": options.rounds,
        **median,
        "alerts_per_second": round(median["emails_delivered"] / median["alerts_seconds"], 1),
        "alerts_to_transfer_ratio": round(median["alerts_seconds"] / median["transfer_seconds"], 1),
        "each_round": rounds,
    }
    result["targets"] = {"alerts_seconds_max": 60, "unfollowed_sync_seconds_max": 0.5}
    result["meets_targets"] = (
        median["alerts_seconds"] <= 60
        and median["emails_delivered"] == SECTIONS * PER_SECTION
        and median["unfollowed_sync_seconds"] <= 0.5
    )
    return result
