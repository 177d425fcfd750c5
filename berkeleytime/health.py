"""Probes: /livez says the process answers; /readyz says it can serve traffic."""

import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

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


def _check_redis() -> str | None:
    if not settings.REDIS_URL:
        return None
    try:
        from django_redis import get_redis_connection

        get_redis_connection("default").ping()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}".strip()[:200]
    return None


@never_cache
def readyz(request):
    checks = {"database": _check_database(), "redis": _check_redis() if settings.REDIS_URL else "not configured"}
    failed = {name: error for name, error in checks.items() if error and error != "not configured"}
    body = {
        "status": "unavailable" if failed else "ok",
        "checks": {name: (error if error else "ok") for name, error in checks.items()},
    }
    if failed:
        logger.warning("readiness check failed: %s", failed)
    return JsonResponse(body, status=503 if failed else 200)
