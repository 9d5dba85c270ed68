"""The bill form. It only parses input; payments.services checks the rules and writes."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from accounts.currencies import currency_choices
from payments.models import Frequency, RecurringPayment
from transactions.forms import CategoryChoiceField
from transactions.models import Account

# Which schedule fields each frequency uses; bills.js shows only those.
INTERVAL_FREQUENCIES = (Frequency.EVERY_N_WEEKS, Frequency.EVERY_N_DAYS)
DAY_FREQUENCIES = (Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.YEARLY)


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _amount_input(**attrs) -> forms.NumberInput:
    return forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal", **attrs})


class BillForm(forms.Form):
    name = forms.CharField(max_length=100, widget=forms.TextInput(attrs={"placeholder": "e.g. Rent"}))
    payee = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"placeholder": "e.g. Hausverwaltung Mueller"}),
                            help_text="As it appears on your statement: payments to it mark the bill paid.")
    amount = forms.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0"), widget=_amount_input(
        placeholder="0.00"), error_messages={"required": "Enter the expected amount."})
    amount_max = forms.DecimalField(label="Varies up to", max_digits=14, decimal_places=2, required=False,
                                    min_value=Decimal("0"), widget=_amount_input(placeholder="same"),
                                    help_text="For a bill whose amount changes, such as electricity.")
    currency = forms.ChoiceField(choices=currency_choices)
    account = forms.ModelChoiceField(queryset=Account.objects.none(), required=False, empty_label="Any account",
                                     help_text="Only payments from this account count.")
    category = CategoryChoiceField(required=False)
    frequency = forms.ChoiceField(choices=Frequency.choices, initial=Frequency.MONTHLY)
    interval = forms.IntegerField(label="Every", min_value=1, max_value=366, required=False, initial=1,
                                  help_text="Number of weeks or days between payments.")
    day_of_month = forms.IntegerField(label="Day of the month", min_value=1, max_value=31, required=False,
                                      help_text="Empty: the start date's day. A short month uses its last day.")
    start_date = forms.DateField(label="First due date", widget=_date_input())
    end_date = forms.DateField(label="Last due date", required=False, widget=_date_input())
    reminder_lead_days = forms.IntegerField(label="Remind me (days before)", min_value=0, max_value=60,
                                            required=False,
                                            help_text="Empty: as in your notification settings.")
    is_active = forms.BooleanField(label="Active", required=False, initial=True,
                                   help_text="A paused bill is neither reminded nor matched.")
    notes = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = Account.objects.filter(owner=user).order_by("name")
        self.fields["category"].set_categories(categories)
        self.fields["frequency"].widget.attrs["data-bill-frequency"] = ""
        self.fields["currency"].initial = user.financial_profile.preferred_currency

    def clean(self):
        cleaned = super().clean()
        frequency = cleaned.get("frequency")
        if frequency not in INTERVAL_FREQUENCIES:
            cleaned["interval"] = 1
        elif cleaned.get("interval") is None and "interval" not in self.errors:
            self.add_error("interval", "Enter how many weeks or days apart the payments are.")
        if frequency not in DAY_FREQUENCIES:
            cleaned["day_of_month"] = None
        elif cleaned.get("day_of_month") is None and cleaned.get("start_date"):
            cleaned["day_of_month"] = cleaned["start_date"].day
        amount, amount_max = cleaned.get("amount"), cleaned.get("amount_max")
        if amount is not None and amount_max is not None and amount_max == amount:
            cleaned["amount_max"] = None  # "varies up to" the same amount is a fixed amount
        return cleaned

    def service_data(self) -> dict:
        """The cleaned fields as the services take them."""
        data = dict(self.cleaned_data)
        data["notes"] = data.get("notes") or ""
        return data


def bill_initial(payment: RecurringPayment) -> dict:
    initial = {name: getattr(payment, name) for name in (
        "name", "payee", "amount", "amount_max", "currency", "frequency", "interval", "day_of_month", "start_date",
        "end_date", "reminder_lead_days", "is_active", "notes")}
    initial["account"] = payment.account_id
    initial["category"] = payment.category
    return initial

