from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, Http404
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import parsers, permissions, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt import views as jwt_views
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings

from accounts import services
from accounts.api import serializers as s
from accounts.forms import PasswordResetForm
from accounts import two_factor
from accounts.devices import sign_in_device_note
from accounts.lockout import lockout_response, two_factor_failure_record, two_factor_locked
from accounts.models import RevokedTokenFamily, User
from accounts.selectors import user_get_with_profile
from core.api import ApiError
from accounts.tokens import FAMILY_CLAIM, RefreshToken, blacklisted_refresh_payload, token_pair

SIGNUP_SENT = ("Check your email to finish signing up: we sent a message to this address. "
               "The link in it works once, for a day.")


class LockoutAwareMixin:
    """Turn a django-axes lockout, flagged on the request during authenticate(), into a 429."""

    def finalize_response(self, request, response, *args, **kwargs):
        if getattr(request, "axes_locked_out", False):
            response = lockout_response(request)
        return super().finalize_response(request, response, *args, **kwargs)


@extend_schema(tags=["auth"], request=s.SignupSerializer, responses={202: s.DetailSerializer})
class SignupView(APIView):
    """Start a sign-up. The answer is the same whether or not the address has an account: a new address gets a
    link that finishes sign-up (``auth/signup/confirm/``); the owner of an existing one is told by email."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    throttle_scope = "signup"

    def post(self, request):
        data = s.SignupSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.signup_request(**data.validated_data)
        return Response({"detail": SIGNUP_SENT}, status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["auth"], request=s.SignupConfirmSerializer,
               responses={201: s.SignupResponseSerializer, 400: s.DetailSerializer})
class SignupConfirmView(APIView):
    """Finish a sign-up with the token of the emailed link: the account is created and signed in."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    throttle_scope = "signup"

    def post(self, request):
        data = s.SignupConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user, _ = services.signup_confirm(token=data.validated_data["token"])
        user = user_get_with_profile(user_id=user.pk)
        body = {"user": s.MeSerializer(user, context={"request": request}).data, **token_pair(user)}
        return Response(body, status=status.HTTP_201_CREATED)


def _signed_in(request, user: User) -> dict:
    """A token sign-in is a sign-in: last_login, django-axes clears the failure count, an app not seen before
    gets its owner an email."""
    user_logged_in.send(sender=type(user), request=request, user=user)
    sign_in_device_note(user=user, request=request, api=True)
    return token_pair(user)


@extend_schema(tags=["auth"], responses={
    200: PolymorphicProxySerializer(component_name="TokenObtainResult",
                                    serializers=[s.TokenPairSerializer, s.TwoFactorChallengeSerializer],
                                    resource_type_field_name=None),
    401: s.DetailSerializer, 403: s.DetailSerializer, 429: s.DetailSerializer})
class TokenObtainView(LockoutAwareMixin, jwt_views.TokenObtainPairView):
    """Exchange email and password for an access token and a refresh token.

    For an account with two-factor sign-in the answer holds no tokens: ``{"mfa_required": true, "mfa_token":
    ..., "methods": [...], "expires_in": 300}``; send ``mfa_token`` and a code to ``auth/token/two-factor/``.
    Staff without two-factor sign-in get 403 ``two_factor_setup_required`` where the server requires it."""

    throttle_scope = "token"

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except TokenError as error:
            raise InvalidToken(error.args[0]) from None
        if serializer.validated_data.get("mfa_required"):
            return Response(serializer.validated_data, status=status.HTTP_200_OK)
        return Response(_signed_in(request, serializer.user), status=status.HTTP_200_OK)


@extend_schema(tags=["auth"], request=s.TwoFactorTokenSerializer,
               responses={200: s.TokenPairSerializer, 400: s.DetailSerializer, 401: s.DetailSerializer,
                          429: s.DetailSerializer})
class TokenTwoFactorView(APIView):
    """The second step of a token sign-in with two-factor: the challenge from ``auth/token/`` and a code (the
    authenticator app's, or a recovery code, which is then used up) for the tokens. A wrong code is 401
    ``two_factor_code_invalid`` and counts towards the lockout like a wrong password (429 ``locked_out``);
    an expired or altered challenge is 400 (``fields.mfa_token``): start again with the password."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    throttle_scope = "token"

    def post(self, request):
        data = s.TwoFactorTokenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = two_factor.challenge_user(token=data.validated_data["mfa_token"])
        if two_factor_locked(request._request, user=user):
            return lockout_response(request._request)
        if two_factor.second_factor_verify(user=user, code=data.validated_data["code"]) is None:
            two_factor_failure_record(request._request, user=user)
            if two_factor_locked(request._request, user=user):
                return lockout_response(request._request)
            raise ApiError("That code is not right. Send the code your app shows now, or a recovery code.",
                           status=401, code="two_factor_code_invalid")
        return Response(_signed_in(request, user), status=status.HTTP_200_OK)


@extend_schema(tags=["auth"], responses={200: s.TokenPairSerializer, 401: s.DetailSerializer})
class TokenRefreshView(jwt_views.TokenRefreshView):
    """Exchange a refresh token for a new pair; the old refresh token is blacklisted."""

    throttle_scope = "token"


@extend_schema(tags=["auth"], request=s.RefreshInputSerializer,
               responses={205: OpenApiResponse(description="Logged out"), 400: s.DetailSerializer})
class LogoutView(APIView):
    """End this sign-in: the refresh token and every token of its sign-in (earlier rotations and their access
    tokens) are refused from now on."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    throttle_scope = "token"

    def post(self, request):
        data = s.RefreshInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        raw = data.validated_data["refresh"]
        try:
            refresh = RefreshToken(raw)
        except TokenError as error:
            # Already logged out, or rotated out: still end the sign-in it belongs to.
            payload = blacklisted_refresh_payload(raw)
            if payload is None:
                raise ValidationError({"refresh": [str(error)]}) from None
        else:
            refresh.blacklist()
            payload = refresh.payload
        if payload.get(FAMILY_CLAIM):
            services.token_family_revoke(family=payload[FAMILY_CLAIM], user_id=payload.get(jwt_settings.USER_ID_CLAIM),
                                         reason=RevokedTokenFamily.Reason.LOGOUT)
        return Response(status=status.HTTP_205_RESET_CONTENT)


