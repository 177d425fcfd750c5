from django.urls import path

from . import views

urlpatterns = [
    path("grades/", views.grades_page, name="grades"),
    path("instructors/", views.instructors_page, name="instructors"),
    path("instructors/<slug:slug>/", views.instructor_page, name="instructor"),
]
