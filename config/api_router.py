"""The one API router: every app registers its viewsets and views here, under /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from accounts.api import views as accounts_api

app_name = "api"

router = DefaultRouter()

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
    *router.urls,
]
