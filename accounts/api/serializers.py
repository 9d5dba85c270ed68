from __future__ import annotations

from django.conf import settings
from django.contrib.auth import password_validation
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied
from rest_framework_simplejwt import serializers as jwt_serializers
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.utils import get_md5_hash_password

from accounts import services, two_factor
from accounts.currencies import currency_choices, timezone_choices
from accounts.models import FinancialProfile, RevokedTokenFamily, User
from accounts.tokens import (
    FAMILY_CLAIM,
    REVOKED_MESSAGE,
    RefreshToken,
    blacklisted_refresh_payload,
    family_is_revoked,
    family_new,
    token_pair,
)


class FinancialProfileSerializer(serializers.ModelSerializer):
    preferred_currency = serializers.ChoiceField(choices=currency_choices(), required=False,
                                                 help_text="ISO 4217 code, e.g. EUR.")
    timezone = serializers.ChoiceField(choices=timezone_choices(), required=False, help_text="IANA name, e.g. Europe/Berlin.")

    class Meta:
        model = FinancialProfile
        fields = ["monthly_net_income", "savings_rate_target", "preferred_currency", "timezone"]


class MeSerializer(serializers.ModelSerializer):
    financial_profile = FinancialProfileSerializer(required=False)
    avatar_url = serializers.SerializerMethodField()
    role = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "display_name", "avatar_url", "role", "date_joined", "financial_profile"]
        read_only_fields = ["id", "email", "avatar_url", "role", "date_joined"]

    def get_avatar_url(self, user: User) -> str | None:
        if not user.avatar:
            return None
        request = self.context.get("request")

        url = reverse("api:me-avatar")
        return request.build_absolute_uri(url) if request else url


class SignupSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True, style={"input_type": "password"})
    display_name = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")


class SignupConfirmSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="The last part of the link emailed by sign-up "
                                            "(…/accounts/signup/confirm/<token>/).")


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField(read_only=True)
    refresh = serializers.CharField(read_only=True)


class SignupResponseSerializer(serializers.Serializer):
    user = MeSerializer(read_only=True)
    access = serializers.CharField(read_only=True)
    refresh = serializers.CharField(read_only=True)


class RefreshInputSerializer(serializers.Serializer):
    refresh = serializers.CharField()


class PasswordChangeSerializer(serializers.Serializer):
    old_password = serializers.CharField(write_only=True)
    new_password = serializers.CharField(write_only=True)

    def validate_old_password(self, value: str) -> str:
        if not self.context["request"].user.check_password(value):
            raise serializers.ValidationError("Your current password is not correct.")
        return value

    def validate_new_password(self, value: str) -> str:
        password_validation.validate_password(value, self.context["request"].user)
        return value


class PasswordResetSerializer(serializers.Serializer):
    email = serializers.EmailField()


class PasswordResetConfirmSerializer(serializers.Serializer):
    uid = serializers.CharField()
    token = serializers.CharField()
    new_password = serializers.CharField(write_only=True)


