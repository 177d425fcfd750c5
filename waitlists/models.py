"""What answering a waitlist position needs, stored: each course's waitlist movement
per term, and the fitted model that turns it into a chance. Both are refreshed after
enrollment imports and syncs (receivers.py) or by `manage.py refresh_waitlist_odds`."""

from __future__ import annotations

from django.db import models

from catalog.models import Course, Term

from .movement import Movement


class WaitlistMovementQuerySet(models.QuerySet):
    def for_course(self, course: Course) -> WaitlistMovementQuerySet:
        return self.filter(course=course)

    def complete(self) -> WaitlistMovementQuerySet:
        """Terms whose data reaches the horizon: the past terms answers rest on."""
        return self.filter(complete=True)

    def with_waitlist(self) -> WaitlistMovementQuerySet:
        return self.filter(had_waitlist=True)


class WaitlistMovement(models.Model):
    """A course's waitlist in one term, per day from the first day of Phase 1 to the
    horizon (waitlists/movement.py says how it is estimated): the waitlist, the capacity
    and the students admitted from the waitlist each day."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="waitlist_movements")
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="waitlist_movements")
    day_0 = models.DateField(help_text="The first day of Phase 1.")
    had_waitlist = models.BooleanField()
    complete = models.BooleanField(help_text="The term's data reaches the horizon.")
    days = models.JSONField(help_text="waitlisted, capacity and admitted: one list each, a value per day.")

    objects = WaitlistMovementQuerySet.as_manager()

    class Meta:
        ordering = ["course", "term"]
        constraints = [models.UniqueConstraint(fields=["course", "term"], name="waitlist_movement_once")]

    def __str__(self) -> str:
        return f"{self.course_id} {self.term_id} waitlist movement"

    @property
    def movement(self) -> Movement:
        return Movement.from_dict(self.days)


class OddsModel(models.Model):
    """The fitted logistic regression (waitlists/odds.py): its coefficients, the terms
    it was fitted on, and how many rows. The latest row is the one used."""

    fitted_at = models.DateTimeField(auto_now_add=True)
    terms = models.JSONField(help_text="Slugs of the terms it was fitted on.")
    features = models.JSONField()
    coefficients = models.JSONField()
    intercept = models.FloatField()
    rows = models.PositiveIntegerField()
    base_rate = models.FloatField(help_text="The share of positions that cleared, over every row.")

    class Meta:
        ordering = ["-fitted_at"]
        get_latest_by = "fitted_at"

    def __str__(self) -> str:
        return f"waitlist odds model of {self.fitted_at:%Y-%m-%d %H:%M}"
