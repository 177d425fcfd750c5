from django.urls import path

from .views import EnrollmentCompareView, EnrollmentTermsView, EnrollmentView

urlpatterns = [
    path("enrollment/compare/", EnrollmentCompareView.as_view(), name="enrollment-compare"),
    path("enrollment/<str:subject>/<str:number>/", EnrollmentView.as_view(), name="enrollment-detail"),
    path("enrollment/<str:subject>/<str:number>/terms/", EnrollmentTermsView.as_view(), name="enrollment-terms"),
]
