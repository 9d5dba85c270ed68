"""Insights API routes under /api/v1/: spending and savings analytics, and forecasts."""

from insights.api import analytics_urls, forecast_urls

urlpatterns = [*analytics_urls.urlpatterns, *forecast_urls.urlpatterns]
