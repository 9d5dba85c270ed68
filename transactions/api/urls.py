"""The ledger's API routes, included by config/api_router.py under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from transactions.api import views

router = SimpleRouter()
router.register("accounts", views.AccountViewSet, basename="account")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("transactions/exports", views.TransactionExportJobViewSet, basename="transaction-exports")
router.register("transactions", views.TransactionViewSet, basename="transaction")
router.register("rules", views.RuleViewSet, basename="rule")

urlpatterns = [
    # Before the router, whose transactions/<pk>.<format> route would read this as pk "export", format "csv".
    path("transactions/export.csv", views.TransactionExportView.as_view(), name="transaction-export"),
    path("currency/convert/", views.CurrencyConvertView.as_view(), name="currency-convert"),
    *router.urls,
]
