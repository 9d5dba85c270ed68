"""The accounts page: balances, add, edit and delete an account (with what deleting it takes along)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from core.pages import add_service_errors, preferred_currency
from transactions import selectors, services
from transactions.forms import (
    AccountForm,
)


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
        return self.render(request, AccountForm(initial={"currency": currency, "opening_date": timezone.localdate()}))

    def post(self, request):
        form = AccountForm(request.POST)
        if form.is_valid():
            try:
                account = services.account_create(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Account “{account.name}” added.")
                return redirect("transactions:accounts")
        return self.render(request, form)


class AccountEditView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        account = selectors.account_get(user=request.user, pk=pk)
        form = AccountForm(editing=True, initial={
            "name": account.name, "kind": account.kind, "opening_balance": account.opening_balance,
            "opening_date": account.opening_date,
        })
        return render(request, "transactions/account_edit.html", {"account": account, "form": form})

    def post(self, request, pk: int):
        account = selectors.account_get(user=request.user, pk=pk)
        form = AccountForm(request.POST, editing=True)
        if form.is_valid():
            try:
                services.account_update(account=account, data=form.cleaned_data)
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
