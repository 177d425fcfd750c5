"""Probes: /livez says the process answers; /readyz says it can serve traffic (the database answers)."""

import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from . import breakers

logger = logging.getLogger(__name__)


@never_cache
def livez(request):
    return JsonResponse({"status": "ok"})


def _check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means not ready
        return f"{type(exc).__name__}: {exc}".strip()[:200]
    return None


def _check_redis() -> str:
    """Informational: "ok", or why the cache is missing (no request fails for it)."""
    if not settings.REDIS_URL:
        return "not configured"
    try:
        from django_redis import get_redis_connection

        # Through the breaker: while it is open this answers at once.
        get_redis_connection("default").ping()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}".strip()[:200]
    return "ok"


def _check_elasticsearch() -> str:
    """Informational: whether this process's searches skip Elasticsearch after a failure; no request to
    the cluster (postgres answers searches without it)."""
    if not settings.ELASTICSEARCH_URL:
        return "not configured"
    breaker = breakers.registered().get("elasticsearch")
    return "failing: postgres answers searches" if breaker and breaker.is_open else "ok"


@never_cache
def readyz(request):
    """Ready means able to serve: only the database decides. Redis and Elasticsearch are reported,
    but their outages cost cache hits and search quality, never answers, so they never make it 503."""
    database = _check_database()
    body = {
        "status": "unavailable" if database else "ok",
        "checks": {"database": database or "ok"},
        "informational": {"redis": _check_redis(), "elasticsearch": _check_elasticsearch()},
    }
    if database:
        logger.warning("readiness check failed: database: %s", database)
    return JsonResponse(body, status=503 if database else 200)
