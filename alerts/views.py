"""The alerts page: the charges Finsight flagged, with their reasons and the person's answers. Reads go through
alerts.selectors with the signed-in user; another user's alert is a 404. Nothing here scores: a worker does."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views import View

from alerts import selectors, services
from alerts.forms import AlertFilterForm, FeedbackForm
from core.pages import is_htmx

PAGE_SIZE = 20


class AlertListView(LoginRequiredMixin, View):
    def get(self, request):
        form = AlertFilterForm(request.GET)
        filters = form.cleaned_data if form.is_valid() else {}
        alerts = selectors.alert_list(user=request.user, level=filters.get("level", ""),
                                      status=filters.get("status", ""),
                                      transaction_id=filters.get("transaction"))
        paginator = Paginator(alerts, PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        return render(request, "alerts/list.html", {
            "form": form, "page": page, "alerts": page.object_list,
            "page_numbers": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "filtered": any(filters.values()), "checked_at": selectors.last_scan_at(user=request.user),
        })


class AlertDetailView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        alert = selectors.alert_get(user=request.user, pk=pk)
        return render(request, "alerts/detail.html", {"alert": alert})


class AlertFeedbackView(LoginRequiredMixin, View):
    """An answer to an alert. With htmx the alert's card is swapped for the answer; without, the alert's page."""

    def post(self, request, pk: int) -> HttpResponse:
        alert = selectors.alert_get(user=request.user, pk=pk)
        form = FeedbackForm(request.POST)
        decision, error, status = None, "", 200
        if form.is_valid():
            try:
                decision = services.alert_decide(user=request.user, alert=alert, verdict=form.cleaned_data["verdict"],
                                                 delete_transaction_id=form.cleaned_data["delete_transaction"])
            except ValidationError as problem:
                error, status = " ".join(problem.messages), 400
        else:
            error, status = "Choose one of the answers.", 400
        alert = selectors.alert_get(user=request.user, pk=pk)
        context = {"alert": alert, "decision": decision, "error": error}
        template = "alerts/_alert.html" if is_htmx(request) else "alerts/detail.html"
        return render(request, template, context, status=status)
