from django.urls import path

from . import views

urlpatterns = [
    path("grades/compare/", views.CompareView.as_view(), name="grades-compare"),
    path("grades/<str:subject>/<str:number>/", views.DistributionView.as_view(), name="grades-distribution"),
    path("grades/<str:subject>/<str:number>/options/", views.OptionsView.as_view(), name="grades-options"),
    path("grades/<str:subject>/<str:number>/trend/", views.CourseTrendView.as_view(), name="grades-trend"),
    path(
        "grades/<str:subject>/<str:number>/instructors/",
        views.FairComparisonView.as_view(),
        name="grades-fair-instructors",
    ),
    path("instructors/", views.InstructorListView.as_view(), name="instructor-list"),
    path("instructors/<slug:slug>/", views.InstructorDetailView.as_view(), name="instructor-detail"),
]
