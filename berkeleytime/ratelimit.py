"""Per-client rate limits on the API (/api/ on every host), with DRF's throttles.

Applied as middleware rather than per view, so that answers served from the
response cache (berkeleytime.caching) count too. Each scope of
settings.API_RATE_LIMITS ("burst", "sustained") is a DRF rate such as
"120/min"; a client over any of them gets 429 with Retry-After and a JSON body.
Counts live in the "ratelimit" cache (Redis, shared by every process, or this
process's memory while Redis is down), keyed by berkeleytime.clients.client_ip.
"""

import math

from django.conf import settings
from django.core.cache import caches
from django.http import JsonResponse
from rest_framework.throttling import SimpleRateThrottle

from .clients import client_ip


class ClientRateThrottle(SimpleRateThrottle):
    """One of settings.API_RATE_LIMITS, counted per client address."""

    def __init__(self, scope: str):
        self.scope = scope
        super().__init__()

    @property
    def cache(self):
        return caches["ratelimit"]

    def get_rate(self) -> str | None:
        if not settings.API_RATE_LIMITS_ENABLED:
            return None
        return settings.API_RATE_LIMITS.get(self.scope)

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}


class ApiRateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/") and settings.API_RATE_LIMITS_ENABLED:
            refused = []
            for scope in settings.API_RATE_LIMITS:
                throttle = ClientRateThrottle(scope)
                if not throttle.allow_request(request, None):
                    refused.append((throttle.wait() or 1, scope, throttle.rate))
            if refused:
                wait, scope, rate = max(refused)
                seconds = max(1, math.ceil(wait))
                response = JsonResponse(
                    {
                        "detail": f"Too many requests: the {scope} limit is {rate} per client. Retry in {seconds} s.",
                        "limit": scope,
                        "rate": rate,
                        "retry_after": seconds,
                    },
                    status=429,
                )
                response["Retry-After"] = str(seconds)
                return response
        return self.get_response(request)
