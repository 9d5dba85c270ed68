"""Analytics API routes under /api/v1/insights/, spliced into insights/api/urls.py."""

from django.urls import path

from insights.api import analytics as views

urlpatterns = [
    path("insights/spending/categories/", views.SpendingCategoriesView.as_view(), name="insights-spending-categories"),
    path("insights/spending/merchants/", views.SpendingMerchantsView.as_view(), name="insights-spending-merchants"),
    path("insights/spending/month-over-month/", views.SpendingMonthOverMonthView.as_view(),
         name="insights-spending-month-over-month"),
    path("insights/spending/weekdays/", views.SpendingWeekdaysView.as_view(), name="insights-spending-weekdays"),
    path("insights/spending/calendar/", views.SpendingCalendarView.as_view(), name="insights-spending-calendar"),
    path("insights/savings/history/", views.SavingsHistoryView.as_view(), name="insights-savings-history"),
    path("insights/savings/projection/", views.SavingsProjectionView.as_view(), name="insights-savings-projection"),
]
