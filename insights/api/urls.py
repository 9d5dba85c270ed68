"""Insights API routes under /api/v1/: spending and savings analytics, and forecasts."""

from django.urls import path

from insights.api import views

urlpatterns = [
    path("insights/spending/categories/", views.SpendingCategoriesView.as_view(), name="insights-spending-categories"),
    path("insights/spending/merchants/", views.SpendingMerchantsView.as_view(), name="insights-spending-merchants"),
    path("insights/spending/month-over-month/", views.SpendingMonthOverMonthView.as_view(),
         name="insights-spending-month-over-month"),
    path("insights/spending/weekdays/", views.SpendingWeekdaysView.as_view(), name="insights-spending-weekdays"),
    path("insights/spending/calendar/", views.SpendingCalendarView.as_view(), name="insights-spending-calendar"),
    path("insights/savings/history/", views.SavingsHistoryView.as_view(), name="insights-savings-history"),
    path("insights/savings/projection/", views.SavingsProjectionView.as_view(), name="insights-savings-projection"),
    path("insights/forecast/", views.ForecastListView.as_view(), name="insights-forecast-list"),
    path("insights/forecast/refresh/", views.ForecastRefreshView.as_view(), name="insights-forecast-refresh"),
]
