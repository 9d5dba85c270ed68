from django.urls import path

from insights.api import forecasts

urlpatterns = [
    path("insights/forecast/", forecasts.ForecastListView.as_view(), name="insights-forecast-list"),
    path("insights/forecast/refresh/", forecasts.ForecastRefreshView.as_view(), name="insights-forecast-refresh"),
]
