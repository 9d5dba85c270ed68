"""The one API router: every app registers its viewsets and views here, under /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from accounts.api import views as accounts_api
from budgets.api import urls as budgets_api_urls
from groups.api import urls as groups_api_urls
from imports.api import urls as imports_api_urls
from insights.api import urls as insights_api_urls
from mlcore.api import urls as mlcore_api_urls
from notifications.api import urls as notifications_api_urls
from payments.api import urls as payments_api_urls
from transactions.api import rules as rules_api
from transactions.api import views as transactions_api

app_name = "api"

router = DefaultRouter()
router.register("accounts", transactions_api.AccountViewSet, basename="account")
router.register("categories", transactions_api.CategoryViewSet, basename="category")
router.register("transactions", transactions_api.TransactionViewSet, basename="transaction")
router.register("rules", rules_api.RuleViewSet, basename="rule")

urlpatterns = [
    path("auth/signup/", accounts_api.SignupView.as_view(), name="auth-signup"),
    path("auth/token/", accounts_api.TokenObtainView.as_view(), name="auth-token"),
    path("auth/token/refresh/", accounts_api.TokenRefreshView.as_view(), name="auth-token-refresh"),
    path("auth/logout/", accounts_api.LogoutView.as_view(), name="auth-logout"),
    path("auth/password/change/", accounts_api.PasswordChangeView.as_view(), name="auth-password-change"),
    path("auth/password/reset/", accounts_api.PasswordResetView.as_view(), name="auth-password-reset"),
    path("auth/password/reset/confirm/", accounts_api.PasswordResetConfirmView.as_view(),
         name="auth-password-reset-confirm"),
    path("me/", accounts_api.MeView.as_view(), name="me"),
    path("me/avatar/", accounts_api.AvatarView.as_view(), name="me-avatar"),
    # Before the router, whose transactions/<pk>.<format> route would read this as pk "export", format "csv".
    path("transactions/export.csv", transactions_api.TransactionExportView.as_view(), name="transaction-export"),
    path("currency/convert/", transactions_api.CurrencyConvertView.as_view(), name="currency-convert"),
    # Each app keeps its own routes (bills, notifications, jobs) in <app>/api/urls.py.
    *payments_api_urls.urlpatterns,
    *notifications_api_urls.urlpatterns,
    *insights_api_urls.urlpatterns,
    *budgets_api_urls.urlpatterns,
    *groups_api_urls.urlpatterns,
    *mlcore_api_urls.urlpatterns,
    *imports_api_urls.urlpatterns,
    *router.urls,
]
