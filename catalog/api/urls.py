from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import CourseDetailView, CourseViewSet, SubjectViewSet, TermViewSet

router = SimpleRouter(trailing_slash=True)
router.register("courses", CourseViewSet, basename="course")
router.register("subjects", SubjectViewSet, basename="subject")
router.register("terms", TermViewSet, basename="term")

urlpatterns = [
    path("courses/<str:subject>/<str:number>/", CourseDetailView.as_view(), name="course-detail"),
    *router.urls,
]
