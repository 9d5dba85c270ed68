from django.urls import path, register_converter
from django.urls.converters import get_converters

from config.converters import IdConverter

if "id" not in get_converters():
    register_converter(IdConverter, "id")

from insights import analytics_urls, forecast_urls, views  # noqa: E402 - after the converter they use

app_name = "insights"

urlpatterns = [
    path("staff/jobs/", views.JobRunListView.as_view(), name="jobs"),
    *analytics_urls.urlpatterns,
    *forecast_urls.urlpatterns,
]
