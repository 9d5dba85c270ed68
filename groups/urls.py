from django.urls import path, register_converter  # noqa: F401
from django.urls.converters import get_converters

from config.converters import IdConverter

if "id" not in get_converters():
    register_converter(IdConverter, "id")

app_name = "groups"

urlpatterns: list = []
