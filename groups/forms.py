"""Forms for the group pages. They only parse what was typed; groups.services checks the rules and writes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms

from accounts.currencies import currency_choices
from core.money import money_text
from groups.models import SplitMode
from groups.services import Part
from transactions.forms import CategoryChoiceField
from transactions.models import Transaction

# Per-member inputs of the expense form, by split mode (groups.js shows the ones of the chosen mode).
SPLIT_PREFIX = {SplitMode.EXACT: "exact", SplitMode.PERCENT: "percent", SplitMode.SHARES: "weight"}
LINK_DAYS_BEFORE, LINK_DAYS_AFTER, LINK_LIMIT = 30, 7, 40


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _amount_input(**attrs) -> forms.NumberInput:
    return forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal", **attrs})


def member_name(user) -> str:
    return user.get_short_name() or user.email


class GroupCreateForm(forms.Form):
    name = forms.CharField(max_length=100, widget=forms.TextInput(attrs={"placeholder": "e.g. Summer trip"}))
    currency = forms.ChoiceField(choices=currency_choices)


class GroupRenameForm(forms.Form):
    name = forms.CharField(label="Group name", max_length=100)


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email address", widget=forms.EmailInput(attrs={"placeholder": "friend@example.com"}))


class SettlementForm(forms.Form):
    payer = forms.TypedChoiceField(label="Who paid", coerce=int)
    payee = forms.TypedChoiceField(label="To whom", coerce=int)
    amount = forms.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"), widget=_amount_input())
    date = forms.DateField(required=False, widget=_date_input())

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(m.user_id, member_name(m.user)) for m in members]
        self.fields["payer"].choices = choices
        self.fields["payee"].choices = choices


class ExpenseFilterForm(forms.Form):
    """The filters above a group's expenses; a value that does not parse is ignored, never an error page."""

    q = forms.CharField(label="Search", required=False, max_length=100)
    member = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    category = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    start = forms.DateField(label="From", required=False, widget=_date_input())
    end = forms.DateField(label="To", required=False, widget=_date_input())

    def __init__(self, *args, members, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "Anyone")] + [(m.user_id, member_name(m.user)) for m in members]
        self.fields["category"].choices = [("", "Any category")] + [(c.pk, c.name) for c in categories]

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"member_id": data.get("member"), "category_id": data.get("category"), "start": data.get("start"),
                "end": data.get("end"), "search": (data.get("q") or "").strip()}


