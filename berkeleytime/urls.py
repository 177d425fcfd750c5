"""One URLconf: probes, /metrics, the versioned API (each app's api/urls.py) and each app's pages.

The Django admin is served on the dashboard host only (dashboard.site_urls).
"""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from . import health, metrics

api_v1 = [
    path("", include("catalog.api.urls")),
    path("", include("grades.api.urls")),
    path("", include("enrollment.api.urls")),
    path("", include("search.api.urls")),
    path("me/", include("accounts.api.urls")),
    path("", include("schedules.api.urls")),
    path("", include("waitlists.api.urls")),
    path("me/alerts/", include("alerts.api.urls")),
    path("", include("forecasts.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Redoc writes <style> elements at run time and renders in a blob: worker.
    path(
        "docs/",
        csp_update({"style-src": [UNSAFE_INLINE], "worker-src": ["blob:"]})(
            SpectacularRedocView.as_view(url_name="v1:schema")
        ),
        name="api-docs",
    ),
]

urlpatterns = [
    path("livez", health.livez, name="livez"),
    path("readyz", health.readyz, name="readyz"),
    # For Prometheus on the pod only: refused to anything that came through the ingress.
    path("metrics", metrics.metrics_view, name="metrics"),
    path("api/v1/", include((api_v1, "api"), namespace="v1")),
    path("", include("accounts.urls")),
    path("", include("grades.urls")),
    path("", include("enrollment.urls")),
    path("", include("schedules.urls")),
    path("", include("alerts.urls")),
    path("", include("catalog.urls")),
]

handler404 = "berkeleytime.views.not_found"
handler500 = "berkeleytime.views.server_error"
