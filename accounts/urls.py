from django.urls import path

from accounts import two_factor_views, views

app_name = "accounts"

urlpatterns = [
    path("signup/", views.SignupView.as_view(), name="signup"),
    path("signup/sent/", views.SignupSentView.as_view(), name="signup_sent"),
    path("signup/confirm/<str:token>/", views.SignupConfirmView.as_view(), name="signup_confirm"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("login/code/", two_factor_views.LoginTwoFactorView.as_view(), name="login_two_factor"),
    path("login/passkey/begin/", two_factor_views.LoginPasskeyBeginView.as_view(), name="login_passkey_begin"),
    path("login/passkey/complete/", two_factor_views.LoginPasskeyCompleteView.as_view(),
         name="login_passkey_complete"),
    path("two-factor/", two_factor_views.TwoFactorView.as_view(), name="two_factor"),
    path("two-factor/app/", two_factor_views.TotpSetupView.as_view(), name="two_factor_totp"),
    path("two-factor/codes/", two_factor_views.RecoveryCodesView.as_view(), name="two_factor_codes"),
    path("two-factor/remove/", two_factor_views.TwoFactorRemoveView.as_view(), name="two_factor_remove"),
    path("two-factor/passkeys/begin/", two_factor_views.PasskeyRegisterBeginView.as_view(),
         name="passkey_register_begin"),
    path("two-factor/passkeys/complete/", two_factor_views.PasskeyRegisterCompleteView.as_view(),
         name="passkey_register_complete"),
    path("sessions/end/", two_factor_views.SessionsEndView.as_view(), name="sessions_end_all"),
    path("sessions/end/<str:token>/", two_factor_views.SessionsEndLinkView.as_view(), name="sessions_end"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("profile/financial/", views.FinancialProfileView.as_view(), name="financial_profile"),
    path("profile/financial/preview/", views.FinancialProfilePreviewView.as_view(), name="financial_profile_preview"),
    path("profile/avatar/", views.AvatarView.as_view(), name="avatar"),
]
