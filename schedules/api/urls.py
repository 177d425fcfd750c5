from django.urls import path

from .views import GenerateView, ScheduleDetailView, ScheduleListView, SharedScheduleView

urlpatterns = [
    path("schedules/", ScheduleListView.as_view(), name="schedules"),
    path("schedules/generate/", GenerateView.as_view(), name="schedules-generate"),
    path("schedules/shared/<str:token>/", SharedScheduleView.as_view(), name="schedules-shared"),
    path("schedules/<int:schedule_id>/", ScheduleDetailView.as_view(), name="schedule-detail"),
]
