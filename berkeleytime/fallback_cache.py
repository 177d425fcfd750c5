"""A django-redis cache that keeps counting in this process's memory while Redis is down.

The normal cache ignores Redis errors (a miss costs a query). Rate-limit counters
cannot: every miss would forget a client's requests and lift the limit. This
backend is the normal django-redis backend with its errors raised, caught here,
and the same call made on a per-process LocMemCache instead: during an outage
each process counts on its own, so a client gets at most one limit per process.
"""

from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

OUTAGE = (ConnectionInterrupted, RedisError, OSError)


class RedisCacheWithLocalFallback(RedisCache):
    def __init__(self, server, params):
        options = {**params.get("OPTIONS", {}), "IGNORE_EXCEPTIONS": False}
        super().__init__(server, {**params, "OPTIONS": options})
        self.fallback = LocMemCache(
            f"fallback:{server}",
            {"TIMEOUT": params.get("TIMEOUT", 300), "KEY_PREFIX": params.get("KEY_PREFIX", "")},
        )

    def _either(self, name, *args, **kwargs):
        try:
            return getattr(super(), name)(*args, **kwargs)
        except OUTAGE:
            return getattr(self.fallback, name)(*args, **kwargs)

    def get(self, *args, **kwargs):
        return self._either("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._either("set", *args, **kwargs)

    def add(self, *args, **kwargs):
        return self._either("add", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._either("incr", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._either("delete", *args, **kwargs)

    def clear(self):
        self.fallback.clear()
        return self._either("clear")