class ExpenseForm(forms.Form):
    """An expense with who paid and how it is split. Per member (``<prefix>_<user id>``): ``paid_`` (several
    payers), ``in_`` (equal split), ``exact_``, ``percent_`` and ``weight_`` (shares)."""

    description = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"placeholder": "e.g. Groceries"}))
    date = forms.DateField(widget=_date_input())
    amount = forms.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"),
                                widget=_amount_input(placeholder="0.00", **{"data-expense-amount": ""}))
    currency = forms.ChoiceField(choices=currency_choices,
                                 help_text="Another currency is converted at the ECB rate of the date.",
                                 widget=forms.Select(attrs={"data-expense-currency": ""}))
    category = CategoryChoiceField(required=False, empty_label="No category")
    paid_by = forms.ChoiceField(label="Who paid", widget=forms.RadioSelect(attrs={"data-paid-by": ""}),
                                choices=[("me", "I paid it all"), ("several", "Someone else, or several people")],
                                initial="me")
    split_mode = forms.ChoiceField(label="Split", choices=SplitMode.choices, initial=SplitMode.EQUAL,
                                   widget=forms.RadioSelect(attrs={"data-split-mode": ""}))
    notes = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    transaction = forms.TypedChoiceField(label="Link to my transaction", required=False, coerce=int,
                                         empty_value=None,
                                         help_text="The payment in your own ledger that paid this expense, "
                                                   "kept with the expense for your records.")

    def __init__(self, *args, user, group, members, categories, transactions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.group, self.members = user, group, members
        self.section_errors: dict[str, list[str]] = {}
        self.fields["category"].set_categories(categories)
        self.fields["currency"].initial = group.currency
        if transactions is None:
            del self.fields["transaction"]
        else:
            self.fields["transaction"].choices = [("", "Not linked")] + [
                (t.pk, f"{t.date:%-d %b} · {t.description[:50]} · {money_text(-t.amount, t.currency)}")
                for t in transactions]
        for member in members:
            uid = member.user_id
            self.fields[f"paid_{uid}"] = forms.DecimalField(
                label=f"{member_name(member.user)} paid", required=False, max_digits=14, decimal_places=2,
                min_value=Decimal("0"), widget=_amount_input(placeholder="0.00", **{"data-paid": uid}))
            self.fields[f"in_{uid}"] = forms.BooleanField(
                label=f"{member_name(member.user)} shares", required=False, initial=True,
                widget=forms.CheckboxInput(attrs={"data-share-in": uid}))
            self.fields[f"exact_{uid}"] = forms.DecimalField(
                label=f"{member_name(member.user)}'s part", required=False, max_digits=14, decimal_places=2,
                min_value=Decimal("0"), widget=_amount_input(placeholder="0.00", **{"data-share-exact": uid}))
            self.fields[f"percent_{uid}"] = forms.DecimalField(
                label=f"{member_name(member.user)}'s percentage", required=False, max_digits=7, decimal_places=4,
                min_value=Decimal("0"), max_value=Decimal("100"),
                widget=forms.NumberInput(attrs={"step": "any", "min": "0", "max": "100", "inputmode": "decimal",
                                                "placeholder": "0", "data-share-percent": uid}))
            self.fields[f"weight_{uid}"] = forms.DecimalField(
                label=f"{member_name(member.user)}'s shares", required=False, max_digits=10, decimal_places=4,
                min_value=Decimal("0"),
                widget=forms.NumberInput(attrs={"step": "any", "min": "0", "inputmode": "decimal",
                                                "placeholder": "0", "data-share-weight": uid}))

    def member_rows(self) -> list[dict]:
        return [{"member": m, "name": member_name(m.user), "paid": self[f"paid_{m.user_id}"],
                 "included": self[f"in_{m.user_id}"], "exact": self[f"exact_{m.user_id}"],
                 "percent": self[f"percent_{m.user_id}"], "weight": self[f"weight_{m.user_id}"]}
                for m in self.members]

    def add_section_error(self, section: str, messages: list[str]) -> None:
        self.section_errors.setdefault(section, []).extend(messages)

    def service_data(self) -> dict:
        data = self.cleaned_data
        mode = data["split_mode"]
        if data["paid_by"] == "me":
            payers = [Part(self.user.pk, data["amount"])]
        else:
            payers = [Part(m.user_id, data[f"paid_{m.user_id}"]) for m in self.members
                      if data.get(f"paid_{m.user_id}")]
        if mode == SplitMode.EQUAL:
            shares = [Part(m.user_id) for m in self.members if data.get(f"in_{m.user_id}")]
        else:
            prefix = SPLIT_PREFIX[mode]
            shares = [Part(m.user_id, data[f"{prefix}_{m.user_id}"]) for m in self.members
                      if data.get(f"{prefix}_{m.user_id}") is not None]
        result = {"description": data["description"], "amount": data["amount"], "currency": data["currency"],
                  "on": data["date"], "payers": payers, "shares": shares, "split_mode": mode,
                  "category": data.get("category"), "notes": data.get("notes", "")}
        if "transaction" in self.fields:
            result["transaction_id"] = data.get("transaction")
        return result


def expense_initial(expense, *, user, members) -> dict:
    """The form's values for an existing expense, as typed (payers and exact parts in its own currency)."""
    initial = {"description": expense.description, "date": expense.date, "amount": expense.original_amount,
               "currency": expense.original_currency, "category": expense.category_id or "",
               "split_mode": expense.split_mode, "notes": expense.notes}
    payers = list(expense.payers.all())
    rate = expense.fx_rate or Decimal(1)
    if len(payers) == 1 and payers[0].user_id == user.pk:
        initial["paid_by"] = "me"
    else:
        initial["paid_by"] = "several"
    for payer in payers:
        typed = expense.original_amount if len(payers) == 1 else (payer.paid / rate).quantize(Decimal("0.01"))
        initial[f"paid_{payer.user_id}"] = typed
    shares = list(expense.shares.all())
    sharing = {s.user_id for s in shares}
    for share in shares:
        if expense.split_mode == SplitMode.EXACT:
            initial[f"exact_{share.user_id}"] = share.weight.quantize(Decimal("0.01"))
        elif expense.split_mode == SplitMode.PERCENT:
            initial[f"percent_{share.user_id}"] = share.weight.normalize()
        elif expense.split_mode == SplitMode.SHARES:
            initial[f"weight_{share.user_id}"] = share.weight.normalize()
    for member in members:
        initial[f"in_{member.user_id}"] = member.user_id in sharing
    return initial


def linkable_transactions(*, user, around: dt.date) -> list[Transaction]:
    """The user's own money-out transactions near a date, newest first, for "link to my transaction"."""
    return list(Transaction.objects.filter(
        owner=user, amount__lt=0, date__gte=around - dt.timedelta(days=LINK_DAYS_BEFORE),
        date__lte=around + dt.timedelta(days=LINK_DAYS_AFTER)).order_by("-date", "-id")[:LINK_LIMIT])
