from django.urls import path

from insights import forecast_views

urlpatterns = [
    path("insights/forecast/", forecast_views.ForecastView.as_view(), name="forecast"),
    path("insights/forecast/refresh/", forecast_views.ForecastRefreshView.as_view(), name="forecast_refresh"),
]
