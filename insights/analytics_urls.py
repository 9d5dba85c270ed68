"""Page routes for spending and savings analytics, spliced into insights/urls.py (app_name "insights")."""

from django.urls import path

from insights import analytics_views

urlpatterns = [
    path("insights/spending/", analytics_views.SpendingView.as_view(), name="spending"),
    path("insights/savings/", analytics_views.SavingsView.as_view(), name="savings"),
]
