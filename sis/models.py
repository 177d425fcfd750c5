import gzip
import json

from django.db import models

from catalog.models import Term


class SyncRun(models.Model):
    """One run of `sis_sync`: what it read and changed, how it ended, and every raw
    answer of the SIS (gzip-compressed JSON lines), kept SIS_ARCHIVE_DAYS for --replay."""

    KIND_CHOICES = [("terms", "Terms"), ("courses", "Courses"), ("classes", "Classes"), ("enrollment", "Enrollment")]
    STATUS_CHOICES = [
        ("running", "Running"),
        ("ok", "Succeeded"),
        ("failed", "Failed"),  # the SIS refused, erred, timed out or answered something unusable
        ("refused", "Refused by a guard"),  # the answer would have removed too much
    ]

    kind = models.CharField(max_length=16, choices=KIND_CHOICES)
    term = models.ForeignKey(Term, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    # The moment the answers describe: a replay keeps the original run's.
    as_of = models.DateTimeField()
    # The enrollment sync asks only for sections updated after this.
    since = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=STATUS_CHOICES, default="running")
    records_read = models.PositiveIntegerField(default=0)
    records_changed = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    archive = models.BinaryField(null=True, blank=True)
    replay_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replays")

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["kind", "status", "-started_at"], name="syncrun_latest")]

    def __str__(self) -> str:
        return f"{self.kind} {self.term or ''} {self.started_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def seconds(self) -> float | None:
        return (self.finished_at - self.started_at).total_seconds() if self.finished_at else None

    def exchanges(self) -> list[dict]:
        """The raw answers, in the order the run asked for them."""
        if not self.archive:
            return []
        return [json.loads(line) for line in gzip.decompress(bytes(self.archive)).splitlines() if line]
