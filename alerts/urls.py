from django.urls import path

from . import views

urlpatterns = [
    path("alerts/", views.alerts_page, name="alerts"),
    path("alerts/follow/", views.follow, name="alerts-follow"),
    path("alerts/<int:follow_id>/", views.change, name="alerts-change"),
    path("alerts/<int:follow_id>/stop/", views.stop, name="alerts-stop"),
    path("alerts/<int:follow_id>/resume/", views.resume, name="alerts-resume"),
    path("alerts/<int:follow_id>/delete/", views.delete, name="alerts-delete"),
    path("alerts/unsubscribe/<str:token>/", views.unsubscribe, name="alerts-unsubscribe"),
]
