"""search(): the one entry point. Picks the backend, and falls back to postgres when Elasticsearch cannot answer.

A student never sees an error because the search cluster is down: an error, a
missing index or a reply over the time budget is answered by the postgres
backend, logged, and counted in bt_search_fallbacks_total{reason}. After a
failure the process's circuit breaker (berkeleytime.breakers) leaves
Elasticsearch alone for ELASTICSEARCH_BREAKER_SECONDS, then lets one search try
it again, so a dead or hung cluster does not cost every query the time budget.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings

from berkeleytime.breakers import Breaker, CircuitBreakerError

from . import metrics
from .backends import Backend, BackendUnavailable, Results
from .backends.postgres import PostgresBackend
from .query import Query, parse

logger = logging.getLogger(__name__)

DEFAULT_LIMIT = 10
MAX_LIMIT = 50

postgres = PostgresBackend()
breaker = Breaker("elasticsearch", "Elasticsearch", "ELASTICSEARCH_BREAKER_SECONDS", (BackendUnavailable,))


def configured_backend() -> str:
    return "elasticsearch" if settings.ELASTICSEARCH_URL else "postgres"


def _elasticsearch() -> Backend:
    from .backends.elastic import ElasticsearchBackend

    return ElasticsearchBackend()


def search(raw: str | None, limit: int = DEFAULT_LIMIT) -> Results:
    """Courses for what a student typed, best first. Raises query.InvalidQuery for an unusable query."""
    query = parse(raw)
    if query.is_empty:
        return Results(query=query.text, backend=configured_backend())
    if configured_backend() == "elasticsearch":
        started = time.perf_counter()
        try:
            hits = breaker.call(_elasticsearch().search, query, limit)
        except CircuitBreakerError:
            detail = f"Elasticsearch failed less than {breaker.reset_timeout:g} s ago"
            return _fallback(query, limit, "circuit_open", detail)
        except BackendUnavailable as exc:
            return _fallback(query, limit, exc.reason, str(exc))
        return _answered("elasticsearch", query, hits, started)
    started = time.perf_counter()
    return _answered("postgres", query, postgres.search(query, limit), started)


def _answered(backend: str, query: Query, hits, started: float) -> Results:
    metrics.REQUESTS.labels(backend=backend).inc()
    metrics.DURATION.labels(backend=backend).observe(time.perf_counter() - started)
    return Results(query=query.text, backend=backend, hits=hits)


def _fallback(query: Query, limit: int, reason: str, detail: str) -> Results:
    if reason != "circuit_open":
        logger.warning("search: Elasticsearch could not answer (%s); postgres answers instead: %s", reason, detail)
    metrics.FALLBACKS.labels(reason=reason).inc()
    started = time.perf_counter()
    return _answered("postgres", query, postgres.search(query, limit), started)
