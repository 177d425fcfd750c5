from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Environment(models.TextChoices):
    STAGING = "staging", "Staging"
    PRODUCTION = "production", "Production"


class DeployRunQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=DeployRun.ACTIVE_STATUSES)

    def for_environment(self, environment: str):
        return self.filter(environment=environment)


class DeployRun(models.Model):
    """One click on a deploy button: who asked for what, and what the deploy worker made of it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        # Handed to a GitHub Actions workflow (DEPLOY_VIA=github); the deploy itself runs there.
        DISPATCHED = "dispatched", "Dispatched to GitHub Actions"

    ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING)

    environment = models.CharField(max_length=16, choices=Environment.choices)
    git_ref = models.CharField(max_length=200, help_text="branch the deploy is made from")
    image_tag = models.CharField(max_length=128, blank=True, help_text="image tag deployed, once known")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too, so the history still says who clicked after the account is gone.
    requested_by_name = models.CharField(max_length=150)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Touched by the worker while it runs; a run whose worker stopped touching it is failed.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    via = models.CharField(max_length=16, blank=True, help_text="command or github")
    command = models.TextField(blank=True, help_text="what the worker ran or called")
    exit_code = models.IntegerField(null=True, blank=True)
    log = models.TextField(blank=True)

    objects = DeployRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # At most one queued or running deploy per environment, however many clicks race.
            models.UniqueConstraint(
                fields=["environment"],
                condition=Q(status__in=["queued", "running"]),
                name="dashboard_one_active_deploy_per_environment",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="dashboard_deployrun_queue")]

    def __str__(self) -> str:
        return f"deploy #{self.pk} to {self.environment} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def duration(self):
        """How long the run took, or has taken so far; None before it starts."""
        if not self.started_at:
            return None
        return (self.finished_at or timezone.now()) - self.started_at
