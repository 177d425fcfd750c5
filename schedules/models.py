import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from catalog.models import Course, Section, Term


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Schedule(models.Model):
    """A student's plan for one term: courses with their chosen sections, and custom blocks.

    ``share_token`` opens a read-only page; ``feed_token`` is the private calendar
    subscription's address. Either can be replaced, which retires the old link."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="schedules")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100)
    share_token = models.CharField(max_length=64, unique=True, default=new_token)
    feed_token = models.CharField(max_length=64, unique=True, default=new_token)
    # {"not_before": "09:00", "not_after": "18:00", "ranking": ["fewer_days", ...]}
    preferences = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.term})"


class ScheduleCourse(models.Model):
    """A course on a schedule, with its chosen lecture and the lecture's associated sections
    (a discussion, a lab...). No lecture yet means the course is added but not placed."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="courses")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    lecture = models.ForeignKey(Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    sections = models.ManyToManyField(Section, blank=True, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["schedule", "course"], name="schedule_course_unique")]

    def __str__(self) -> str:
        return f"{self.course} on {self.schedule}"


class Block(models.Model):
    """Time the student keeps for something else (work, practice): it takes part in conflicts."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="blocks")
    title = models.CharField(max_length=60)
    days = ArrayField(models.PositiveSmallIntegerField(), default=list)  # 0 Monday .. 6 Sunday
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title
