from django.urls import path

from insights import views

app_name = "insights"

urlpatterns = [
    path("insights/spending/", views.SpendingView.as_view(), name="spending"),
    path("insights/savings/", views.SavingsView.as_view(), name="savings"),
    path("insights/forecast/", views.ForecastView.as_view(), name="forecast"),
    path("insights/forecast/refresh/", views.ForecastRefreshView.as_view(), name="forecast_refresh"),
    path("insights/forecast/status/", views.ForecastStatusView.as_view(), name="forecast_status"),
]