class AvatarUploadSerializer(serializers.Serializer):
    avatar = serializers.FileField(help_text="JPEG, PNG, GIF or WebP; at most 2 MB and 4096 px per side.")


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class TokenRefreshSerializer(jwt_serializers.TokenRefreshSerializer):
    """simplejwt's refresh with rotation, which also refuses a refresh token issued before a password change or
    belonging to an ended sign-in, and treats a rotated-out refresh token used again as theft: the whole
    sign-in (its family, ``accounts.tokens``) is revoked, so the newer refresh token stops working too."""

    token_class = RefreshToken

    default_error_messages = {
        **jwt_serializers.TokenRefreshSerializer.default_error_messages,
        "password_changed": _("The password was changed since this token was issued; log in again."),
        "token_reused": _("This refresh token was already used. To be safe, this sign-in has ended on every "
                          "device that shared it; log in again."),
        "token_revoked": REVOKED_MESSAGE,
    }

    def _revoke(self, payload: dict) -> None:
        if payload.get(FAMILY_CLAIM):
            services.token_family_revoke(family=payload[FAMILY_CLAIM], user_id=payload.get(jwt_settings.USER_ID_CLAIM),
                                         reason=RevokedTokenFamily.Reason.REUSED)

    def validate(self, attrs):
        try:
            refresh = self.token_class(attrs["refresh"])
        except TokenError:
            reused = blacklisted_refresh_payload(attrs["refresh"])
            if reused is None:
                raise
            self._revoke(reused)
            raise AuthenticationFailed(self.error_messages["token_reused"], "token_reused") from None
        if family_is_revoked(refresh.get(FAMILY_CLAIM)):
            raise AuthenticationFailed(self.error_messages["token_revoked"], "token_revoked")
        user_id = refresh.payload.get(jwt_settings.USER_ID_CLAIM)
        user = User.objects.filter(pk=user_id).first() if user_id else None
        if user is None or not jwt_settings.USER_AUTHENTICATION_RULE(user):
            raise AuthenticationFailed(self.error_messages["no_active_account"], "no_active_account")
        claim = refresh.payload.get(jwt_settings.REVOKE_TOKEN_CLAIM)
        if jwt_settings.CHECK_REVOKE_TOKEN and claim != get_md5_hash_password(user.password):
            raise AuthenticationFailed(self.error_messages["password_changed"], "password_changed")
        if FAMILY_CLAIM not in refresh.payload:  # issued before families: this sign-in starts one now
            refresh[FAMILY_CLAIM] = family_new()
        data = {"access": str(refresh.access_token)}
        # Rotation (ROTATE_REFRESH_TOKENS, BLACKLIST_AFTER_ROTATION): the used token is blacklisted, and the new
        # one keeps every claim, the family included.
        _, first_use = refresh.blacklist()
        if not first_use:  # the same token refreshed twice at the same moment: one of the two is not its owner
            self._revoke(refresh.payload)
            raise AuthenticationFailed(self.error_messages["token_reused"], "token_reused")
        refresh.set_jti()
        refresh.set_exp()
        refresh.set_iat()
        refresh.outstand()
        data["refresh"] = str(refresh)
        return data


class TokenObtainPairSerializer(jwt_serializers.TokenObtainPairSerializer):
    """simplejwt's login, whose refresh token starts a new family (one per sign-in). For an account with
    two-factor sign-in the right password yields no tokens but a challenge for the second step."""

    token_class = RefreshToken

    def validate(self, attrs):
        jwt_serializers.TokenObtainSerializer.validate(self, attrs)  # checks the password; sets self.user
        if two_factor.two_factor_enabled(user=self.user):
            return {"mfa_required": True, "mfa_token": two_factor.challenge_issue(user=self.user),
                    "methods": [m for m in two_factor.two_factor_methods(user=self.user)
                                if m in two_factor.API_METHODS],
                    "expires_in": int(two_factor.CHALLENGE_LIFETIME.total_seconds())}
        if settings.MFA_REQUIRED_FOR_STAFF and self.user.is_staff:
            raise PermissionDenied(TWO_FACTOR_SETUP_REQUIRED, code="two_factor_setup_required")
        return token_pair(self.user)


TWO_FACTOR_SETUP_REQUIRED = ("Staff and administrators must set up two-factor sign-in before using the API: "
                             "add an authenticator app under Settings → Two-factor sign-in.")


class TwoFactorChallengeSerializer(serializers.Serializer):
    mfa_required = serializers.BooleanField(read_only=True, help_text="Always true: no tokens yet.")
    mfa_token = serializers.CharField(read_only=True, help_text="Send it back to `auth/token/two-factor/` with "
                                                                "the code, within `expires_in` seconds.")
    methods = serializers.ListField(child=serializers.ChoiceField(choices=["totp", "recovery_code"]),
                                    read_only=True, help_text="What the second step accepts: `totp` (the "
                                    "authenticator app's 6 digits) and, while any are left, `recovery_code`.")
    expires_in = serializers.IntegerField(read_only=True)


class TwoFactorTokenSerializer(serializers.Serializer):
    mfa_token = serializers.CharField(help_text="From the first step's answer.")
    code = serializers.CharField(max_length=32, help_text="The authenticator app's current 6 digits, or an "
                                                          "unused recovery code.")
