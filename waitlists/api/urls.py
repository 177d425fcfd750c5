from django.urls import path

from .views import WaitlistOddsView

urlpatterns = [
    path("waitlist-odds/<str:subject>/<str:number>/", WaitlistOddsView.as_view(), name="waitlist-odds"),
]
