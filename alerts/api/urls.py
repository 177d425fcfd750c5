from django.urls import path

from . import views

urlpatterns = [
    path("", views.FollowsView.as_view(), name="me-alerts"),
    path("<int:follow_id>/", views.FollowView.as_view(), name="me-alert"),
]
