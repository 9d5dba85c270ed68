"""The subscription suggestions page: pending suggestions to add to the bills or dismiss, dismissed ones to undo,
and "look again" to run detection now. Thin: payments.suggestions does the work; another user's suggestion
is a 404. Each action works as a plain form post (redirect with a message) and with htmx (the card is swapped).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from payments.models import SubscriptionSuggestion, SuggestionStatus
from payments.suggestions import (
    frequency_words,
    subscription_suggestion_get,
    subscription_suggestion_list,
    subscription_suggestions_refresh,
    suggestion_confirm,
    suggestion_dismiss,
    suggestion_restore,
)
from transactions.views import is_htmx


class SuggestionConfirmForm(forms.Form):
    name = forms.CharField(required=False, max_length=100,
                           error_messages={"max_length": "Keep the name to 100 characters."})


def card(suggestion: SubscriptionSuggestion, problem: str = "") -> dict:
    return {"suggestion": suggestion, "schedule": frequency_words(suggestion.frequency,
                                                                  suggestion.interval_days).capitalize(),
            "problem": problem}


def _problem(error: ValidationError) -> str:
    return " ".join(error.messages)


class SuggestionListView(LoginRequiredMixin, View):
    def get(self, request):
        suggestions = subscription_suggestion_list(user=request.user).select_related("category__parent")
        pending = [card(s) for s in suggestions if s.status == SuggestionStatus.PENDING]
        dismissed = [s for s in suggestions if s.status == SuggestionStatus.DISMISSED]
        return render(request, "payments/suggestions.html", {"cards": pending, "dismissed": dismissed})


class SuggestionRefreshView(LoginRequiredMixin, View):
    """Look through the history now instead of waiting for the nightly run."""

    http_method_names = ["post"]

    def post(self, request):
        counts = subscription_suggestions_refresh(user=request.user,
                                                  today=request.user.financial_profile.local_today())
        new = counts["created"]
        if new:
            messages.success(request, f"Found {new} new subscription{'' if new == 1 else 's'} in your history.")
        else:
            messages.info(request, "Nothing new in your history: every subscription found is already here or "
                                   "in your bills.")
        return redirect("payments:suggestions")


class SuggestionConfirmView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        suggestion = subscription_suggestion_get(user=request.user, pk=pk)
        form = SuggestionConfirmForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError([m for errors in form.errors.values() for m in errors])
            payment = suggestion_confirm(user=request.user, suggestion=suggestion,
                                         overrides={"name": form.cleaned_data["name"]},
                                         today=request.user.financial_profile.local_today())
        except ValidationError as error:
            if is_htmx(request):
                suggestion.refresh_from_db()
                if suggestion.status == SuggestionStatus.PENDING:
                    return render(request, "payments/_suggestion_card.html", card(suggestion, _problem(error)))
                return render(request, "payments/_suggestion_decided.html",
                              {"suggestion": suggestion, "problem": _problem(error)})
            messages.error(request, _problem(error))
            return redirect("payments:suggestions")
        text = f"{payment.name} added to your bills"
        if payment.next_due_date:
            text += f"; next charge expected on {payment.next_due_date.day} {payment.next_due_date:%b %Y}"
        if is_htmx(request):
            return render(request, "payments/_suggestion_decided.html",
                          {"suggestion": suggestion, "payment": payment, "text": text + "."})
        messages.success(request, text + ".")
        return redirect("payments:suggestions")


class SuggestionDismissView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        suggestion = subscription_suggestion_get(user=request.user, pk=pk)
        try:
            suggestion_dismiss(user=request.user, suggestion=suggestion)
        except ValidationError as error:
            if is_htmx(request):
                return render(request, "payments/_suggestion_decided.html",
                              {"suggestion": suggestion, "problem": _problem(error)})
            messages.error(request, _problem(error))
            return redirect("payments:suggestions")
        if is_htmx(request):
            return render(request, "payments/_suggestion_decided.html", {"suggestion": suggestion})
        messages.success(request, f"Dismissed {suggestion.merchant}. It will not be suggested again; undo it under "
                                  "“Dismissed” below.")
        return redirect("payments:suggestions")


class SuggestionRestoreView(LoginRequiredMixin, View):
    """Undo a dismissal."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        suggestion = subscription_suggestion_get(user=request.user, pk=pk)
        try:
            suggestion_restore(user=request.user, suggestion=suggestion)
        except ValidationError as error:
            messages.error(request, _problem(error))
            return redirect("payments:suggestions")
        if is_htmx(request):
            return render(request, "payments/_suggestion_card.html", card(suggestion))
        messages.success(request, f"{suggestion.merchant} is back in your suggestions.")
        return redirect(reverse("payments:suggestions") + f"#suggestion-{suggestion.pk}")
