"""URLconf of the dashboard host (BT_DASHBOARD_HOST), chosen by berkeleytime.hosts."""

from django.urls import path

from berkeleytime import health

urlpatterns = [
    path("livez", health.livez, name="livez"),
    path("readyz", health.readyz, name="readyz"),
]

handler404 = "berkeleytime.views.not_found"
handler500 = "berkeleytime.views.server_error"
