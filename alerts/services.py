"""Writes: following and stopping, and turning each enrollment sync's changes into alerts.

on_enrollment_changed runs in the sync's own process once its write has committed
(berkeleytime.signals.enrollment_changed), so the emails leave within that sync cycle. A
sync that changed nothing announces nothing, and an alert row is unique per follow and
sync time, so no later run repeats an email. A student gets at most ALERT_DAILY_CAP
emails per day (the site's time zone); a change past the limit is kept as "capped" and
shown on their alerts page, never sent later.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from catalog.models import Course, Section, Term

from . import mail, rules
from .models import MAX_WAITLIST_POSITION, Alert, Follow

logger = logging.getLogger(__name__)
COUNTS = ["enrolled", "capacity", "waitlisted", "waitlist_capacity", "reserved", "status"]


class InvalidFollow(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


# -- following -------------------------------------------------------------


def target(code: str, term_slug: str | None, section_text: str | None) -> tuple[Course, Term, Section | None]:
    """The course, term and section (None: the class) a student names: a course code, a
    term's slug (none: the course's coming term) and a section as "LEC 001" or its id."""
    from accounts.services import find_course

    from .selectors import coming_term

    course = find_course(code)
    if course is None:
        raise InvalidFollow("course", f"No course {code!r}.")
    term = Term.objects.filter(slug=term_slug).first() if term_slug else coming_term(course)
    if term is None:
        raise InvalidFollow(
            "term", f"No term {term_slug!r}." if term_slug else f"{course.code} has no sections to follow."
        )
    section = None
    text = (section_text or "").strip()
    if any(ord(c) < 32 for c in text):
        raise InvalidFollow("section", "A section is written like LEC 001.")
    if text:
        sections = Section.objects.filter(course=course, term=term)
        if text.isdigit():
            section = sections.filter(pk=int(text)).first()
        elif len(text.split()) == 2:
            kind, number = text.upper().split()
            section = sections.filter(kind=kind, number=number).first()
        if section is None:
            raise InvalidFollow("section", f"{course.code} has no section {text!r} in {term.name}.")
    elif not Section.objects.filter(course=course, term=term).exists():
        raise InvalidFollow("term", f"{course.code} has no sections in {term.name}.")
    return course, term, section


def follow(
    user, course: Course, term: Term, section: Section | None, watch_seats: bool, waitlist_position: int | None
) -> Follow:
    """Follow a class or a section (again, with what to watch now, if already followed)."""
    if section is not None and (section.course_id, section.term_id) != (course.pk, term.pk):
        raise InvalidFollow(
            "section", f"{section.kind} {section.number} is not a section of {course.code} in {term.name}."
        )
    if not watch_seats and waitlist_position is None:
        raise InvalidFollow("seats", "Watch open seats, a waitlist position, or both.")
    if waitlist_position is not None and not 1 <= waitlist_position <= MAX_WAITLIST_POSITION:
        raise InvalidFollow("waitlist_position", f"A waitlist position is from 1 to {MAX_WAITLIST_POSITION}.")
    found = Follow.objects.filter(user=user, course=course, term=term, section=section).first()
    if found is None:
        try:
            with transaction.atomic():
                return Follow.objects.create(
                    user=user, course=course, term=term, section=section,
                    watch_seats=watch_seats, waitlist_position=waitlist_position,
                )  # fmt: skip
        except IntegrityError:  # the same follow from another tab a moment ago
            found = Follow.objects.get(user=user, course=course, term=term, section=section)
    return change(found, watch_seats, waitlist_position, active=True)


def change(found: Follow, watch_seats: bool, waitlist_position: int | None, active: bool | None = None) -> Follow:
    """What a follow watches. A new waitlist position starts counting from now."""
    if not watch_seats and waitlist_position is None:
        raise InvalidFollow("seats", "Watch open seats, a waitlist position, or both.")
    if waitlist_position is not None and not 1 <= waitlist_position <= MAX_WAITLIST_POSITION:
        raise InvalidFollow("waitlist_position", f"A waitlist position is from 1 to {MAX_WAITLIST_POSITION}.")
    if waitlist_position != found.waitlist_position:
        found.waitlist_position, found.waitlist_moved, found.waitlist_passed_at = waitlist_position, 0, None
    found.watch_seats = watch_seats
    if active is not None:
        found.active = active
    found.save()
    return found


def set_active(found: Follow, active: bool) -> Follow:
    if found.active != active:
        found.active = active
        found.save(update_fields=["active", "updated_at"])
    return found


# -- the sync's changes ----------------------------------------------------


def on_enrollment_changed(sender, term_id: int, as_of: datetime.datetime, changes: dict, **kwargs) -> None:
    """Receiver of enrollment_changed: every active follow of a changed section or class."""
    sections = {
        s["id"]: s
        for s in Section.objects.filter(pk__in=list(changes)).values("id", "course_id", "parent_id", "kind", "number")
    }
    courses = {s["course_id"] for s in sections.values() if s["parent_id"] is None}
    follows = list(
        Follow.objects.active()
        .filter(Q(section_id__in=list(sections)) | Q(section__isnull=True, term_id=term_id, course_id__in=courses))
        .select_related("user", "course", "section", "term")
    )
    if not follows:
        return
    primaries = defaultdict(list)
    for row in Section.objects.filter(term_id=term_id, course_id__in=courses, parent__isnull=True).values(
        "id", "course_id", "kind", "number", *COUNTS
    ):
        primaries[row["course_id"]].append(row)
    alerts, sent = [], sent_today({found.user_id for found in follows})
    for found in follows:
        if found.section_id is not None:
            row = sections[found.section_id]
            watched = [{**row, **changes[found.section_id][1]}]
        else:
            watched = primaries[found.course_id]
        alert = observe(found, watched, changes, as_of, sent)
        if alert is not None:
            alerts.append(alert)
    deliver(alerts)


def observe(found: Follow, watched: list[dict], changes: dict, as_of: datetime.datetime, sent: dict) -> Alert | None:
    """Record what a sync saw on a follow's sections; the alert to send, if it is news and
    the student's day (``sent``: emails so far today per user id, counted on) has room.
    Counts no later than the last ones seen (a replayed run) change nothing."""
    if found.last_seen and as_of <= datetime.datetime.fromisoformat(found.last_seen["as_of"]):
        return None
    before = [changes[s["id"]][0] if s["id"] in changes else s for s in watched]
    after = [changes[s["id"]][1] if s["id"] in changes else s for s in watched]
    was, now = rules.totals(before), rules.totals(after)
    moved = sum(rules.left_waitlist(changes[s["id"]][0], changes[s["id"]][1]) for s in watched if s["id"] in changes)
    opened = found.watch_seats and rules.seat_opened(was, now)
    passed = found.waitlist_passed_at is None and rules.waitlist_passed(
        found.waitlist_position, found.waitlist_moved, found.waitlist_moved + moved
    )
    found.waitlist_moved += moved
    found.last_seen = {"as_of": as_of.isoformat(), **now.as_dict()}
    if passed:
        found.waitlist_passed_at = as_of
    with transaction.atomic():
        found.save(update_fields=["waitlist_moved", "last_seen", "waitlist_passed_at", "updated_at"])
        if not (opened or passed):
            return None
        change = {
            "before": was.as_dict(),
            "after": now.as_dict(),
            "sections": [
                {"label": f"{s['kind']} {s['number']}", "before": rules.open_seats(b), "after": rules.open_seats(a),
                 "waitlisted": a.get("waitlisted")}
                for s, b, a in zip(watched, before, after, strict=True)
                if s["id"] in changes
            ],
            "waitlist_moved": found.waitlist_moved,
        }  # fmt: skip
        alert, created = Alert.objects.get_or_create(
            follow=found, as_of=as_of,
            defaults={"user": found.user, "seat_opened": opened, "waitlist_passed": passed, "change": change},
        )  # fmt: skip
        if not created:
            return None  # this change was reported already (a replayed run)
        if sent.get(found.user_id, 0) >= settings.ALERT_DAILY_CAP:
            alert.status = Alert.CAPPED
            alert.save(update_fields=["status"])
            return None
    sent[found.user_id] = sent.get(found.user_id, 0) + 1
    return alert


def start_of_day(now: datetime.datetime | None = None) -> datetime.datetime:
    local = timezone.localtime(now or timezone.now())
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def sent_today(user_ids: set[int]) -> dict[int, int]:
    """Emails sent (or on their way) to each of these users since midnight in the site's time zone."""
    return dict(
        Alert.objects.filter(user_id__in=user_ids, created_at__gte=start_of_day())
        .filter(status__in=[Alert.SENT, Alert.PENDING])
        .values("user_id")
        .annotate(n=Count("pk"))
        .values_list("user_id", "n")
    )


def deliver(alerts: list[Alert]) -> None:
    """Send the emails over one connection to the mail server. A refused or failed message
    marks that alert failed and the rest still go, over a new connection in case the
    failure broke the old one."""
    if not alerts:
        return
    connection = get_connection()
    try:
        for alert in alerts:
            message = mail.message(alert)
            message.connection = connection
            try:
                connection.open()  # no-op while open: the backend keeps it for the next message
                message.send()
            except Exception as error:  # SMTP and network errors alike: one student's alert, not the sync
                logger.warning("alert %s not sent: %s", alert.pk, error)
                alert.status, alert.error = Alert.FAILED, f"{error.__class__.__name__}: {error}"[:300]
                alert.save(update_fields=["status", "error"])
                connection.close()
                continue
            alert.status, alert.sent_at = Alert.SENT, timezone.now()
            alert.save(update_fields=["status", "sent_at"])
    finally:
        connection.close()
