"""Bills pages (payments/bill_urls.py) and subscription suggestions (payments/suggestion_urls.py)."""

from django.urls import register_converter
from django.urls.converters import get_converters

from config.converters import IdConverter

if "id" not in get_converters():
    register_converter(IdConverter, "id")

from payments import bill_urls, suggestion_urls  # noqa: E402 - after the converter they use

app_name = "payments"

urlpatterns = [*suggestion_urls.urlpatterns, *bill_urls.urlpatterns]
