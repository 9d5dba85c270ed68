"""Pages: deleting your account (ask with your password, see when, cancel)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from core.pages import add_service_errors
from privacy import deletion


class DeletionForm(forms.Form):
    password = forms.CharField(label="Your password", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class DeletionView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, DeletionForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        if deletion.deletion_get(user=request.user) is not None:  # sent twice: the page says when
            return redirect(reverse("privacy:deletion"))
        form = DeletionForm(request.POST)
        if form.is_valid():
            try:
                pending = deletion.deletion_request(user=request.user, password=form.cleaned_data["password"],
                                                    request=request)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.warning(request, f"Your account will be deleted on "
                                          f"{timezone.localtime(pending.purge_after):%-d %b %Y}. We sent you an "
                                          f"email; sign in or cancel here before then to keep it.")
                return redirect(reverse("privacy:deletion"))
        return self._page(request, form, status=400)

    def _page(self, request: HttpRequest, form: DeletionForm, status: int = 200) -> HttpResponse:
        return render(request, "privacy/deletion.html", {
            "pending": deletion.deletion_get(user=request.user), "form": form,
            "grace_days": settings.ACCOUNT_DELETION_GRACE_DAYS, "former_member": deletion.FORMER_MEMBER,
        }, status=status)


class DeletionCancelView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        if deletion.deletion_cancel(user=request.user, request=request):
            messages.success(request, "Your account will not be deleted. Everything you keep stays.")
        return redirect(reverse("privacy:deletion"))
