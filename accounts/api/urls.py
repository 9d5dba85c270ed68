"""Sign-up, tokens, passwords and the signed-in user's profile, included by config/api_router.py under /api/v1/."""

from django.urls import path

from accounts.api import views

urlpatterns = [
    path("auth/signup/", views.SignupView.as_view(), name="auth-signup"),
    path("auth/signup/confirm/", views.SignupConfirmView.as_view(), name="auth-signup-confirm"),
    path("auth/token/", views.TokenObtainView.as_view(), name="auth-token"),
    path("auth/token/two-factor/", views.TokenTwoFactorView.as_view(), name="auth-token-two-factor"),
    path("auth/token/refresh/", views.TokenRefreshView.as_view(), name="auth-token-refresh"),
    path("auth/logout/", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/password/change/", views.PasswordChangeView.as_view(), name="auth-password-change"),
    path("auth/password/reset/", views.PasswordResetView.as_view(), name="auth-password-reset"),
    path("auth/password/reset/confirm/", views.PasswordResetConfirmView.as_view(),
         name="auth-password-reset-confirm"),
    path("me/", views.MeView.as_view(), name="me"),
    path("me/avatar/", views.AvatarView.as_view(), name="me-avatar"),
]
