"""The follow control on a course's page (see BT_COURSE_PANELS): the class and each of its
sections in the coming term, for a signed-in student; a sign-in link otherwise. Signed-out
pages are cached and alike for everybody, so the panel shows them nothing personal."""

from django.contrib import messages
from django.middleware.csrf import get_token

from . import selectors


def course_panel(request, course) -> dict | None:
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    found = selectors.offer(course, user if signed_in else None)
    if found is None or len(found.choices) < 2:
        return None  # no sections to follow
    return {
        "template": "alerts/_course_panel.html",
        "offer": found,
        "course": course,
        "signed_in": signed_in,
        "following": [c for c in found.choices if c.followed is not None and c.followed.active],
        "csrf_token": get_token(request) if signed_in else "",
        # What the follow form just did: it comes back to this page.
        "messages": list(messages.get_messages(request)) if signed_in else [],
        "next": request.get_full_path(),
    }
