"""Circuit breakers for the services the site can do without: Redis (the cache) and Elasticsearch (search).

Each process keeps one breaker per service (pybreaker). The first failure (a
refused connection, a timeout) opens it: for REDIS_BREAKER_SECONDS or
ELASTICSEARCH_BREAKER_SECONDS the process does not ask that service at all and
takes the failure path at once (a cache miss, a write dropped; postgres
answers the search). After the pause one call tries again (half-open): success
closes the breaker, failure opens it for another pause. So a hung Redis costs
each process one socket timeout per pause, not one per cache call.

Every Redis command goes through ``Redis`` below, the client class django-redis
builds (settings.CACHES ``REDIS_CLIENT_CLASS``): the cache, pipelines, and
``get_redis_connection()``. Search has its own breaker (search.selectors).
Opening and closing are logged once each, and ``berkeleytime_circuit_open``
shows how many processes skip a service right now.

While a breaker is closed, calls run outside its lock, so a worker's threads
do not wait for each other; open or half-open, pybreaker serializes them, so
only one trial call goes out after a pause.
"""

from __future__ import annotations

import logging

import pybreaker
import redis
from django.conf import settings
from prometheus_client import Counter, Gauge
from redis.client import Pipeline

logger = logging.getLogger(__name__)

CircuitBreakerError = pybreaker.CircuitBreakerError

OPEN = Gauge(
    "berkeleytime_circuit_open",
    "Processes that skip a service right now because it failed moments ago, by service.",
    ["service"],
    multiprocess_mode="livesum",
)
OPENED = Counter(
    "berkeleytime_circuit_opened_total",
    "Times a process stopped asking a service after a failure, by service.",
    ["service"],
)


_registered: dict[str, Breaker] = {}


def registered() -> dict[str, Breaker]:
    """Every breaker made in this process so far, by service."""
    return dict(_registered)


class _Transitions(pybreaker.CircuitBreakerListener):
    """Logs each change of state once, with the failure that opened the breaker, and keeps the metrics."""

    def __init__(self) -> None:
        self.last_failure: BaseException | None = None

    def failure(self, cb: pybreaker.CircuitBreaker, exc: BaseException) -> None:
        self.last_failure = exc

    def state_change(self, cb, old_state, new_state) -> None:
        old = old_state.name if old_state else None
        label = cb.label
        if new_state.name == pybreaker.STATE_OPEN:
            OPEN.labels(cb.name).set(1)
            OPENED.labels(cb.name).inc()
            failure = f"{type(self.last_failure).__name__}: {self.last_failure}"[:200]
            if old == pybreaker.STATE_HALF_OPEN:
                logger.info("%s still failing (%s); skipped for another %s s", label, failure, cb.reset_timeout)
            else:
                logger.warning("%s failed (%s); this process skips it for %s s", label, failure, cb.reset_timeout)
        elif new_state.name == pybreaker.STATE_CLOSED and old == pybreaker.STATE_HALF_OPEN:
            OPEN.labels(cb.name).set(0)
            logger.warning("%s answers again; this process uses it again", label)


class Breaker(pybreaker.CircuitBreaker):
    """A breaker that opens at the first failure; its pause is read from ``setting`` at each use."""

    def __init__(self, service: str, label: str, setting: str, failures: tuple[type[BaseException], ...]):
        super().__init__(
            fail_max=1,
            name=service,
            listeners=[_Transitions()],
            # Only an outage opens it: any other error means the service answered.
            exclude=[lambda exc: not isinstance(exc, failures)],
            # The caller sees the error itself (its failure path already handles it); later calls
            # see CircuitBreakerError until the pause is over.
            throw_new_error_on_trip=False,
        )
        self.label, self.setting = label, setting
        OPEN.labels(service).set(0)
        _registered[service] = self

    @property
    def reset_timeout(self) -> float:
        return float(getattr(settings, self.setting))

    @reset_timeout.setter
    def reset_timeout(self, timeout: float) -> None:
        raise AttributeError(f"the pause comes from settings.{self.setting}")

    def call(self, func, *args, **kwargs):
        # Closed, the usual case: the call runs outside the breaker's lock, so a process's threads
        # do not queue behind each other's commands and searches; only a failure takes the lock.
        # Open and half-open go through pybreaker as they are (one trial call at a time).
        if self.current_state != pybreaker.STATE_CLOSED:
            return super().call(func, *args, **kwargs)
        try:
            return func(*args, **kwargs)
        except BaseException as exc:
            if self.is_system_error(exc):
                with self._lock:
                    if self.current_state == pybreaker.STATE_CLOSED:
                        self.state._handle_error(exc)  # opens it, then raises exc
            raise

    @property
    def is_open(self) -> bool:
        """The service failed less than the pause ago (the next call would be skipped)."""
        return self.current_state == pybreaker.STATE_OPEN

    def reset(self) -> None:
        """Closed again, as at start (tests use it between cases)."""
        if self.current_state != pybreaker.STATE_CLOSED:
            self.close()
        OPEN.labels(self.name).set(0)


REDIS = Breaker("redis", "Redis", "REDIS_BREAKER_SECONDS", (redis.ConnectionError, redis.TimeoutError))


class CircuitOpen(redis.ConnectionError):
    """Redis failed moments ago: this command was not sent. django-redis reads it as the outage it is
    (with IGNORE_EXCEPTIONS: a cache miss, a write dropped)."""


def _guarded(call, *args, **kwargs):
    try:
        return REDIS.call(call, *args, **kwargs)
    except CircuitBreakerError as exc:
        raise CircuitOpen(f"Redis skipped for {REDIS.reset_timeout:g} s after a failure") from exc


class GuardedPipeline(Pipeline):
    def execute(self, raise_on_error: bool = True):
        return _guarded(super().execute, raise_on_error)


class Redis(redis.Redis):
    """The redis-py client with every command and pipeline behind the Redis breaker."""

    def execute_command(self, *args, **options):
        return _guarded(super().execute_command, *args, **options)

    def pipeline(self, transaction: bool = True, shard_hint=None) -> GuardedPipeline:
        return GuardedPipeline(self.connection_pool, self.response_callbacks, transaction, shard_hint)
