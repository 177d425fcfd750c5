"""Each sync's health at scrape time, read from the SyncRun log.

The syncs run in CronJob pods Prometheus never scrapes, so their state is
read from the database whenever /metrics is scraped.
"""

from django.db.models import Count
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from .models import SyncRun


class SyncCollector:
    def collect(self):
        success = GaugeMetricFamily(
            "berkeleytime_sis_sync_last_success_timestamp_seconds",
            "When each kind of SIS sync last succeeded (Unix time).",
            labels=["kind"],
        )
        duration = GaugeMetricFamily(
            "berkeleytime_sis_sync_last_duration_seconds", "How long each kind's last run took.", labels=["kind"]
        )
        changed = GaugeMetricFamily(
            "berkeleytime_sis_sync_last_records_changed",
            "Records each kind's last successful run changed.",
            labels=["kind"],
        )
        runs = CounterMetricFamily(
            "berkeleytime_sis_sync_runs",
            "SIS sync runs by kind and outcome (ok, failed, refused).",
            labels=["kind", "status"],
        )
        try:
            for kind, finished, started, records in (
                SyncRun.objects.filter(status="ok")
                .order_by("kind", "-started_at")
                .distinct("kind")
                .values_list("kind", "finished_at", "started_at", "records_changed")
            ):
                success.add_metric([kind], finished.timestamp())
                duration.add_metric([kind], (finished - started).total_seconds())
                changed.add_metric([kind], records)
            for row in SyncRun.objects.exclude(status="running").values("kind", "status").annotate(n=Count("id")):
                runs.add_metric([row["kind"], row["status"]], row["n"])
        except Exception:  # a database outage must not take /metrics down with it
            return
        yield success
        yield duration
        yield changed
        yield runs
