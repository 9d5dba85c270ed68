"""Pages: the plans (choose one, pay on Stripe's page), the return from it, your plan (cancel, resume), your
payments; the staff's payments export; and Stripe's webhook. With BILLING_ENABLED false every page but the staff
export is a 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

import structlog
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from billing import gateway, selectors, services
from billing.models import FEATURES, InvoiceStatus, Plan
from core.csv_safe import csv_cell, csv_lines
from core.rls import row_security_as

log = structlog.get_logger(__name__)


class BillingEnabledMixin:
    """A 404 while billing is off: the pages do not exist then."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.BILLING_ENABLED:
            raise Http404("Billing is off.")
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


def plan_lines(plan: Plan | None) -> list[str]:
    """What a plan gives, in words, from its features (the free plan's when ``plan`` is None)."""
    features = dict(settings.BILLING_FREE_FEATURES)
    if plan is not None:
        features.update({key: value for key, value in (plan.features or {}).items() if key in FEATURES})
    lines = []
    receipts = features.get("receipts_per_month")
    lines.append("Unlimited receipts read for you" if receipts is None
                 else f"{receipts} receipt{'s' if receipts != 1 else ''} read for you each month")
    groups = features.get("groups")
    lines.append("As many shared-expense groups as you like" if groups is None
                 else f"{groups} shared-expense group{'s' if groups != 1 else ''} of your own")
    lines.append("Answers from the advisor's language model" if features.get("advisor_model")
                 else "Written answers from the advisor")
    return lines


class PlansView(LoginRequiredMixin, BillingEnabledMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        current = selectors.subscription_current(user=request.user)
        plans = [{"plan": plan, "lines": plan_lines(plan)} for plan in selectors.plan_list()]
        response = render(request, "billing/plans.html", {
            "plans": plans, "current": current, "free_lines": plan_lines(None)})
        # Choosing a plan posts here and is redirected to Stripe's page: the policy's form-action must allow it.
        response._csp_update = {"form-action": [gateway.checkout_origin()]}  # type: ignore[attr-defined]
        return response


class CheckoutView(LoginRequiredMixin, BillingEnabledMixin, View):
    """Choosing a plan: off to Stripe's payment page (a POST, so no link or prefetch starts one)."""

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        plan = selectors.plan_get(slug=slug)
        success = request.build_absolute_uri(reverse("billing:success")) + "?session_id={CHECKOUT_SESSION_ID}"
        try:
            url = services.checkout_start(user=request.user, plan=plan, success_url=success,
                                          cancel_url=request.build_absolute_uri(reverse("billing:checkout_cancelled")))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("billing:plans")
        return HttpResponseRedirect(url)


class SuccessView(LoginRequiredMixin, BillingEnabledMixin, View):
    """Back from paying: the plan starts when Stripe's webhook arrives, usually within seconds; until then the page
    looks again every few seconds."""

    def get(self, request: HttpRequest) -> HttpResponse:
        current = selectors.subscription_current(user=request.user)
        return render(request, "billing/success.html", {"current": current,
                                                        "lines": plan_lines(current.plan) if current else []})


class CheckoutCancelledView(LoginRequiredMixin, BillingEnabledMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        messages.info(request, "You did not pay, and nothing changed. Your plan is as it was.")
        return redirect("billing:plans")


class SubscriptionView(LoginRequiredMixin, BillingEnabledMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        current = selectors.subscription_current(user=request.user)
        latest = current or selectors.subscription_latest(user=request.user)
        return render(request, "billing/subscription.html", {
            "current": current, "latest": latest, "lines": plan_lines(current.plan if current else None),
            "grace_until": (current.past_due_since + dt.timedelta(days=settings.BILLING_GRACE_DAYS)
                            if current and current.past_due_since else None),
            "invoices": list(selectors.invoice_list(user=request.user)[:3])})


class CancelView(LoginRequiredMixin, BillingEnabledMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            sub = services.subscription_cancel(user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if sub.cancel_at_period_end and sub.current_period_end:
                messages.success(request, f"Cancelled. You keep your plan until {sub.current_period_end:%-d %B %Y}.")
            else:
                messages.success(request, "Cancelled. You are on the free plan now.")
        return redirect("billing:subscription")


class ResumeView(LoginRequiredMixin, BillingEnabledMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            services.subscription_resume(user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Your plan continues and renews as usual.")
        return redirect("billing:subscription")


class PaymentsView(LoginRequiredMixin, BillingEnabledMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "billing/payments.html", {"invoices": selectors.invoice_list(user=request.user)})


class ExportForm(forms.Form):
    start = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *InvoiceStatus.choices])
    plan = forms.ChoiceField(required=False)
    currency = forms.CharField(required=False, max_length=3, label="Currency (e.g. EUR)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [("", "Any plan"), *Plan.objects.values_list("slug", "name")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError("The start date is after the end date.")
        return data


EXPORT_HEADER = ["created", "paid", "invoice", "email", "plan", "amount", "currency", "status", "invoice_url"]


class PaymentsExportView(LoginRequiredMixin, View):
    """Staff only (anyone else: 404): every payment matching the filters as CSV, each text cell formula-safe."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_staff:
            raise Http404
        form = ExportForm(request.GET or None)
        if not request.GET.get("download") or not form.is_valid():
            return render(request, "billing/export.html", {"form": form},
                          status=400 if request.GET.get("download") else 200)
        payments = selectors.payments_for_export(filters=selectors.PaymentFilters(**form.cleaned_data))
        with row_security_as(bypass=True):  # everyone's payments (PostgreSQL row security would show the staff's)
            rows = [[invoice.created_at.isoformat(), invoice.paid_at.isoformat() if invoice.paid_at else "",
                     csv_cell(invoice.stripe_invoice_id), csv_cell(invoice.user.email if invoice.user else ""),
                     csv_cell(invoice.subscription.plan.name if invoice.subscription else ""), str(invoice.amount),
                     csv_cell(invoice.currency), invoice.status, csv_cell(invoice.hosted_invoice_url)]
                    for invoice in payments.iterator(chunk_size=500)]
        response = StreamingHttpResponse(csv_lines(EXPORT_HEADER, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="payments-{timezone.now():%Y-%m-%d}.csv"'
        return response


@csrf_exempt
@require_POST
def webhook(request: HttpRequest) -> HttpResponse:
    """Stripe's webhook: only a body whose Stripe-Signature verifies (and is recent) is acted on; 400 otherwise.
    A replayed event answers 200 and does nothing; an error answers 500, so Stripe sends it again later."""
    if not settings.BILLING_ENABLED:
        raise Http404("Billing is off.")
    try:
        outcome = services.webhook_receive(payload=request.body,
                                           signature=request.headers.get("Stripe-Signature", ""))
    except gateway.SignatureError:
        log.warning("billing_webhook_refused", reason="signature")
        return HttpResponse("Signature not valid.", status=400, content_type="text/plain")
    except ValueError:
        log.warning("billing_webhook_refused", reason="payload")
        return HttpResponse("Not an event.", status=400, content_type="text/plain")
    return HttpResponse(outcome, content_type="text/plain")
