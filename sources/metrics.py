"""Import metrics read from the import log at scrape time."""

from prometheus_client.core import GaugeMetricFamily

from .models import ImportRun


class LastImportCollector:
    """The last committed run of each importer, read from the database at scrape time.

    The nightly import runs in a CronJob's pod that Prometheus never scrapes, so
    its counters die with it; the ImportRun rows it writes do not."""

    def collect(self):
        finished = GaugeMetricFamily(
            "berkeleytime_last_import_timestamp_seconds",
            "When each importer's last committed run finished (Unix time).",
            labels=["importer"],
        )
        rows = GaugeMetricFamily(
            "berkeleytime_last_import_rows_read",
            "Rows read by each importer's last committed run.",
            labels=["importer"],
        )
        try:
            latest = (
                ImportRun.objects
                .order_by("importer", "-finished_at")
                .distinct("importer")
                .values_list("importer", "finished_at", "rows_read")
            )  # fmt: skip
            for importer, finished_at, rows_read in latest:
                finished.add_metric([importer], finished_at.timestamp())
                rows.add_metric([importer], rows_read)
        except Exception:  # a database outage must not take /metrics down with it
            return
        yield finished
        yield rows
