from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import FormView, TemplateView, UpdateView, View

from accounts import services, two_factor
from accounts.forms import FinancialProfileForm, LoginForm, PasswordResetForm, ProfileForm, SignupForm
from accounts.models import FinancialProfile
from accounts.throttling import ThrottledPostMixin
from accounts.two_factor_views import device_cookie_set, pending_start
from audit.models import AuditAction
from audit.services import audit_record


class SignupView(ThrottledPostMixin, FormView):
    throttle_scope = "signup"
    template_name = "accounts/signup.html"
    form_class = SignupForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("home")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        # An invitation link sends the visitor here with the invited address filled in.
        return {**super().get_initial(), "email": self.request.GET.get("email", "")[:254]}

    def next_url(self) -> str:
        target = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={self.request.get_host()},
                                                      require_https=self.request.is_secure()):
            return target
        return ""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "next": self.next_url()}

    def form_valid(self, form):
        try:
            services.signup_request(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                display_name=form.cleaned_data["display_name"],
                next_url=self.next_url(),
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
            return self.form_invalid(form)
        # The same answer whether or not the address already has an account.
        return redirect("accounts:signup_sent")


class SignupSentView(TemplateView):
    template_name = "accounts/signup_sent.html"


class SignupConfirmView(View):
    """The emailed sign-up link: a button (so that a mail scanner opening the link creates nothing), then the
    account is created, signed in and sent on to the financial profile, or where sign-up was going."""

    template_name = "accounts/signup_confirm.html"

    def get(self, request, token):
        if request.user.is_authenticated:
            return redirect("home")
        return render(request, self.template_name, {"pending": services.signup_request_get(token=token)})

    def post(self, request, token):
        try:
            user, next_url = services.signup_confirm(token=token)
        except ValidationError:
            return render(request, self.template_name, {"pending": None}, status=400)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        response = redirect(next_url or "accounts:financial_profile")
        device_cookie_set(request, response, user=user)  # the first sign-in: remembered, no email
        messages.success(request, "Welcome to Finsight! Tell us a little about your finances to get started.")
        return response


class LoginView(ThrottledPostMixin, auth_views.LoginView):
    throttle_scope = "login"
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if two_factor.two_factor_enabled(user=user):
            # Not signed in yet: the code step (two_factor_views) finishes the sign-in.
            pending_start(self.request, user=user, next_url=self.get_redirect_url())
            return redirect("accounts:login_two_factor")
        response = super().form_valid(form)
        device_cookie_set(self.request, response, user=user)
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You have been logged out.")
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        # Django re-keys this session; every other session of the user stops verifying.
        response = super().form_valid(form)
        audit_record(action=AuditAction.PASSWORD_CHANGE, actor=form.user, target=form.user, request=self.request)
        messages.success(self.request, "Your password was changed. Other devices have been signed out.")
        return response


class PasswordResetView(ThrottledPostMixin, auth_views.PasswordResetView):
    throttle_scope = "password_reset"
    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm
    email_template_name = "accounts/emails/password_reset-body.txt"
    html_email_template_name = "accounts/emails/password_reset-body.html"
    subject_template_name = "accounts/emails/password_reset-subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:login")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(action=AuditAction.PASSWORD_RESET, actor=form.user, target=form.user, request=self.request)
        messages.success(self.request, "Your password has been set. You can log in now.")
        return response


class ProfileView(LoginRequiredMixin, UpdateView):
    template_name = "accounts/profile.html"
    form_class = ProfileForm
    success_url = reverse_lazy("accounts:profile")

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        user = self.request.user
        try:
            # All or nothing: a refused avatar leaves the name unchanged too.
            with transaction.atomic():
                services.profile_update(user=user, data={"display_name": form.cleaned_data["display_name"]})
                if form.cleaned_data.get("avatar_upload"):
                    services.avatar_set(user=user, upload=form.cleaned_data["avatar_upload"])
                elif form.cleaned_data.get("remove_avatar"):
                    services.avatar_remove(user=user)
        except ValidationError as error:
            user.refresh_from_db()
            form.add_error("avatar_upload", error)
            return self.form_invalid(form)
        messages.success(self.request, "Profile saved.")
        return redirect(self.success_url)


class FinancialProfileView(LoginRequiredMixin, UpdateView):
    template_name = "accounts/financial_profile.html"
    form_class = FinancialProfileForm
    success_url = reverse_lazy("accounts:financial_profile")

    def get_object(self, queryset=None):
        return self.request.user.financial_profile

    def form_valid(self, form):
        services.profile_update(user=self.request.user, data=form.cleaned_data)
        messages.success(self.request, "Financial profile saved.")
        return redirect(self.success_url)


class FinancialProfilePreviewView(LoginRequiredMixin, View):
    """The savings goal for the values being typed, without saving them (htmx partial)."""

    def post(self, request):
        form = FinancialProfileForm(request.POST, instance=FinancialProfile(user=request.user))
        form.is_valid()
        return render(request, "accounts/_savings_goal.html", {"profile": form.instance, "form": form})


class AvatarView(LoginRequiredMixin, View):
    """The signed-in user's own avatar; media is not served publicly."""

    def get(self, request):
        if not request.user.avatar:
            raise Http404("No avatar")
        response = FileResponse(request.user.avatar.open("rb"))
        response["Cache-Control"] = "private, max-age=3600"
        return response
