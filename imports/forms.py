"""Forms of the import pages: the upload, and the column mapping when the importer could not decide alone."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from imports import services as import_services
from transactions.models import Account


class ImportMappingForm(forms.Form):
    """Which column of the file is which, for an import the importer could not map on its own.

    Columns are chosen by their 0-based index; the result is the importer's mapping JSON.
    """

    date = forms.TypedChoiceField(coerce=int, label="Date column")
    date_order = forms.ChoiceField(label="Dates are written", choices=[
        ("dmy", "Day first (31/12/2026)"), ("mdy", "Month first (12/31/2026)"),
    ])
    amount = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Amount column",
                                    help_text="One signed amount per row. Leave empty if the file has separate "
                                              "debit and credit columns.")
    debit = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Money out (debit) column")
    credit = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Money in (credit) column")
    flag = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Debit/credit marker column",
                                  help_text="A column of D/C, Af/Bij or similar that gives the amount its sign.")
    description = forms.TypedMultipleChoiceField(coerce=int, required=False, label="Description columns",
                                                 widget=forms.CheckboxSelectMultiple,
                                                 help_text="Several columns are joined with spaces.")
    merchant = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Payee / merchant column")
    balance = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Balance column",
                                     help_text="The balance after each row, if the file has it: Finsight checks its "
                                               "own balance against the bank's last one.")
    decimal = forms.ChoiceField(label="Decimal separator", choices=[
        (".", "Point (1,234.56)"), (",", "Comma (1.234,56)"),
    ])
    negate = forms.BooleanField(required=False, label="Amounts are positive for money out",
                                help_text="Common for credit card statements.")

    COLUMN_FIELDS = ("date", "amount", "debit", "credit", "flag", "merchant", "balance")

    def __init__(self, *args, columns: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        options = [(str(index), name or f"Column {index + 1}") for index, name in enumerate(columns)]
        for name in self.COLUMN_FIELDS:
            field = self.fields[name]
            field.choices = options if field.required else [("", "None"), *options]
        self.fields["description"].choices = options

    def clean(self):
        cleaned = super().clean()
        amount, debit, credit = cleaned.get("amount"), cleaned.get("debit"), cleaned.get("credit")
        if amount is None and debit is None and credit is None and not self.has_error("amount"):
            self.add_error("amount", "Choose the amount column, or the debit and credit columns.")
        if amount is not None and (debit is not None or credit is not None):
            self.add_error("amount", "Choose either one amount column or debit and credit columns, not both.")
        if not cleaned.get("description") and cleaned.get("merchant") is None:
            self.add_error("description", "Choose at least one column that describes the transaction.")
        chosen = [cleaned.get(name) for name in ("date", "amount", "debit", "credit", "flag", "balance")]
        chosen = [index for index in chosen if index is not None]
        if len(chosen) != len(set(chosen)):
            raise ValidationError("The same column is chosen for two different things.")
        return cleaned

    def mapping(self, base: dict) -> dict:
        """The importer's mapping: the detected layout and options, with the person's choices on top."""
        data = self.cleaned_data
        return {**base, **{name: data[name] for name in self.COLUMN_FIELDS}, "description": data["description"],
                "date_order": data["date_order"], "decimal": data["decimal"], "negate": data["negate"]}


class ImportUploadForm(forms.Form):
    account = forms.ModelChoiceField(queryset=Account.objects.none(), empty_label=None,
                                     help_text="The account this statement belongs to.")
    file = forms.FileField(
        label="Bank export",
        help_text="CSV (any delimiter or encoding), Excel .xlsx / .xls, or OFX / QFX.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx,.xls,.ofx,.qfx"}),
    )

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = import_services.max_bytes()
        if upload.size > limit:
            raise ValidationError(f"This file is {filesizeformat(upload.size)}; the limit is {filesizeformat(limit)}. "
                                  "Export a shorter date range and import it in parts.")
        if upload.size == 0:
            raise ValidationError("This file is empty.")
        return upload
