"""The accounts page: balances and how they compare with the bank's, add, edit and delete an account (with what
deleting it takes along), and the adjustment that makes Finsight agree with a bank statement."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from core.money import money_text
from core.pages import add_service_errors, preferred_currency, safe_next
from transactions import selectors, services
from transactions.forms import AccountAdjustForm, AccountForm


class AccountListView(LoginRequiredMixin, View):
    def render(self, request, form):
        accounts = list(selectors.account_list(user=request.user))
        counts = selectors.account_transaction_counts(user=request.user)
        totals: dict[str, Decimal] = {}
        for account in accounts:
            account.transaction_count = counts.get(account.pk, 0)
            totals[account.currency] = totals.get(account.currency, Decimal("0")) + account.balance
        return render(request, "transactions/accounts.html", {
            "accounts": accounts, "totals": sorted(totals.items()), "form": form,
        })

    def get(self, request):
        currency = preferred_currency(request.user)
        return self.render(request, AccountForm(initial={"currency": currency}))

    def post(self, request):
        form = AccountForm(request.POST)
        if form.is_valid():
            try:
                account = services.account_create(user=request.user, **form.account_fields())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Account “{account.name}” added.")
                return redirect("transactions:accounts")
        return self.render(request, form)


class AccountEditView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        account = selectors.account_get(user=request.user, pk=pk)
        today = request.user.financial_profile.local_today()
        form = AccountForm(editing=True, initial=AccountForm.initial_for(account, today=today))
        return render(request, "transactions/account_edit.html", {"account": account, "form": form})

    def post(self, request, pk: int):
        account = selectors.account_get(user=request.user, pk=pk)
        form = AccountForm(request.POST, editing=True)
        if form.is_valid():
            try:
                services.account_update(account=account, data=form.account_fields())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Account “{account.name}” saved.")
                return redirect("transactions:accounts")
        return render(request, "transactions/account_edit.html", {"account": account, "form": form})


class AccountDeleteView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        account = selectors.account_get(user=request.user, pk=pk)
        return render(request, "transactions/account_delete.html", {
            "account": account, "transaction_count": account.transactions.count(),
        })

    def post(self, request, pk: int):
        account = selectors.account_get(user=request.user, pk=pk)
        name = account.name
        count = services.account_delete(user=request.user, account=account)
        messages.success(request, f"Account “{name}” deleted with its {count} transaction{'' if count == 1 else 's'}.")
        return redirect("transactions:accounts")


class AccountAdjustView(LoginRequiredMixin, View):
    """Add the adjustment that makes Finsight's balance on a day what the bank's statement says; back to the page
    the button was on."""

    def post(self, request, pk: int):
        account = selectors.account_get(user=request.user, pk=pk)
        back = safe_next(request, reverse("transactions:accounts"))
        form = AccountAdjustForm(request.POST)
        if not form.is_valid():
            problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
            messages.error(request, f"Nothing was adjusted. {problems}")
            return redirect(back)
        try:
            adjustment = services.account_balance_adjust(user=request.user, account=account,
                                                         on=form.cleaned_data["date"],
                                                         bank_balance=form.cleaned_data["bank_balance"])
        except ValidationError as error:
            messages.error(request, f"Nothing was adjusted. {' '.join(error.messages)}")
        else:
            messages.success(request, f"Added an adjustment of {money_text(adjustment.amount, account.currency)} "
                                      f"on {adjustment.date.day} {adjustment.date:%b %Y}: {account.name} now agrees "
                                      f"with the bank.")
        return redirect(back)
