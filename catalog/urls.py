from django.urls import path

from . import views

urlpatterns = [
    path("", views.catalog_page, name="catalog"),
    path("courses/<str:subject>/<str:number>/", views.course_page, name="course"),
]
