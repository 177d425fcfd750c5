from django.urls import path

from . import views

urlpatterns = [
    path("", views.home_page, name="home"),
    path("catalog/", views.catalog_page, name="catalog"),
    path("courses/<str:subject>/<str:number>/", views.course_page, name="course"),
]
