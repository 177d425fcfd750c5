from django.db import models


class ImportRun(models.Model):
    """One run of a data importer: what it read and changed, for operators and the dashboard."""

    importer = models.CharField(max_length=64)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    rows_read = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)

    # What the run found in the data and decided about it (lineages merged,
    # names split, placeholders hidden...): `manage.py data_quality` prints it.
    # [[kind, {what: count}], ...], in the order the importer reports them.
    details = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-finished_at"]

    def __str__(self) -> str:
        return f"{self.importer} at {self.finished_at:%Y-%m-%d %H:%M}"
