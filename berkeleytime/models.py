from django.db import models


class DataGeneration(models.Model):
    """One row: the data generation every cached answer's key embeds (berkeleytime.caching).

    It lives in the database because every process of every kind can see it there:
    the web workers, a sync run from a CronJob or from `make manage`, and a
    development server with no Redis, whose caches are each process's own."""

    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.value)
