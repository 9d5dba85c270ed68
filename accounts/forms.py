from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.template import loader

from accounts.models import FinancialProfile, User
from accounts.tasks import email_send
from core.outbox import outbox_enqueue


class SignupForm(forms.Form):
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}))
    display_name = forms.CharField(max_length=80, required=False, help_text="How Finsight greets you.")
    password1 = forms.CharField(label="Password", strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=password_validation.password_validators_help_text_html())
    password2 = forms.CharField(label="Password again", strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean_email(self) -> str:
        # Whether the address has an account is never said here (services.signup_request emails its owner).
        return User.objects.normalize_email(self.cleaned_data["email"]).lower()

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords differ.")
        elif p1:
            try:
                password_validation.validate_password(p1, User(email=cleaned.get("email", ""),
                                                               display_name=cleaned.get("display_name", "")))
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class LoginForm(auth_forms.AuthenticationForm):
    username = forms.EmailField(label="Email", widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}))
    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": "That email and password do not match an account. Passwords are case-sensitive.",
    }


class PasswordResetForm(auth_forms.PasswordResetForm):
    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        # Rendered here, sent by the worker: a slow SMTP server never holds up the page.

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        html = loader.render_to_string(html_email_template_name, context) if html_email_template_name else None
        outbox_enqueue(email_send, subject=subject, body=body, to=[to_email], html=html)


class ProfileForm(forms.ModelForm):
    avatar_upload = forms.FileField(
        label="New avatar", required=False,
        help_text="JPEG, PNG, GIF or WebP; at most 2 MB and 4096 pixels on each side.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
    )
    remove_avatar = forms.BooleanField(required=False, label="Remove my avatar")

    class Meta:
        model = User
        fields = ["display_name"]


class FinancialProfileForm(forms.ModelForm):
    class Meta:
        model = FinancialProfile
        fields = ["monthly_net_income", "savings_rate_target", "preferred_currency", "timezone"]
        widgets = {
            "monthly_net_income": forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
            "savings_rate_target": forms.NumberInput(attrs={"step": "0.5", "min": "0", "max": "100"}),
        }


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label="Code", max_length=32, strip=True,
        help_text="The 6 digits your authenticator app shows now, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "autocapitalize": "off",
                                      "spellcheck": "false", "class": "font-mono tracking-widest"}))


class TotpConfirmForm(forms.Form):
    code = forms.CharField(
        label="Code from the app", max_length=12, strip=True,
        help_text="After scanning, your app shows a 6-digit code that changes every 30 seconds.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "class": "font-mono tracking-widest"}))


class TwoFactorRemoveForm(forms.Form):
    """Removing a second factor asks for the password or a current code, so an unattended browser cannot."""

    proof = forms.CharField(
        label="Your password, or a current code", strip=False,
        help_text="Your account password, a code from your authenticator app, or a recovery code.",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
