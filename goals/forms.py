"""The goal, contribution, what-if and questionnaire forms. They only parse input: goals.services checks the rules
(a name used once, 3 to 6 months, a future date, your own accounts...) and the pages show its messages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms

from goals import readiness
from goals.models import GoalKind, Priority
from goals.services import MAX_YEARS_AHEAD, GoalFields, latest_date

MAX_AMOUNT = Decimal("999999999999.99")  # what a 14-digit money column holds
EMERGENCY_MONTHS = [(3, "3 months"), (4, "4 months"), (5, "5 months"), (6, "6 months")]


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _amount_input(**attrs: str) -> forms.NumberInput:
    return forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal", **attrs})


def _money_field(**kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(max_digits=14, decimal_places=2, max_value=MAX_AMOUNT, **kwargs)


class LinkedAccountsInput(forms.Widget):
    """A row per account: a checkbox named ``accounts`` (its value the account's id) and a share field named
    ``accounts_share_<id>``. Reads back every ticked id with its share, as sent (the service checks them)."""

    def value_from_datadict(self, data, files, name):
        ids = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
        return [(str(raw), data.get(f"{name}_share_{raw}", "")) for raw in ids]

    def value_omitted_from_data(self, data, files, name):
        return False  # no ticked account is an answer too: link none


class LinkedAccountsField(forms.Field):
    widget = LinkedAccountsInput

    def to_python(self, value: Any) -> tuple[tuple[int, int], ...]:
        linked = []
        for raw_id, raw_share in value or []:
            try:
                account_id = int(raw_id)
            except (TypeError, ValueError):
                raise forms.ValidationError("Choose the accounts from the list.") from None
            try:
                share = int(raw_share) if str(raw_share).strip() else 100
            except (TypeError, ValueError):
                raise forms.ValidationError("A share is a whole percentage from 1 to 100.") from None
            linked.append((account_id, share))
        return tuple(linked)


class GoalForm(forms.Form):
    name = forms.CharField(max_length=80, widget=forms.TextInput(attrs={"placeholder": "e.g. Summer trip"}),
                           error_messages={"required": "Give the goal a name."})
    kind = forms.ChoiceField(label="Kind of goal", choices=GoalKind.choices, initial=GoalKind.SHORT_TERM,
                             widget=forms.Select(attrs={"data-goal-kind": ""}),
                             help_text="A goal with a date counts as short- or long-term by its date.")
    target_amount = _money_field(label="Target amount", required=False, widget=_amount_input(placeholder="0.00"),
                                 help_text="How much the goal needs.")
    emergency_months = forms.IntegerField(
        label="Months of essential spending", required=False, initial=3,
        widget=forms.Select(choices=EMERGENCY_MONTHS),
        help_text="Its target is your usual month of rent, bills, groceries and transport times this, and moves "
                  "with your spending.")
    target_date = forms.DateField(label="Target date", required=False, widget=_date_input(),
                                  help_text="Leave empty for a goal that can take as long as it needs.")
    priority = forms.TypedChoiceField(choices=Priority.choices, coerce=int, initial=Priority.MEDIUM,
                                      help_text="Goals of higher priority are saved for first.")
    starting_amount = _money_field(label="Already saved", required=False, widget=_amount_input(placeholder="0.00"),
                                   help_text="What you had put aside for it before today.")
    accounts = LinkedAccountsField(label="Savings that count toward it", required=False)

    def __init__(self, *args: Any, accounts: list[Any], linked: dict[int, int] | None = None, today: dt.date,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account_choices = accounts
        self.linked = linked or {}
        self.today = today

    def clean_target_date(self) -> dt.date | None:
        value = self.cleaned_data.get("target_date")
        if value is not None and value > latest_date(self.today):
            raise forms.ValidationError(f"Choose a date within {MAX_YEARS_AHEAD} years.")
        return value

    def account_rows(self) -> list[dict[str, Any]]:
        """Each account offered, ticked or not, with its share: as sent back, else as linked now."""
        if self.is_bound:
            sent = dict(self["accounts"].value() or [])
            return [{"account": a, "checked": str(a.pk) in sent, "share": sent.get(str(a.pk)) or 100}
                    for a in self.account_choices]
        return [{"account": a, "checked": a.pk in self.linked, "share": self.linked.get(a.pk, 100)}
                for a in self.account_choices]

    def fields_for_service(self) -> GoalFields:
        data = self.cleaned_data
        return GoalFields(
            name=data["name"], kind=data["kind"],
            # An emergency fund's target is worked out from the person's spending, never typed in.
            target_amount=None if data["kind"] == GoalKind.EMERGENCY else data.get("target_amount"),
            target_date=data.get("target_date"), priority=data["priority"],
            emergency_months=data.get("emergency_months"),
            starting_amount=data.get("starting_amount") or Decimal("0.00"), accounts=data.get("accounts") or ())


class ContributionForm(forms.Form):
    amount = _money_field(min_value=-MAX_AMOUNT, widget=_amount_input(placeholder="0.00"),
                          error_messages={"required": "Enter an amount."},
                          help_text="A minus sign for money taken back out.")
    date = forms.DateField(widget=_date_input())
    note = forms.CharField(max_length=200, required=False)


class WhatIfForm(forms.Form):
    """"Save this much more a month" and another date for each goal that has one."""

    extra = _money_field(label="Save this much more a month", required=False, min_value=Decimal("0"),
                         widget=_amount_input(placeholder="0.00", min="0"))

    def __init__(self, *args: Any, dated: list[dict[str, Any]], today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.dated = dated
        for goal in dated:
            self.fields[f"date_{goal['id']}"] = forms.DateField(
                label=goal["name"], required=False, initial=goal["target_date"], widget=_date_input())

    def date_fields(self) -> list[forms.BoundField]:
        return [self[f"date_{goal['id']}"] for goal in self.dated]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for goal in self.dated:
            key = f"date_{goal['id']}"
            value = data.get(key)
            if value is None or value == goal["target_date"]:
                continue
            if value <= self.today:
                self.add_error(key, "Choose a date after today.")
            elif value > latest_date(self.today):
                self.add_error(key, f"Choose a date within {MAX_YEARS_AHEAD} years.")
        return data

    def dates(self) -> dict[int, dt.date | None]:
        """Only the dates changed from the goals' own."""
        return {goal["id"]: self.cleaned_data[f"date_{goal['id']}"] for goal in self.dated
                if self.cleaned_data.get(f"date_{goal['id']}") not in (None, goal["target_date"])}


class RiskForm(forms.Form):
    """The short questionnaire of goals.readiness.QUESTIONS."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, spec in readiness.QUESTIONS.items():
            self.fields[key] = forms.ChoiceField(label=spec["text"], choices=list(spec["choices"].items()),
                                                 widget=forms.RadioSelect(attrs={"class": "rounded-full"}),
                                                 error_messages={"required": "Choose one of the answers."})
