"""Prometheus metrics: what the app counts, and /metrics, where Prometheus reads them.

Under gunicorn every worker is its own process. berkeleytime/gunicorn.conf.py
points PROMETHEUS_MULTIPROC_DIR at an empty directory before the workers start;
prometheus-client then keeps each worker's values in files there, and /metrics
adds them up whichever worker answers. Without that variable (runserver, tests)
the values live in this process.

Other apps define their own metrics on the default registry (search/metrics.py
counts backends and fallbacks); /metrics exposes them too.

/metrics is for Prometheus, which scrapes each pod by its IP address. It answers
only requests addressed to an IP and not relayed by a proxy: anything that came
through the public ingress carries one of the site's host names and
X-Forwarded-For, and gets a 404 as if the page did not exist.
"""

from __future__ import annotations

import ipaddress
import os
import time
from collections.abc import Callable

from django.db import connections
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, multiprocess
from prometheus_client.exposition import choose_encoder

from .signals import data_imported, import_failed

# Seconds. Most API answers come from the cache in about a millisecond; pages
# and uncached queries take tens of milliseconds.
LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
QUERY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0)
KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
UNMATCHED_VIEW = "<unmatched>"

REQUESTS = Counter(
    "berkeleytime_http_requests_total",
    "HTTP requests answered, by view, method and status.",
    ["view", "method", "status"],
)
LATENCY = Histogram(
    "berkeleytime_http_request_duration_seconds",
    "Time from the request entering Django to the response leaving it, by view and method.",
    ["view", "method"],
    buckets=LATENCY_BUCKETS,
)
DB_QUERIES = Counter(
    "berkeleytime_db_queries_total",
    "SQL statements executed while answering requests, by database alias.",
    ["database"],
)
DB_QUERY_TIME = Histogram(
    "berkeleytime_db_query_duration_seconds",
    "Time of each SQL statement executed while answering requests, by database alias.",
    ["database"],
    buckets=QUERY_BUCKETS,
)
DB_QUERY_ERRORS = Counter(
    "berkeleytime_db_query_errors_total",
    "SQL statements that raised, by database alias.",
    ["database"],
)
API_CACHE = Counter(
    "berkeleytime_api_cache_total",
    "Cacheable API answers, by view and result (hit: served from the response cache; miss: computed).",
    ["view", "result"],
)
IMPORTS = Counter(
    "berkeleytime_imports_total",
    "Data imports that committed, by importer.",
    ["importer"],
)
IMPORT_ROWS = Counter(
    "berkeleytime_import_rows_total",
    "Rows handled by committed imports, by importer and what happened to them.",
    ["importer", "outcome"],
)
IMPORT_FAILURES = Counter(
    "berkeleytime_import_failures_total",
    "Data imports stopped by bad input, by importer.",
    ["importer"],
)


def view_label(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.view_name or match._func_path) if match else UNMATCHED_VIEW


class MetricsMiddleware:
    """Counts and times every request, the SQL it runs and the API cache's answer.

    Listed right after the request-id middleware, so it times everything after it."""

    def __init__(self, get_response: Callable):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        with _QueryTimer():
            response = self.get_response(request)
        elapsed = time.perf_counter() - started
        view = view_label(request)
        method = request.method if request.method in KNOWN_METHODS else "other"
        REQUESTS.labels(view, method, str(response.status_code)).inc()
        LATENCY.labels(view, method).observe(elapsed)
        cache_result = response.get("X-Cache")
        if cache_result in ("hit", "miss"):
            API_CACHE.labels(view, cache_result).inc()
        return response


class _QueryTimer:
    """Installs an execute wrapper on every configured database connection of this thread."""

    def __enter__(self):
        self._contexts = []
        for alias in connections:
            context = connections[alias].execute_wrapper(_time_query(alias))
            context.__enter__()
            self._contexts.append(context)
        return self

    def __exit__(self, *exc_info):
        for context in reversed(self._contexts):
            context.__exit__(*exc_info)
        return False


def _time_query(alias: str):
    queries, seconds, errors = DB_QUERIES.labels(alias), DB_QUERY_TIME.labels(alias), DB_QUERY_ERRORS.labels(alias)

    def wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        except Exception:
            errors.inc()
            raise
        finally:
            queries.inc()
            seconds.observe(time.perf_counter() - started)

    return wrapper


def count_import(sender, importer: str, report, **kwargs) -> None:
    IMPORTS.labels(importer).inc()
    outcomes = {
        "read": report.total_read,
        "created": report.total_created,
        "updated": report.total_updated,
        "deleted": sum(report.deleted.values()),
        "rejected": len(report.rejections),
    }
    for outcome, rows in outcomes.items():
        IMPORT_ROWS.labels(importer, outcome).inc(rows)


def count_import_failure(sender, importer: str, error: Exception, **kwargs) -> None:
    IMPORT_FAILURES.labels(importer).inc()


def connect_signals() -> None:
    """Called once from BerkeleytimeConfig.ready()."""
    data_imported.connect(count_import, dispatch_uid="berkeleytime.metrics.count_import")
    import_failed.connect(count_import_failure, dispatch_uid="berkeleytime.metrics.count_import_failure")


# Collectors that read the database at scrape time, registered by the apps that own the data.
_database_collectors: list = []


def register_database_collector(collector) -> None:
    """Add a collector to every /metrics answer (apps call this from their ready())."""
    if not any(type(c) is type(collector) for c in _database_collectors):
        _database_collectors.append(collector)


def registry() -> CollectorRegistry:
    """The registry /metrics renders: every worker's values when running under gunicorn."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        combined = CollectorRegistry()
        multiprocess.MultiProcessCollector(combined)
    else:
        combined = CollectorRegistry()
        combined.register(_Delegate(REGISTRY))
    for collector in _database_collectors:
        combined.register(collector)
    return combined


class _Delegate:
    """Adds another registry's metrics to this one (the default registry is never mutated)."""

    def __init__(self, source: CollectorRegistry):
        self.source = source

    def collect(self):
        return self.source.collect()


def is_scrape_request(request: HttpRequest) -> bool:
    """True for a direct request addressed to an IP, as Prometheus makes; false through a proxy or by host name."""
    if request.META.get("HTTP_X_FORWARDED_FOR") or request.META.get("HTTP_X_FORWARDED_HOST"):
        return False
    host = request.get_host()
    if host.startswith("["):
        host = host[1:].split("]", 1)[0]
    elif host.count(":") == 1:
        host = host.rsplit(":", 1)[0]
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not is_scrape_request(request):
        raise Http404
    encoder, content_type = choose_encoder(request.headers.get("Accept", ""))
    return HttpResponse(encoder(registry()), content_type=content_type)
