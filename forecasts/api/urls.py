from django.urls import path

from .views import ForecastView

urlpatterns = [
    path("forecasts/<str:subject>/<str:number>/", ForecastView.as_view(), name="forecast-detail"),
]
