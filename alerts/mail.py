"""The alert email and its unsubscribe link.

The link carries a token signed with SECRET_KEY (django.core.signing) naming the follow, so
it works without signing in and cannot be forged for somebody else's follow. It never
expires: an old email's link must still stop its alerts. Opening it shows one button (mail
scanners that fetch links change nothing); the button, and a mail client's RFC 8058
one-click POST (List-Unsubscribe-Post), stop the follow.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

from .models import Alert, Follow

SALT = "alerts.unsubscribe"


def unsubscribe_token(follow: Follow) -> str:
    return signing.dumps(follow.pk, salt=SALT)


def follow_for_token(token: str) -> Follow | None:
    try:
        pk = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return (
        Follow.objects.filter(pk=pk).select_related("course", "section", "term").first()
        if isinstance(pk, int)
        else None
    )


def absolute(path: str) -> str:
    return settings.ALERT_SITE_URL.rstrip("/") + path


def follow_label(follow: Follow) -> str:
    """ "COMPSCI 61A LEC 001, Summer 2026" or "COMPSCI 61A (the class), Summer 2026"."""
    what = f"{follow.section.kind} {follow.section.number}" if follow.section_id else "(the class)"
    return f"{follow.course.code} {what}, {follow.term.name}"


def course_url(follow: Follow) -> str:
    path = reverse("course", args=[follow.course.subject_id, follow.course.number])
    return absolute(f"{path}?{urlencode({'term': follow.term.slug})}")


def message(alert: Alert) -> EmailMultiAlternatives:
    follow = alert.follow
    unsubscribe = absolute(reverse("alerts-unsubscribe", args=[unsubscribe_token(follow)]))
    if alert.seat_opened and alert.waitlist_passed:
        headline = "a seat opened and the waitlist moved past your position"
    elif alert.seat_opened:
        headline = "a seat opened"
    else:
        headline = f"the waitlist moved past position {follow.waitlist_position}"
    context = {
        "alert": alert,
        "follow": follow,
        "label": follow_label(follow),
        "headline": headline,
        "change": alert.change,
        "course_url": course_url(follow),
        "alerts_url": absolute(reverse("alerts")),
        "unsubscribe_url": unsubscribe,
    }
    email = EmailMultiAlternatives(
        subject=f"{follow.course.code}: {headline}",
        body=render_to_string("alerts/email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[follow.user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    email.attach_alternative(render_to_string("alerts/email.html", context), "text/html")
    return email
