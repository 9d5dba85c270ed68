"""The goals pages (the list with the safe monthly saving, a goal with its contributions, the form, the what-if)
and the investment-readiness page. Thin: reads through goals.selectors with the signed-in user (another user's
goal is a 404), writes through goals.services, words from goals.pages. No page computes the plan or the
readiness (the worker does, after every change); only the what-if recomputes the plan from its stored inputs.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from core.pages import add_service_errors, preferred_currency
from core.sessions import background_request
from goals import pages, readiness, selectors, services
from goals.forms import ContributionForm, GoalForm, RiskForm, WhatIfForm
from goals.models import Goal, GoalKind

BAD_REQUEST = 400


def _today(request: HttpRequest):
    return request.user.financial_profile.local_today()


class GoalListView(LoginRequiredMixin, View):
    def get(self, request):
        user = request.user
        goals = list(selectors.goal_page_list(user=user))
        stored = selectors.plan_get(user=user)
        currency = preferred_currency(user)
        cards = pages.goal_cards(goals, stored, balances=selectors.account_balances(user=user), currency=currency)
        now = timezone.now()
        return render(request, "goals/list.html", {
            "cards": cards, "stored": stored, "currency": currency,
            "surplus": pages.surplus_shown(stored) if stored else None,
            "computed_ago": pages.ago(stored.computed_at, now) if stored else "",
            "reason": pages.reason_text(stored.reason) if stored else "",
            "updating": pages.plan_behind(goals, stored, cards),
            "has_emergency": any(goal.kind == GoalKind.EMERGENCY for goal in goals),
        })


class GoalDetailView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        return self.respond(request, pk, ContributionForm(initial={"date": _today(request)}))

    @staticmethod
    def respond(request, pk: int, form: ContributionForm, status: int = 200) -> HttpResponse:
        user = request.user
        goal = selectors.goal_page_get(user=user, pk=pk)
        stored = selectors.plan_get(user=user)
        currency = preferred_currency(user)
        balances = selectors.account_balances(user=user)
        card = pages.goal_cards([goal], stored, balances=balances, currency=currency)[0]
        linked = [{"link": link, "balance": balances.get(link.account_id, pages.ZERO),
                   "counted": max(balances.get(link.account_id, pages.ZERO), pages.ZERO) * link.share / 100}
                  for link in goal.linked_accounts.all()]
        return render(request, "goals/detail.html", {
            "goal": goal, "card": card, "stored": stored, "currency": currency, "linked": linked,
            "contributions": selectors.contribution_list(user=user, goal=goal), "form": form,
            "computed_ago": pages.ago(stored.computed_at, timezone.now()) if stored else "",
            "updating": pages.plan_behind([goal], _only(stored, goal), [card]),
            "kind": pages.goal_kind_label(goal.kind),
        }, status=status)


def _only(stored: selectors.StoredPlan | None, goal: Goal) -> selectors.StoredPlan | None:
    """The stored plan as far as one goal goes (whether it counts this goal's latest change)."""
    if stored is None:
        return None
    row = stored.goal(goal.pk)
    return selectors.StoredPlan(plan={**stored.plan, "goals": [row] if row else []}, inputs=stored.inputs,
                                computed_at=stored.computed_at, reason=stored.reason)


class GoalFormView(LoginRequiredMixin, View):
    """Create (no pk) or edit a goal."""

    def form(self, request, goal: Goal | None, data=None) -> GoalForm:
        linked = {link.account_id: link.share for link in goal.linked_accounts.all()} if goal else {}
        accounts = selectors.goal_account_choices(user=request.user, keep=tuple(linked))
        if goal is not None:
            initial: dict[str, Any] = {
                "name": goal.name, "kind": goal.kind, "target_date": goal.target_date, "priority": goal.priority,
                "target_amount": goal.target_amount if goal.kind != GoalKind.EMERGENCY else None,
                "emergency_months": goal.emergency_months or 3, "starting_amount": goal.starting_amount}
        else:
            kind = request.GET.get("kind")
            initial = {"kind": kind} if kind in GoalKind.values else {}
            if kind == GoalKind.EMERGENCY:
                initial["name"] = "Emergency fund"
        return GoalForm(data, initial=initial, accounts=accounts, linked=linked, today=_today(request))

    def respond(self, request, form: GoalForm, goal: Goal | None, status: int = 200) -> HttpResponse:
        return render(request, "goals/form.html", {"form": form, "goal": goal,
                                                   "currency": preferred_currency(request.user)}, status=status)

    def get(self, request, pk: int | None = None):
        goal = selectors.goal_get(user=request.user, pk=pk) if pk else None
        return self.respond(request, self.form(request, goal), goal)

    def post(self, request, pk: int | None = None):
        goal = selectors.goal_get(user=request.user, pk=pk) if pk else None
        form = self.form(request, goal, data=request.POST)
        if form.is_valid():
            fields = form.fields_for_service()
            try:
                if goal is None:
                    goal = services.goal_create(user=request.user, fields=fields, today=_today(request))
                    messages.success(request, f"“{goal.name}” added. Its plan is worked out in a moment.")
                else:
                    services.goal_update(user=request.user, goal=goal, fields=fields, today=_today(request))
                    messages.success(request, f"“{goal.name}” saved. Its plan is worked out again in a moment.")
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("goals:detail", pk=goal.pk)
        return self.respond(request, form, goal, status=BAD_REQUEST)


class GoalDeleteView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        goal = selectors.goal_get(user=request.user, pk=pk)
        return render(request, "goals/delete.html", {"goal": goal})

    def post(self, request, pk: int):
        goal = selectors.goal_get(user=request.user, pk=pk)
        name = goal.name
        services.goal_delete(user=request.user, goal=goal)
        messages.success(request, f"“{name}” deleted, with its contributions. Your accounts are unchanged.")
        return redirect("goals:list")


class ContributionAddView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        goal = selectors.goal_get(user=request.user, pk=pk)
        form = ContributionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.contribution_add(user=request.user, goal=goal, amount=data["amount"], date=data["date"],
                                          note=data["note"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Contribution added.")
                return redirect(reverse("goals:detail", args=[goal.pk]) + "#contributions")
        return GoalDetailView.respond(request, goal.pk, form, status=BAD_REQUEST)


class ContributionDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk: int, contribution_pk: int):
        goal = selectors.goal_get(user=request.user, pk=pk)
        contribution = selectors.contribution_get(user=request.user, goal=goal, pk=contribution_pk)
        services.contribution_delete(user=request.user, contribution=contribution)
        messages.success(request, "Contribution removed.")
        return redirect(reverse("goals:detail", args=[goal.pk]) + "#contributions")


class WhatIfView(LoginRequiredMixin, View):
    """"Save X more a month" and other dates: every goal's plan now and with the change, from the stored inputs."""

    def get(self, request):
        user = request.user
        stored = selectors.plan_get(user=user)
        if stored is None:
            return render(request, "goals/what_if.html", {"stored": None})
        dated = [{"id": g["id"], "name": g["name"], "target_date": pages.iso_date(g["target_date"])}
                 for g in stored.inputs["goals"] if g["target_date"] and g["kind"] != GoalKind.EMERGENCY]
        form = WhatIfForm(request.GET or None, dated=dated, today=_today(request))
        context: dict[str, Any] = {"stored": stored, "form": form, "currency": stored.plan["currency"],
                                   "computed_ago": pages.ago(stored.computed_at, timezone.now())}
        if request.GET and not form.is_valid():
            return render(request, "goals/what_if.html", context, status=BAD_REQUEST)
        extra = (form.cleaned_data.get("extra") if form.is_bound else None) or pages.ZERO
        dates = form.dates() if form.is_bound else {}
        changed = bool(extra or dates)
        then = selectors.what_if(user=user, extra=extra, dates=dates) if changed else stored.plan
        context.update({"changed": changed, "extra": extra, "then": then,
                        "rows": pages.what_if_rows(stored.plan, then or stored.plan),
                        "then_surplus": pages.surplus_shown(selectors.StoredPlan(
                            plan=then or stored.plan, inputs=stored.inputs, computed_at=stored.computed_at,
                            reason=stored.reason))})
        return render(request, "goals/what_if.html", context)


class ReadinessView(LoginRequiredMixin, View):
    def get(self, request):
        return self.respond(request, RiskForm(initial=selectors.risk_answers_get(user=request.user)))

    def post(self, request):
        form = RiskForm(request.POST)
        if form.is_valid():
            try:
                services.risk_answers_save(user=request.user, answers=form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Answers saved. Your score and suggestion update in a minute or so.")
                return redirect("goals:readiness")
        return self.respond(request, form, status=BAD_REQUEST)

    @staticmethod
    def respond(request, form: RiskForm, status: int = 200) -> HttpResponse:
        user = request.user
        report = selectors.readiness_get(user=user)
        profile = selectors.risk_profile_get(user=user)
        result = report.result if report else None
        context: dict[str, Any] = {"report": report, "result": result, "form": form, "answered": profile is not None,
                                   "disclaimer": result["disclaimer"] if result else readiness.DISCLAIMER,
                                   "updating": pages.readiness_behind(report, profile)}
        if report is not None and result is not None:
            context["computed_ago"] = pages.ago(report.computed_at, timezone.now())
            context["failed"] = [gate for gate in result["gates"] if not gate["passed"]]
            if result.get("ready") and result.get("projections"):
                table = readiness.instruments()["categories"]
                suggested = next((p for p in result["projections"] if p["category"] == result["category"]),
                                 result["projections"][0])
                context.update({
                    # Each goal's share is rounded down to the cent: a few cents left are not worth investing.
                    "monthly_investable": max(Decimal(result["monthly_investable"] or 0), pages.ZERO),
                    "suggested": suggested, "category": table.get(result["category"], {}),
                    "chart": pages.projection_chart(suggested, result["currency"]),
                    "projections": [{**p, "name": table.get(p["category"], {}).get("name", p["category"])}
                                    for p in result["projections"]],
                })
        return render(request, "goals/readiness.html", context, status=status)


@background_request
class PlanStatusView(LoginRequiredMixin, View):
    """Polled by the "updating" badge: the badge again while the stored plan or readiness does not count the
    latest change, else a full reload of the page (htmx's HX-Refresh), which then shows the new figures."""

    def get(self, request):
        user = request.user
        goals = list(selectors.goal_page_list(user=user))
        stored = selectors.plan_get(user=user)
        cards = pages.goal_cards(goals, stored, balances=selectors.account_balances(user=user),
                                 currency=preferred_currency(user))
        behind = pages.plan_behind(goals, stored, cards) or pages.readiness_behind(
            selectors.readiness_get(user=user), selectors.risk_profile_get(user=user))
        if behind:
            return render(request, "goals/_updating.html")
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
