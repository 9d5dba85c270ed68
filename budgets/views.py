"""Budget pages: this month's budgets with their progress and suggestions, add/edit/delete, accept suggestions,
and the monthly history chart. Reads go through budgets.selectors with the signed-in user; another user's budget
is a 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from budgets import selectors, services
from budgets.forms import BudgetEditForm, BudgetForm, SuggestionAcceptAllForm, SuggestionAcceptForm, month_parse
from core.money import money_text
from core.pages import add_service_errors


def _month_url(month: dt.date) -> str:
    return f"{reverse('budgets:list')}?month={month:%Y-%m}"


def _method_label(method: str) -> str:
    return "Predicted from your spending pattern" if method == "model" else "The median of your last 3 months"


def budget_page_context(request, month: dt.date, form: BudgetForm | None = None) -> dict:
    user = request.user
    today = user.financial_profile.local_today()
    services.budget_month_open(user=user, month=month, today=today)
    progress = selectors.budget_progress(user=user, month=month, today=today)
    suggestions = {(s.category.pk if s.category is not None else None): s
                   for s in selectors.suggestion_list(user=user, month=month)}
    categories = selectors.budget_categories(user=user)
    budgeted = {p.budget.category_id for p in progress}
    rows = [{"progress": p, "suggestion": suggestions.get(p.budget.category_id),
             "method": _method_label(suggestions[p.budget.category_id].method)
             if p.budget.category_id in suggestions else ""}
            for p in progress]
    unbudgeted = [{"suggestion": s, "method": _method_label(s.method),
                   "name": s.category.name if s.category is not None else "Overall",
                   "key": s.category.pk if s.category is not None else ""}
                  for cid, s in suggestions.items() if cid not in budgeted]
    unbudgeted.sort(key=lambda row: (row["key"] != "", row["name"].lower()))
    if form is None:
        initial = {}
        if request.GET.get("category", "").isdigit() and len(request.GET["category"]) <= 18:
            initial["category"] = request.GET["category"]
        amount = request.GET.get("amount", "")
        try:
            if amount and Decimal(amount) >= 0:
                initial["amount"] = Decimal(amount).quantize(Decimal("0.01"))
        except ArithmeticError:
            pass
        form = BudgetForm(initial=initial, categories=categories)
    overall = next((row for row in rows if row["progress"].budget.category_id is None), None)
    this_month = selectors.month_start(today)
    return {
        "month": month, "this_month": this_month, "is_current": month == this_month,
        "previous_month": selectors.month_add(month, -1), "next_month": selectors.month_add(month, 1),
        "overall": overall, "rows": [row for row in rows if row is not overall], "unbudgeted": unbudgeted,
        "has_suggestions": bool(suggestions), "form": form, "month_elapsed": selectors.month_elapsed_percent(month, today),
        "currency": user.financial_profile.preferred_currency,
    }


class BudgetListView(LoginRequiredMixin, View):
    def get(self, request):
        month = month_parse(request.GET.get("month")) or selectors.month_start(
            request.user.financial_profile.local_today())
        return render(request, "budgets/list.html", budget_page_context(request, month))


class BudgetCreateView(LoginRequiredMixin, View):
    def post(self, request):
        month = month_parse(request.POST.get("month")) or selectors.month_start(
            request.user.financial_profile.local_today())
        form = BudgetForm(request.POST, categories=selectors.budget_categories(user=request.user))
        if form.is_valid():
            try:
                budget = services.budget_set(user=request.user, category=form.cleaned_data["category"], month=month,
                                             amount=form.cleaned_data["amount"],
                                             rollover=form.cleaned_data["rollover"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Budget for {selectors.budget_name(budget)} in {month:%B %Y} saved.")
                return redirect(_month_url(month))
        return render(request, "budgets/list.html", budget_page_context(request, month, form=form), status=400)


class BudgetEditView(LoginRequiredMixin, View):
    def render_form(self, request, budget, form, status=200):
        return render(request, "budgets/edit.html", {"budget": budget, "form": form,
                                                     "name": selectors.budget_name(budget)}, status=status)

    def get(self, request, pk: int):
        budget = selectors.budget_get(user=request.user, pk=pk)
        form = BudgetEditForm(initial={"amount": budget.amount, "rollover": budget.rollover})
        return self.render_form(request, budget, form)

    def post(self, request, pk: int):
        budget = selectors.budget_get(user=request.user, pk=pk)
        form = BudgetEditForm(request.POST)
        if form.is_valid():
            try:
                services.budget_set(user=request.user, category=budget.category, month=budget.month,
                                    amount=form.cleaned_data["amount"], rollover=form.cleaned_data["rollover"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Budget for {selectors.budget_name(budget)} saved.")
                return redirect(_month_url(budget.month))
        return self.render_form(request, budget, form, status=400)


class BudgetDeleteView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        budget = selectors.budget_get(user=request.user, pk=pk)
        return render(request, "budgets/delete.html", {"budget": budget, "name": selectors.budget_name(budget)})

    def post(self, request, pk: int):
        budget = selectors.budget_get(user=request.user, pk=pk)
        services.budget_delete(user=request.user, budget=budget)
        messages.success(request, f"Budget for {selectors.budget_name(budget)} in {budget.month:%B %Y} deleted.")
        return redirect(_month_url(budget.month))


class SuggestionAcceptView(LoginRequiredMixin, View):
    def post(self, request):
        form = SuggestionAcceptForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
            return redirect("budgets:list")
        month, category_id = form.cleaned_data["month"], form.cleaned_data["category"]
        category = None
        if category_id is not None:
            category = next((c for c in selectors.budget_categories(user=request.user) if c.pk == category_id), None)
            if category is None:
                messages.error(request, "Choose one of your expense categories.")
                return redirect(_month_url(month))
        try:
            budget = services.suggestion_accept(user=request.user, month=month, category=category)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Budget for {selectors.budget_name(budget)} set to the suggested "
                                      f"{money_text(budget.amount, budget.currency)}.")
        return redirect(_month_url(month))


class SuggestionAcceptAllView(LoginRequiredMixin, View):
    def post(self, request):
        form = SuggestionAcceptAllForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
            return redirect("budgets:list")
        month = form.cleaned_data["month"]
        try:
            budgets = services.suggestions_accept_all(user=request.user, month=month)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{len(budgets)} suggested budget{'s' if len(budgets) != 1 else ''} set for "
                                      f"{month:%B %Y}.")
        return redirect(_month_url(month))


class BudgetHistoryView(LoginRequiredMixin, View):
    def get(self, request):
        history = selectors.budget_history(user=request.user)
        choices: dict[str, str] = {}
        for month in history:
            for entry in month["budgets"]:
                choices.setdefault("overall" if entry.category_id is None else str(entry.category_id), entry.name)
        options = sorted(choices.items(), key=lambda item: (item[0] != "overall", item[1].lower()))
        selected = request.GET.get("category", "")
        if selected not in choices:
            selected = "overall" if "overall" in choices else (options[0][0] if options else "")
        rows = []
        for month in history:
            entry = next((e for e in month["budgets"]
                          if ("overall" if e.category_id is None else str(e.category_id)) == selected), None)
            rows.append({"month": month["month"], "available": entry.available if entry else None,
                         "spent": entry.spent if entry else None,
                         "left": entry.available - entry.spent if entry else None,
                         "currency": entry.currency if entry else request.user.financial_profile.preferred_currency})
        chart = {
            "labels": [f"{row['month']:%b %Y}" for row in rows],
            "budget": [str(row["available"]) if row["available"] is not None else None for row in rows],
            "spent": [str(row["spent"]) if row["spent"] is not None else None for row in rows],
            "currency": rows[-1]["currency"] if rows else "",
        }
        return render(request, "budgets/history.html", {
            "options": options, "selected": selected, "selected_name": choices.get(selected, ""),
            "rows": rows, "chart": chart, "has_data": bool(choices),
        })