@extend_schema(tags=["auth"], request=s.PasswordChangeSerializer, responses={200: s.TokenPairSerializer})
class PasswordChangeView(APIView):
    """Change the password. Every other token and web session stops working; a fresh pair is returned."""

    def post(self, request):
        data = s.PasswordChangeSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        services.password_change(user=request.user, new_password=data.validated_data["new_password"])
        return Response(token_pair(request.user))


@extend_schema(tags=["auth"], request=s.PasswordResetSerializer, responses={202: s.DetailSerializer})
class PasswordResetView(APIView):
    """Email a reset link if an account has this address (the answer is the same either way)."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    throttle_scope = "password_reset"

    def post(self, request):
        data = s.PasswordResetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        form = PasswordResetForm(data={"email": data.validated_data["email"]})
        form.is_valid()
        form.save(
            request=request,
            use_https=request.is_secure(),
            subject_template_name="accounts/emails/password_reset-subject.txt",
            email_template_name="accounts/emails/password_reset-body.txt",
            html_email_template_name="accounts/emails/password_reset-body.html",
        )
        return Response({"detail": "If an account uses this address, a reset link is on its way."},
                        status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["auth"], request=s.PasswordResetConfirmSerializer,
               responses={200: s.DetailSerializer, 400: s.DetailSerializer})
class PasswordResetConfirmView(APIView):
    """Set a new password with the uid and token from the reset email."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    throttle_scope = "password_reset"

    def post(self, request):
        data = s.PasswordResetConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            user_id = force_str(urlsafe_base64_decode(data.validated_data["uid"]))
            user = User.objects.get(pk=user_id)
        except (TypeError, ValueError, OverflowError, User.DoesNotExist, DjangoValidationError):
            user = None
        if user is None or not default_token_generator.check_token(user, data.validated_data["token"]):
            raise ValidationError("This reset link is invalid or has already been used.")
        try:
            services.password_change(user=user, new_password=data.validated_data["new_password"], reset=True)
        except DjangoValidationError as error:  # the password validators speak of no field: this one is at fault
            raise ValidationError({"new_password": error.messages}) from None
        return Response({"detail": "Your password has been set."})


class MeView(APIView):
    """The signed-in user's profile and financial profile."""

    def get_object(self) -> User:
        return user_get_with_profile(user_id=self.request.user.pk)

    @extend_schema(tags=["me"], responses={200: s.MeSerializer})
    def get(self, request):
        return Response(s.MeSerializer(self.get_object(), context={"request": request}).data)

    @extend_schema(tags=["me"], request=s.MeSerializer, responses={200: s.MeSerializer})
    def patch(self, request):
        user = self.get_object()
        data = s.MeSerializer(user, data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        changes = {k: v for k, v in data.validated_data.items() if k != "financial_profile"}
        changes.update(data.validated_data.get("financial_profile", {}))
        services.profile_update(user=user, data=changes)
        return Response(s.MeSerializer(self.get_object(), context={"request": request}).data)


class AvatarView(APIView):
    """Upload (PUT, multipart field ``avatar``), download (GET) or remove (DELETE) your avatar."""

    parser_classes = [parsers.MultiPartParser, parsers.FormParser]

    @extend_schema(tags=["me"], responses={(200, "image/*"): OpenApiResponse(description="The avatar image"),
                                           404: s.DetailSerializer})
    def get(self, request):
        if not request.user.avatar:
            raise Http404
        return FileResponse(request.user.avatar.open("rb"))

    @extend_schema(tags=["me"], request={"multipart/form-data": s.AvatarUploadSerializer},
                   responses={200: s.MeSerializer, 400: s.DetailSerializer})
    def put(self, request):
        data = s.AvatarUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.avatar_set(user=request.user, upload=data.validated_data["avatar"])
        except DjangoValidationError as error:
            raise ValidationError({"avatar": error.messages}) from None
        return Response(s.MeSerializer(self.get_object(), context={"request": request}).data)

    @extend_schema(tags=["me"], responses={204: None})
    def delete(self, request):
        services.avatar_remove(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def get_object(self) -> User:
        return user_get_with_profile(user_id=self.request.user.pk)
