"""Whole-response caching for read-only API views and for pages that read the same for everybody.

Two levels: a small in-process LRU of ready JSON bytes in front of the shared
Redis cache. Keys embed the data generation, which every importer and sync
bumps after it commits, so an import invalidates every cached read at once
without scanning keys. The generation is one row in the database, which every
process sees (with no Redis, as under `make run`, each process has its own
cache); each process re-reads it at most once per GENERATION_TTL seconds, so
other processes see an import within that delay. A cache outage only costs
hits: django-redis ignores connection errors.
"""

import functools
import hashlib
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpResponse

CACHE_SECONDS = 3600
GENERATION_TTL = 1.0
LOCAL_ENTRIES = 512

_lock = threading.Lock()
_generation: tuple[int, float] | None = None  # (generation, monotonic time it was read)
_local: OrderedDict[str, bytes] = OrderedDict()
_local_data: OrderedDict[str, object] = OrderedDict()  # cached_data's values, kept by this process too


def bump_data_generation() -> None:
    """Invalidate every cached read at once: their keys embed the generation.
    Every importer and sync calls this after it commits."""
    global _generation
    from .models import DataGeneration

    value = time.time_ns()
    DataGeneration.objects.update_or_create(pk=1, defaults={"value": value})
    _generation = (value, time.monotonic())


def data_generation() -> int:
    """The current generation, read from the database at most once per GENERATION_TTL
    seconds per process; during a database outage the last one read."""
    global _generation
    now = time.monotonic()
    if _generation is not None and now - _generation[1] < GENERATION_TTL:
        return _generation[0]
    from .models import DataGeneration

    try:
        value = DataGeneration.objects.filter(pk=1).values_list("value", flat=True).first() or 0
    except DatabaseError:
        value = _generation[0] if _generation is not None else 0
    _generation = (value, now)
    return value


def cached_data(name: str, compute, seconds: int = CACHE_SECONDS):
    """``compute()``'s value, kept in this process and in the shared cache until the data
    changes (the key embeds the data generation). For reads many pages share, such as the
    catalog's term list; callers must not change the value they get."""
    key = f"data:{name}:{data_generation()}"
    with _lock:
        value = _local_data.get(key)
    if value is not None:
        return value
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    with _lock:
        _local_data[key] = value
        _local_data.move_to_end(key)
        while len(_local_data) > LOCAL_ENTRIES:
            _local_data.popitem(last=False)
    return value


def reset_local_cache() -> None:
    """Forget this process's copies (tests use it between cases)."""
    global _generation
    with _lock:
        _local.clear()
        _local_data.clear()
        _generation = None


def _local_get(key: str) -> bytes | None:
    with _lock:
        content = _local.get(key)
        if content is not None:
            _local.move_to_end(key)
        return content


def _local_set(key: str, content: bytes) -> None:
    with _lock:
        _local[key] = content
        _local.move_to_end(key)
        while len(_local) > LOCAL_ENTRIES:
            _local.popitem(last=False)


def _wants_html(request) -> bool:
    return request.GET.get("format") == "api" or "text/html" in request.headers.get("Accept", "")


class CachedJSONMixin:
    """For DRF views: serve GETs from the cache as ready JSON bytes, and cache
    successful JSON responses. Browsable-API (HTML) requests pass through."""

    cache_prefix = "api"
    cache_seconds = CACHE_SECONDS

    def dispatch(self, request, *args, **kwargs):
        if request.method != "GET" or _wants_html(request) or not settings.API_RESPONSE_CACHE:
            return super().dispatch(request, *args, **kwargs)
        query = "&".join(sorted(request.GET.urlencode().split("&")))
        digest = hashlib.blake2s(f"{request.path}?{query}".encode(), digest_size=16).hexdigest()
        key = f"api:{self.cache_prefix}:{data_generation()}:{digest}"
        content = _local_get(key)
        if content is None:
            content = cache.get(key)
            if content is not None:
                _local_set(key, content)
        if content is not None:
            response = HttpResponse(content, content_type="application/json")
            response["X-Cache"] = "hit"
            return response
        response = super().dispatch(request, *args, **kwargs)
        if response.status_code == 200 and getattr(response, "accepted_media_type", "").startswith("application/json"):
            response.render()
            cache.set(key, response.content, self.cache_seconds)
            _local_set(key, response.content)
            response["X-Cache"] = "miss"
        return response


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def cached_page(view):
    """For HTML pages that read the same for everybody signed out (no form that posts):
    serve GETs from the cache as ready bytes, and cache successful pages, until the data
    changes. Keys are the host, path and query, its parameters in any order. A signed-in
    student's page (their account links, Save buttons and CSRF token) is never cached."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or not settings.PAGE_CACHE or _signed_in(request):
            return view(request, *args, **kwargs)
        # The raw query (parsing it costs more than the rest of a hit), and the Host header that
        # CommonMiddleware has already checked against ALLOWED_HOSTS.
        query = "&".join(sorted(request.META.get("QUERY_STRING", "").split("&")))
        where = f"{request.META.get('HTTP_HOST', '')}{request.path}?{query}"
        key = f"page:{data_generation()}:{hashlib.blake2s(where.encode(), digest_size=16).hexdigest()}"
        content = _local_get(key)
        if content is None:
            content = cache.get(key)
            if content is not None:
                _local_set(key, content)
        if content is not None:
            response = HttpResponse(content, content_type="text/html; charset=utf-8")
            response["X-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            if hasattr(response, "render"):
                response.render()
            cache.set(key, response.content, CACHE_SECONDS)
            _local_set(key, response.content)
            response["X-Cache"] = "miss"
        return response

    return wrapper
