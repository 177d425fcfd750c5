from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView
from rest_framework.routers import SimpleRouter

from catalog import views as catalog_views
from catalog.api.views import CourseDetailView, CourseViewSet, SubjectViewSet, TermViewSet

from . import health

router = SimpleRouter(trailing_slash=True)
router.register("courses", CourseViewSet, basename="course")
router.register("subjects", SubjectViewSet, basename="subject")
router.register("terms", TermViewSet, basename="term")

api_v1 = [
    path("courses/<str:subject>/<str:number>/", CourseDetailView.as_view(), name="course-detail"),
    *router.urls,
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularRedocView.as_view(url_name="v1:schema"), name="api-docs"),
]

urlpatterns = [
    path("livez", health.livez, name="livez"),
    path("readyz", health.readyz, name="readyz"),
    path("api/v1/", include((api_v1, "api"), namespace="v1")),
    path("admin/", admin.site.urls),
    path("", catalog_views.catalog_page, name="catalog"),
    path("courses/<str:subject>/<str:number>/", catalog_views.course_page, name="course"),
]

handler404 = "berkeleytime.views.not_found"
handler500 = "berkeleytime.views.server_error"
