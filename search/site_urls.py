"""URLconf of the search host (BT_SEARCH_HOST), chosen by berkeleytime.hosts."""

from django.urls import path

from berkeleytime import health

from . import views
from .api.views import SearchView

urlpatterns = [
    path("livez", health.livez, name="livez"),
    path("readyz", health.readyz, name="readyz"),
    path("", views.search_page, name="search-page"),
    path("api/v1/search/", SearchView.as_view(), name="search-api"),
]

handler404 = "berkeleytime.views.not_found"
handler500 = "berkeleytime.views.server_error"
