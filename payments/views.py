"""The bills pages: the list of recurring payments with add, edit, pause and delete; what is due soon (with
what is due before payday); a month calendar; marking an occurrence paid or skipped; and the subscription
suggestions found in the history (add to the bills, dismiss, undo, look again).

Reads go through payments.selectors and payments.suggestions with the signed-in user; another user's bill or
suggestion is a 404. Suggestion actions work as a plain form post (redirect with a message) and with htmx (the
card is swapped).
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from core.pages import add_service_errors, is_htmx, safe_next
from payments import selectors, services
from payments.forms import BillForm, bill_initial
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
from transactions.selectors import category_picker_list

UPCOMING_DAYS = (7, 14, 30, 60, 90)
DEFAULT_UPCOMING_DAYS = 30
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MONTH_PARAM = re.compile(r"(\d{4})-(\d{1,2})")


def local_today(user) -> dt.date:
    return user.financial_profile.local_today()


def parse_due_date(value: str) -> dt.date:
    """A YYYY-MM-DD path segment; anything else (or a day that does not exist) is a 404."""
    if not ISO_DATE.fullmatch(value or ""):
        raise Http404("No such date.")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Http404("No such date.") from None


def parse_month(value: str | None, today: dt.date) -> dt.date:
    """"2026-11" -> 1 Nov 2026; missing or unreadable -> the current month."""
    match = MONTH_PARAM.fullmatch((value or "").strip())
    if match:
        year, month = int(match[1]), int(match[2])
        # Far-off years are refused: the schedule is counted from each bill's start date.
        if 1970 <= year <= today.year + 100 and 1 <= month <= 12:
            return dt.date(year, month, 1)
    return today.replace(day=1)


class BillListView(LoginRequiredMixin, View):
    def get(self, request):
        payments = [(payment, selectors.frequency_text(payment))
                    for payment in selectors.recurring_payment_list(user=request.user)]
        return render(request, "payments/bills.html", {"rows": payments})


class BillFormView(LoginRequiredMixin, View):
    """Create (no pk) or edit a bill."""

    def form(self, request, payment=None, data=None):
        categories = category_picker_list(user=request.user, keep=[payment.category if payment else None])
        initial = bill_initial(payment) if payment else {"start_date": local_today(request.user)}
        return BillForm(data, initial=initial, user=request.user, categories=categories)

    def respond(self, request, form, payment):
        return render(request, "payments/bill_form.html", {"form": form, "payment": payment})

    def get(self, request, pk: int | None = None):
        payment = selectors.recurring_payment_get(user=request.user, pk=pk) if pk else None
        return self.respond(request, self.form(request, payment), payment)

    def post(self, request, pk: int | None = None):
        payment = selectors.recurring_payment_get(user=request.user, pk=pk) if pk else None
        form = self.form(request, payment, data=request.POST)
        if form.is_valid():
            today = local_today(request.user)
            try:
                if payment is None:
                    payment = services.recurring_payment_create(user=request.user, today=today,
                                                                **form.service_data())
                    messages.success(request, f"Bill “{payment.name}” added.")
                else:
                    services.recurring_payment_update(payment=payment, data=form.service_data(), today=today)
                    messages.success(request, f"Bill “{payment.name}” saved.")
            except ValidationError as error:
                add_service_errors(form, error)
                payment = selectors.recurring_payment_get(user=request.user, pk=pk) if pk else None
            else:
                return redirect(reverse("payments:bills") + f"#bill-{payment.pk}")
        return self.respond(request, form, payment)


class BillDeleteView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        payment = selectors.recurring_payment_get(user=request.user, pk=pk)
        return render(request, "payments/bill_confirm_delete.html", {"payment": payment})

    def post(self, request, pk: int):
        payment = selectors.recurring_payment_get(user=request.user, pk=pk)
        name = payment.name
        services.recurring_payment_delete(payment=payment)
        messages.success(request, f"Bill “{name}” deleted, with its payment history. Transactions are unchanged.")
        return redirect("payments:bills")


class BillPauseView(LoginRequiredMixin, View):
    """POST toggles: pause an active bill, resume a paused one."""

    def post(self, request, pk: int):
        payment = selectors.recurring_payment_get(user=request.user, pk=pk)
        paused = payment.is_active
        services.recurring_payment_pause(payment=payment, paused=paused, today=local_today(request.user))
        if paused:
            messages.success(request, f"“{payment.name}” paused: no reminders, and it is left out of what is due.")
        else:
            messages.success(request, f"“{payment.name}” resumed: next due {payment.next_due_date:%-d %b %Y}."
                             if payment.next_due_date else f"“{payment.name}” resumed; its schedule has ended.")
        return redirect(safe_next(request, reverse("payments:bills") + f"#bill-{payment.pk}"))


class OccurrenceActionView(LoginRequiredMixin, View):
    """Mark one occurrence paid (today, the expected amount) or skip it."""

    action = "pay"

    def post(self, request, pk: int, due: str):
        payment = selectors.recurring_payment_get(user=request.user, pk=pk)
        due_date = parse_due_date(due)
        try:
            if self.action == "pay":
                services.occurrence_pay(payment=payment, due_date=due_date, paid_on=local_today(request.user))
                messages.success(request, f"“{payment.name}” due {due_date:%-d %b} marked paid.")
            else:
                services.occurrence_skip(payment=payment, due_date=due_date)
                messages.success(request, f"“{payment.name}” due {due_date:%-d %b} skipped.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(safe_next(request, reverse("payments:upcoming")))


class UpcomingView(LoginRequiredMixin, View):
    def get(self, request):
        try:
            days = int(request.GET.get("days", DEFAULT_UPCOMING_DAYS))
        except (TypeError, ValueError):
            days = DEFAULT_UPCOMING_DAYS
        if days not in UPCOMING_DAYS:
            days = DEFAULT_UPCOMING_DAYS
        today = local_today(request.user)
        bills = selectors.upcoming_bills(user=request.user, today=today, days=days)
        groups: list[tuple[dt.date, list]] = []
        overdue = [bill for bill in bills if bill.status == "overdue"]
        for bill in bills:
            if bill.status == "overdue":
                continue
            if not groups or groups[-1][0] != bill.due_date:
                groups.append((bill.due_date, []))
            groups[-1][1].append(bill)
        return render(request, "payments/upcoming.html", {
            "days": days, "day_choices": UPCOMING_DAYS, "today": today, "until": today + dt.timedelta(days=days),
            "overdue": overdue, "groups": groups, "count": len(bills),
            "before_payday": selectors.due_before_payday(user=request.user, today=today),
        })


class CalendarView(LoginRequiredMixin, View):
    def get(self, request):
        today = local_today(request.user)
        first = parse_month(request.GET.get("month"), today)
        weeks = selectors.month_calendar(user=request.user, year=first.year, month=first.month, today=today)
        previous = (first - dt.timedelta(days=1)).replace(day=1)
        following = (first + dt.timedelta(days=32)).replace(day=1)
        month_days = [day for week in weeks for day in week if day.in_month]
        return render(request, "payments/calendar.html", {
            "first": first, "weeks": weeks, "today": today, "totals": selectors.month_totals(weeks=weeks),
            "previous": f"{previous:%Y-%m}", "next": f"{following:%Y-%m}", "current": f"{today:%Y-%m}",
            "weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
            "days_with_bills": [day for day in month_days if day.bills],
        })


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
