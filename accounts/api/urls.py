from django.urls import path

from . import views

urlpatterns = [
    path("", views.ProfileView.as_view(), name="me"),
    path("lists/", views.ListsView.as_view(), name="me-lists"),
    path("lists/<int:list_id>/", views.ListView.as_view(), name="me-list"),
    path("lists/<int:list_id>/courses/", views.ListCoursesView.as_view(), name="me-list-courses"),
    path(
        "lists/<int:list_id>/courses/<str:subject>/<str:number>/",
        views.ListCourseView.as_view(),
        name="me-list-course",
    ),
    path("export/", views.ExportView.as_view(), name="me-export"),
    path("delete/", views.DeleteAccountView.as_view(), name="me-delete"),
]
