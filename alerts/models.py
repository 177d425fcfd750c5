"""What a student follows and every alert the syncs decided to send them.

A Follow is a class (a course in a term: its primary sections together) or one section,
watched for open seats, for the waitlist moving past a position, or both. An Alert is one
change reported to one follow: the row exists before the email goes out, and its unique
(follow, as_of) is what keeps a change from being reported twice, even when a sync run is
replayed. Both reach their user through CASCADE foreign keys, so deleting the
account deletes them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

MAX_WAITLIST_POSITION = 999


class FollowQuerySet(models.QuerySet):
    def of(self, user) -> "FollowQuerySet":
        return self.filter(user=user)

    def active(self) -> "FollowQuerySet":
        return self.filter(active=True)


class Follow(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    term = models.ForeignKey("catalog.Term", on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey("catalog.Course", on_delete=models.CASCADE, related_name="+")
    # None follows the class: every primary section of the course in the term.
    section = models.ForeignKey("catalog.Section", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    watch_seats = models.BooleanField(default=True)
    # The student's place on the waitlist when they asked; None watches no waitlist.
    waitlist_position = models.PositiveIntegerField(null=True, blank=True)
    # Students who left the front of the waitlist since then, as the syncs' counts show.
    waitlist_moved = models.PositiveIntegerField(default=0)
    waitlist_passed_at = models.DateTimeField(null=True, blank=True)
    # The counts of the last change a sync saw: {"as_of", "enrolled", "capacity", "open", "waitlisted"}.
    last_seen = models.JSONField(null=True, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FollowQuerySet.as_manager()

    class Meta:
        ordering = ["-active", "-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "term", "course"], condition=Q(section__isnull=True), name="follow_unique_class"
            ),
            models.UniqueConstraint(
                fields=["user", "section"], condition=Q(section__isnull=False), name="follow_unique_section"
            ),
            models.CheckConstraint(
                condition=Q(watch_seats=True) | Q(waitlist_position__isnull=False), name="follow_watches_something"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.course_id} {self.section_id or 'class'} ({self.term_id})"


class Alert(models.Model):
    """One email about one change to one follow: a seat opened, the waitlist moved past the
    student's position, or both at once."""

    PENDING, SENT, CAPPED, FAILED = "pending", "sent", "capped", "failed"
    STATUSES = [
        (PENDING, "Sending"),
        (SENT, "Sent"),
        (CAPPED, "Not sent: the day's limit was reached"),
        (FAILED, "Not sent: the mail server refused it"),
    ]

    follow = models.ForeignKey(Follow, on_delete=models.CASCADE, related_name="alerts")
    # Kept with the row so the daily limit counts a student's emails in one query.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The sync's time for the counts: one change, one alert.
    as_of = models.DateTimeField()
    seat_opened = models.BooleanField(default=False)
    waitlist_passed = models.BooleanField(default=False)
    # {"before": totals, "after": totals, "sections": [{"label", "before", "after"}], "waitlist_moved": n}
    change = models.JSONField()
    status = models.CharField(max_length=8, choices=STATUSES, default=PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["follow", "as_of"], name="alert_once_per_change")]
        indexes = [models.Index(fields=["user", "created_at"], name="alert_user_day")]

    def __str__(self) -> str:
        return f"alert for follow {self.follow_id} at {self.as_of:%Y-%m-%d %H:%M} ({self.status})"
