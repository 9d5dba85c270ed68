"""Pages of two-factor sign-in: the code step after the password, and the settings to set it up and remove it;
the new-device link that signs out everywhere."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from accounts import devices, two_factor
from accounts.forms import TotpConfirmForm, TwoFactorCodeForm, TwoFactorRemoveForm
from accounts.lockout import lockout_response, two_factor_failure_record, two_factor_locked
from accounts.models import User

PENDING_KEY = "two_factor_pending"
NEW_CODES_KEY = "two_factor_new_codes"
PASSKEY_SIGN_IN_STATE = "two_factor_passkey_sign_in"
PASSKEY_REGISTER_STATE = "two_factor_passkey_register"
PENDING_SECONDS = 5 * 60
PENDING_ENDED = "That sign-in took too long. Enter your email and password again."


# --- finishing a sign-in -------------------------------------------------------------------------------------

def sign_in_complete(request: HttpRequest, *, user: User, backend: str, next_url: str) -> HttpResponse:
    """Sign the browser in and remember it (a new browser gets an email, except on the very first sign-in)."""
    login(request, user, backend=backend)
    response = redirect(next_url or settings.LOGIN_REDIRECT_URL)
    device_cookie_set(request, response, user=user)
    return response


def device_cookie_set(request: HttpRequest, response: HttpResponse, *, user: User) -> None:
    cookie = devices.sign_in_device_note(user=user, request=request,
                                         device_cookie=request.COOKIES.get(devices.DEVICE_COOKIE))
    if cookie:
        response.set_cookie(devices.DEVICE_COOKIE, cookie, max_age=devices.DEVICE_COOKIE_MAX_AGE, httponly=True,
                            secure=request.is_secure(), samesite="Lax")


def pending_start(request: HttpRequest, *, user: User, next_url: str) -> None:
    """The password was right and a second factor is needed: remember who, for a few minutes, unsigned in."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = {"user_id": user.pk, "backend": getattr(user, "backend", ""),
                                    "at": timezone.now().timestamp(), "next": next_url}


