"""This app's API routes, included by config/api_router.py under /api/v1/ before the ledger's, whose
transactions/<pk>/ route would otherwise take "parse" for an id."""

from django.urls import path

from entries.api import views

urlpatterns = [
    path("transactions/parse/", views.ParseView.as_view(), name="transaction-parse"),
]
