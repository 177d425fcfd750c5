"""Whole-response caching for read-only API views.

Keys embed the catalog generation, which every import bumps, so an import
invalidates every cached read at once without scanning keys. A cache outage
only costs hits: django-redis ignores connection errors.
"""

import hashlib
import time

from django.core.cache import cache
from django.http import HttpResponse

CACHE_SECONDS = 3600
DATA_GENERATION_KEY = "data:generation"


def bump_data_generation() -> None:
    """Invalidate every cached read at once: their keys embed the generation.
    Every importer calls this after it commits."""
    cache.set(DATA_GENERATION_KEY, time.time_ns(), timeout=None)


def data_generation() -> int:
    return cache.get_or_set(DATA_GENERATION_KEY, time.time_ns, timeout=None) or 0


def _wants_html(request) -> bool:
    return request.GET.get("format") == "api" or "text/html" in request.headers.get("Accept", "")


class CachedJSONMixin:
    """For DRF views: serve GETs from the cache as ready JSON bytes, and cache
    successful JSON responses. Browsable-API (HTML) requests pass through."""

    cache_prefix = "api"
    cache_seconds = CACHE_SECONDS

    def dispatch(self, request, *args, **kwargs):
        if request.method != "GET" or _wants_html(request):
            return super().dispatch(request, *args, **kwargs)
        query = "&".join(sorted(request.GET.urlencode().split("&")))
        digest = hashlib.blake2s(f"{request.path}?{query}".encode(), digest_size=16).hexdigest()
        key = f"api:{self.cache_prefix}:{data_generation()}:{digest}"
        content = cache.get(key)
        if content is not None:
            response = HttpResponse(content, content_type="application/json")
            response["X-Cache"] = "hit"
            return response
        response = super().dispatch(request, *args, **kwargs)
        if response.status_code == 200 and getattr(response, "accepted_media_type", "").startswith("application/json"):
            response.render()
            cache.set(key, response.content, self.cache_seconds)
            response["X-Cache"] = "miss"
        return response
