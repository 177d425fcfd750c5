"""URLconf of the dashboard host (BT_DASHBOARD_HOST), chosen by berkeleytime.hosts.

The Django admin lives here only: the public main and search hosts answer 404 for /admin/.
"""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from berkeleytime import health

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("deploys/", views.deploy, name="deploy"),
    path("deploys/<int:pk>/", views.run_detail, name="run"),
    path("deploys/<int:pk>/log", views.run_log, name="run-log"),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="dashboard/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("admin/", admin.site.urls),
    path("logout/", auth_views.LogoutView.as_view(next_page="login"), name="logout"),
    path("livez", health.livez, name="livez"),
    path("readyz", health.readyz, name="readyz"),
]

handler403 = "dashboard.views.forbidden"
handler404 = "berkeleytime.views.not_found"
handler500 = "berkeleytime.views.server_error"
