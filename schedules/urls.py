from django.urls import path

from . import views

urlpatterns = [
    path("schedules/", views.schedules_page, name="schedules"),
    path("schedules/plan/<slug:term>/", views.plan_page, name="schedule-plan"),
    path("schedules/plan/<slug:term>/generate/", views.generate_page, name="schedule-generate"),
    path("schedules/plan/<slug:term>/calendar.ics", views.plan_ics, name="schedule-plan-ics"),
    path("schedules/save/", views.save_schedule, name="schedule-save"),
    path("schedules/<int:schedule_id>/", views.schedule_page, name="schedule"),
    path("schedules/<int:schedule_id>/delete/", views.delete_schedule, name="schedule-delete"),
    path("schedules/<int:schedule_id>/calendar.ics", views.schedule_ics, name="schedule-ics"),
    path("schedules/shared/<str:token>/", views.shared_page, name="schedule-shared"),
    path("schedules/feed/<str:token>.ics", views.feed, name="schedule-feed"),
]
