"""Forms for the budget pages. They only parse input; the services validate and write."""

from __future__ import annotations

import datetime as dt
import re

from django import forms

from transactions.forms import CategoryChoiceField

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def month_parse(value: str | None) -> dt.date | None:
    """"2026-11" -> date(2026, 11, 1); None for anything else."""
    match = MONTH_RE.match((value or "").strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (1900 <= year <= 9998 and 1 <= month <= 12):
        return None
    return dt.date(year, month, 1)


class MonthField(forms.CharField):
    default_error_messages = {"invalid": "Enter a month as YYYY-MM, e.g. 2026-11."}

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        month = month_parse(value)
        if month is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return month


class BudgetForm(forms.Form):
    category = CategoryChoiceField(label="Category", required=False, empty_label="Overall (all spending)",
                                   top_label="{name} (all)")
    amount = forms.DecimalField(label="Amount per month", max_digits=14, decimal_places=2, min_value=0,
                                widget=forms.NumberInput(attrs={"step": "0.01", "placeholder": "0.00",
                                                                "inputmode": "decimal"}))
    rollover = forms.BooleanField(label="Roll over", required=False,
                                  help_text="Carry what is left (or overspent) into next month.")

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].set_categories(categories)


class BudgetEditForm(forms.Form):
    amount = forms.DecimalField(label="Amount per month", max_digits=14, decimal_places=2, min_value=0,
                                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
    rollover = forms.BooleanField(label="Roll over", required=False,
                                  help_text="Carry what is left (or overspent) into next month.")


class SuggestionAcceptForm(forms.Form):
    month = MonthField()
    category = forms.CharField(required=False, help_text="A category id, or empty for the overall budget.")

    def clean_category(self):
        value = (self.cleaned_data.get("category") or "").strip()
        if value in ("", "overall"):
            return None
        if not value.isdigit() or len(value) > 18:
            raise forms.ValidationError("Choose a category.")
        return int(value)


class SuggestionAcceptAllForm(forms.Form):
    month = MonthField()
