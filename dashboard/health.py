"""The dashboard's health panel: each dependency checked now, the last data
import and reindex, and, with PROMETHEUS_URL set, traffic from Prometheus."""

from __future__ import annotations

import base64
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import FieldError
from django.db import DatabaseError, connection

from sis.models import SyncRun
from sources.models import ImportRun

logger = logging.getLogger(__name__)

DATA_IMPORTERS = ("catalog", "grades", "enrollment")
# The search app records its index rebuilds as ImportRun rows under one of these names.
REINDEX_IMPORTERS = ("search", "search_index", "reindex")
REQUEST_RATE = "sum(rate(berkeleytime_http_requests_total[{window}]))"
P95_LATENCY = (
    "histogram_quantile(0.95, sum by (le) (rate(berkeleytime_http_request_duration_seconds_bucket[{window}])))"
)


@dataclass
class Check:
    name: str
    ok: bool | None  # None: not configured, nothing to check
    detail: str


def _timed(name: str, probe) -> Check:
    started = time.perf_counter()
    try:
        detail = probe()
    except Exception as exc:  # any failure of a dependency is what this panel reports
        return Check(name, False, f"{type(exc).__name__}: {exc}"[:200])
    return Check(name, True, f"{detail} ({(time.perf_counter() - started) * 1000:.0f} ms)")


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        return cursor.fetchone()[0].split(" on ")[0]


def _redis() -> str:
    from django_redis import get_redis_connection

    get_redis_connection("default").ping()
    return "PING answered"


def _elasticsearch() -> str:
    parts = urllib.parse.urlsplit(settings.ELASTICSEARCH_URL)
    netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
    url = urllib.parse.urlunsplit((parts.scheme, netloc, "/_cluster/health", "", ""))
    request = urllib.request.Request(url)  # noqa: S310 (a setting, not user input)
    if parts.username:
        credentials = f"{urllib.parse.unquote(parts.username)}:{urllib.parse.unquote(parts.password or '')}"
        request.add_header("Authorization", "Basic " + base64.b64encode(credentials.encode()).decode())
    with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310 (a setting, not user input)
        health = json.load(response)
    return f"elasticsearch at {netloc}, cluster {health.get('status', 'unknown')}"


def dependency_checks() -> list[Check]:
    checks = [_timed("Database", _database)]
    if settings.REDIS_URL:
        checks.append(_timed("Redis", _redis))
    else:
        checks.append(Check("Redis", None, "not configured: each process caches on its own"))
    if settings.ELASTICSEARCH_URL:
        checks.append(_timed("Search backend", _elasticsearch))
    else:
        checks.append(Check("Search backend", None, "postgres (ELASTICSEARCH_URL not set)"))
    return checks


def last_runs(importers) -> list[ImportRun]:
    """The latest ImportRun of each of ``importers`` that has one."""
    return list(
        ImportRun.objects
        .filter(importer__in=importers)
        .order_by("importer", "-finished_at")
        .distinct("importer")
    )  # fmt: skip


@dataclass
class SyncHealth:
    kind: str
    last_success: SyncRun | None
    last_error: SyncRun | None  # the latest run that failed or was refused by a guard

    @property
    def failing(self) -> bool:
        """The latest run did not succeed."""
        if self.last_error is None:
            return False
        return self.last_success is None or self.last_error.started_at > self.last_success.started_at


def sis_syncs() -> list[SyncHealth]:
    """For each kind of SIS sync, its last success (its age) and its last error."""

    def latest(statuses) -> dict[str, SyncRun]:
        runs = (
            SyncRun.objects.filter(status__in=statuses)
            .order_by("kind", "-started_at")
            .distinct("kind")
            .defer("archive")
            .select_related("term")
        )
        return {run.kind: run for run in runs}

    ok, bad = latest(["ok"]), latest(["failed", "refused"])
    return [SyncHealth(kind, ok.get(kind), bad.get(kind)) for kind, _label in SyncRun.KIND_CHOICES]


@dataclass
class Reindex:
    what: str
    at: object  # datetime
    detail: str = ""


def last_reindexes() -> list[Reindex]:
    """What exists of the search index's last rebuild: recorded runs, the newest refresh of
    the postgres backend's documents, and the Elasticsearch index version behind the alias."""
    found = [
        Reindex(run.importer, run.finished_at, f"{run.rows_read:,} documents") for run in last_runs(REINDEX_IMPORTERS)
    ]
    try:
        from django.apps import apps
        from django.db.models import Count, Max

        documents = apps.get_model("search", "CourseDocument").objects.aggregate(at=Max("refreshed_at"), n=Count("pk"))
        if documents["at"]:
            found.append(Reindex("search documents (postgres)", documents["at"], f"{documents['n']:,} courses"))
    except (LookupError, FieldError, DatabaseError):
        pass
    if settings.ELASTICSEARCH_URL:
        try:
            from search import index

            for name in index.current_indices():
                stamp = datetime.strptime(name.rsplit("-", 1)[1], "%Y%m%d%H%M%S%f").replace(tzinfo=UTC)
                found.append(Reindex("elasticsearch index", stamp, name))
        except Exception:  # the panel shows what it can; the search check above reports outages
            logger.info("health panel: cannot read the Elasticsearch index behind the alias", exc_info=True)
    return found


@dataclass
class Traffic:
    requests_per_second: float | None
    p95_seconds: float | None
    error: str = ""

    @property
    def p95_ms(self) -> float | None:
        return None if self.p95_seconds is None else self.p95_seconds * 1000


def prometheus_value(expression: str) -> float | None:
    """The single value of an instant query against PROMETHEUS_URL; None when the answer is empty."""
    query = urllib.parse.urlencode({"query": expression})
    url = f"{settings.PROMETHEUS_URL.rstrip('/')}/api/v1/query?{query}"
    with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 (a setting, not user input)
        answer = json.load(response)
    if answer.get("status") != "success":
        raise ValueError(answer.get("error", "query failed"))
    result = answer["data"]["result"]
    if not result:
        return None
    value = float(result[0]["value"][1])
    return None if value != value else value  # NaN: no requests in the window


def traffic() -> Traffic | None:
    if not settings.PROMETHEUS_URL:
        return None
    window = settings.PROMETHEUS_RATE_WINDOW
    try:
        return Traffic(
            prometheus_value(REQUEST_RATE.format(window=window)),
            prometheus_value(P95_LATENCY.format(window=window)),
        )
    except (OSError, ValueError, KeyError) as exc:
        return Traffic(None, None, f"{type(exc).__name__}: {exc}"[:200])