def pending_user(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    pending = request.session.get(PENDING_KEY)
    if not pending or timezone.now().timestamp() - float(pending.get("at", 0)) > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    user = User.objects.filter(pk=pending.get("user_id"), is_active=True).first()
    return (user, pending) if user is not None else None


def _safe_next(request: HttpRequest, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return ""


class LoginTwoFactorView(View):
    """The second step of signing in: a code from the app, a recovery code, or a passkey."""

    template_name = "accounts/login_two_factor.html"

    def dispatch(self, request, *args, **kwargs):
        found = pending_user(request)
        if found is None:
            messages.info(request, PENDING_ENDED)
            return redirect("accounts:login")
        self.user, self.pending = found
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, form: TwoFactorCodeForm, status: int = 200) -> HttpResponse:
        methods = two_factor.two_factor_methods(user=self.user)
        return render(self.request, self.template_name, {
            "form": form, "methods": methods, "has_app": two_factor.METHOD_TOTP in methods,
            "has_passkey": two_factor.METHOD_PASSKEY in methods}, status=status)

    def get(self, request):
        return self.render_page(TwoFactorCodeForm())

    def post(self, request):
        if two_factor_locked(request, user=self.user):
            return lockout_response(request)
        form = TwoFactorCodeForm(request.POST)
        if not form.is_valid():
            return self.render_page(form, status=400)
        method = two_factor.second_factor_verify(user=self.user, code=form.cleaned_data["code"])
        if method is None:
            two_factor_failure_record(request, user=self.user)
            if two_factor_locked(request, user=self.user):
                return lockout_response(request)
            form.add_error("code", "That code is not right. Type the code your app shows now, or a recovery code.")
            return self.render_page(form, status=400)
        request.session.pop(PENDING_KEY, None)
        if method == two_factor.METHOD_RECOVERY:
            left = two_factor.recovery_codes_remaining(user=self.user)
            messages.warning(request, f"You signed in with a recovery code; it cannot be used again. "
                                      f"{left} recovery code{'' if left == 1 else 's'} left.")
        return sign_in_complete(request, user=self.user, backend=self.pending["backend"],
                                next_url=_safe_next(request, self.pending.get("next", "")))


class LoginPasskeyBeginView(LoginTwoFactorView):
    def post(self, request):
        if two_factor_locked(request, user=self.user):
            return JsonResponse({"detail": "Too many failed attempts; try again later."}, status=429)
        options, state = two_factor.passkey_authenticate_begin(user=self.user, request=request)
        request.session[PASSKEY_SIGN_IN_STATE] = state
        return JsonResponse(options)


class LoginPasskeyCompleteView(LoginTwoFactorView):
    def post(self, request):
        state = request.session.pop(PASSKEY_SIGN_IN_STATE, None)
        request.session.save()  # the state is used once, even if what follows fails
        if two_factor_locked(request, user=self.user):
            return JsonResponse({"detail": "Too many failed attempts; try again later."}, status=429)
        data = _json_body(request)
        if state is None or data is None or not two_factor.passkey_authenticate_complete(
                user=self.user, request=request, state=state, data=data):
            two_factor_failure_record(request, user=self.user)
            return JsonResponse({"detail": "That passkey did not work here. Try again, or type a code."}, status=400)
        request.session.pop(PENDING_KEY, None)
        response = sign_in_complete(request, user=self.user, backend=self.pending["backend"],
                                    next_url=_safe_next(request, self.pending.get("next", "")))
        body = JsonResponse({"redirect_url": response["Location"]})
        for morsel in response.cookies.values():
            body.cookies[morsel.key] = morsel
        return body


def _json_body(request: HttpRequest) -> dict[str, Any] | None:
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


# --- settings ------------------------------------------------------------------------------------------------

class TwoFactorView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/two_factor.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return {**super().get_context_data(**kwargs),
                "app": two_factor.totp_device(user=user),
                "passkeys": two_factor.passkey_list(user=user),
                "enabled": two_factor.two_factor_enabled(user=user),
                "codes_left": two_factor.recovery_codes_remaining(user=user),
                "required": settings.MFA_REQUIRED_FOR_STAFF and user.is_staff}


class TotpSetupView(LoginRequiredMixin, View):
    """Scan the QR code (or type the key), then confirm with a code from the app."""

    template_name = "accounts/two_factor_totp.html"

    def render_page(self, form: TotpConfirmForm, status: int = 200) -> HttpResponse:
        device = two_factor.totp_setup_pending(user=self.request.user)
        if device is None:
            return redirect("accounts:two_factor")
        return render(self.request, self.template_name, {
            "form": form, "qr_svg": two_factor.totp_qr_svg(device), "secret": two_factor.totp_secret(device)},
            status=status)

    def get(self, request):
        if two_factor.totp_device(user=request.user) is not None:
            messages.info(request, "An authenticator app is already set up.")
            return redirect("accounts:two_factor")
        if two_factor.totp_setup_pending(user=request.user) is None or "restart" in request.GET:
            two_factor.totp_setup_begin(user=request.user)
        return self.render_page(TotpConfirmForm())

    def post(self, request):
        form = TotpConfirmForm(request.POST)
        if form.is_valid():
            try:
                codes = two_factor.totp_setup_confirm(user=request.user, code=form.cleaned_data["code"])
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.message_dict.items():
                        form.add_error(field, errors)
                else:
                    form.add_error(None, error.messages)
            else:
                messages.success(request, "Two-factor sign-in is on: you will be asked for a code after your "
                                          "password.")
                return _show_codes(request, codes)
        return self.render_page(form, status=400)


def _show_codes(request: HttpRequest, codes: list[str]) -> HttpResponse:
    if not codes:
        return redirect("accounts:two_factor")
    request.session[NEW_CODES_KEY] = codes
    return redirect("accounts:two_factor_codes")


class RecoveryCodesView(LoginRequiredMixin, View):
    """New recovery codes, shown once (they are stored only as hashes); POST makes a new set."""

    def get(self, request):
        codes = request.session.pop(NEW_CODES_KEY, None)
        if not codes:
            return redirect("accounts:two_factor")
        return render(request, "accounts/two_factor_codes.html", {"codes": codes})

    def post(self, request):
        if not two_factor.two_factor_enabled(user=request.user):
            return redirect("accounts:two_factor")
        codes = two_factor.recovery_codes_generate(user=request.user)
        messages.success(request, "New recovery codes made. The old ones no longer work.")
        return _show_codes(request, codes)


class TwoFactorRemoveView(LoginRequiredMixin, View):
    """Remove the authenticator app (``method=totp``) or one passkey (``method=passkey&passkey=<id>``)."""

    template_name = "accounts/two_factor_remove.html"

    def target(self, request: HttpRequest) -> tuple[str, Any]:
        source = request.POST if request.method == "POST" else request.GET
        method = source.get("method", "")
        if method == two_factor.METHOD_PASSKEY:
            try:
                passkey_id = int(source.get("passkey", ""))
            except ValueError:
                passkey_id = 0
            return method, two_factor.passkey_get(user=request.user, passkey_id=passkey_id)
        if method == two_factor.METHOD_TOTP and two_factor.totp_device(user=request.user) is not None:
            return method, None
        return "", None

    def get(self, request):
        method, passkey = self.target(request)
        if not method:
            return redirect("accounts:two_factor")
        return render(request, self.template_name, {"form": TwoFactorRemoveForm(), "method": method,
                                                    "passkey": passkey})

    def post(self, request):
        method, passkey = self.target(request)
        if not method:
            return redirect("accounts:two_factor")
        form = TwoFactorRemoveForm(request.POST)
        if form.is_valid():
            if two_factor_locked(request, user=request.user):
                return lockout_response(request)
            proof = form.cleaned_data["proof"]
            if request.user.check_password(proof) or two_factor.second_factor_verify(user=request.user, code=proof):
                two_factor.two_factor_remove(user=request.user, method=method,
                                             passkey_id=passkey.pk if passkey else None)
                what = "The authenticator app" if method == two_factor.METHOD_TOTP else f"The passkey “{passkey.name}”"
                messages.success(request, f"{what} was removed.")
                return redirect("accounts:two_factor")
            two_factor_failure_record(request, user=request.user)
            form.add_error("proof", "That is neither your password nor a current code.")
        return render(request, self.template_name, {"form": form, "method": method, "passkey": passkey}, status=400)


class PasskeyRegisterBeginView(LoginRequiredMixin, View):
    def post(self, request):
        options, state = two_factor.passkey_register_begin(user=request.user, request=request)
        request.session[PASSKEY_REGISTER_STATE] = state
        return JsonResponse(options)


class PasskeyRegisterCompleteView(LoginRequiredMixin, View):
    def post(self, request):
        state = request.session.pop(PASSKEY_REGISTER_STATE, None)
        request.session.save()
        data = _json_body(request)
        if state is None or data is None:
            return JsonResponse({"detail": "Start adding the passkey again."}, status=400)
        name = str(data.pop("name", "") or "")
        try:
            codes = two_factor.passkey_register_complete(user=request.user, request=request, state=state,
                                                         data=data, name=name)
        except ValidationError as error:
            return JsonResponse({"detail": " ".join(error.messages)}, status=400)
        messages.success(request, "Passkey added: you can use it at the second sign-in step.")
        if codes:
            request.session[NEW_CODES_KEY] = codes
            return JsonResponse({"redirect_url": reverse("accounts:two_factor_codes")})
        return JsonResponse({"redirect_url": reverse("accounts:two_factor")})


# --- ending every sign-in ------------------------------------------------------------------------------------

class SessionsEndView(LoginRequiredMixin, View):
    """Settings' "Sign out everywhere": this browser too."""

    def post(self, request):
        devices.sessions_end(user=request.user, by=request.user, via="settings")
        messages.success(request, "You were signed out everywhere, here too. Sign in again to go on.")
        return redirect("accounts:login")


class SessionsEndLinkView(View):
    """The new-device email's link: a button (so a mail scanner opening the link ends nothing), then every
    sign-in of the account ends."""

    template_name = "accounts/sessions_end.html"

    def get(self, request, token):
        user = devices.sessions_end_link_user(token=token)
        return render(request, self.template_name, {"valid": user is not None,
                                                    "invalid_message": devices.SESSIONS_END_LINK_INVALID},
                      status=200 if user else 400)

    def post(self, request, token):
        user = devices.sessions_end_link_user(token=token)
        if user is None:
            return render(request, self.template_name, {"valid": False,
                                                        "invalid_message": devices.SESSIONS_END_LINK_INVALID},
                          status=400)
        devices.sessions_end(user=user, by=user, via="email_link")
        return render(request, self.template_name, {"valid": True, "done": True})
