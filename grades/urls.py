from django.urls import path

from . import views

urlpatterns = [
    path("grades/", views.grades_page, name="grades"),
    path("grades/<str:subject>/<str:number>/instructors/", views.fairness_page, name="grades-fairness"),
    path("instructors/", views.instructors_page, name="instructors"),
    path("instructors/<slug:slug>/", views.instructor_page, name="instructor"),
]
