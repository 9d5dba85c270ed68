"""Forms of the receipts pages: the upload (a phone's camera opens), and the review with every field editable."""

from __future__ import annotations

from django import forms

from transactions.forms import CategoryChoiceField
from transactions.models import Account


class ReceiptUploadForm(forms.Form):
    file = forms.FileField(label="Photo or PDF of the receipt", widget=forms.FileInput(attrs={
        "accept": "image/*,application/pdf", "capture": "environment"}),
        help_text="On a phone this opens the camera. JPEG, PNG or WebP photos, or a PDF.")
    transaction = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReceiptReviewForm(forms.Form):
    merchant = forms.CharField(max_length=200, required=False)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    total = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0,
                               widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
    currency = forms.CharField(max_length=3, required=False)
    attach_to = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="This receipt is",
                                       widget=forms.RadioSelect)
    account = forms.ModelChoiceField(queryset=Account.objects.none(), required=False, empty_label=None,
                                     label="Paid from", help_text="Where a new transaction goes.")
    merge_same_category = forms.BooleanField(required=False, label="One split per category",
                                             help_text="Items filed under the same category are merged.")

    def __init__(self, *args, accounts, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts
        self.fields["attach_to"].choices = [("", "A new transaction"), *[
            (str(c.transaction.pk), f"The payment of {c.transaction.date:%-d %b %Y}: {c.transaction.description} "
                                    f"({c.transaction.amount} {c.transaction.currency}, {c.transaction.account.name})")
            for c in candidates]]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("attach_to") is None and not cleaned.get("account") and not self.errors:
            self.add_error("account", "Choose the account you paid from.")
        return cleaned


class ReceiptItemForm(forms.Form):
    description = forms.CharField(max_length=200, required=False)
    amount = forms.DecimalField(max_digits=14, decimal_places=2, required=False,
                                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
    category = CategoryChoiceField(required=False, empty_label="Let Finsight choose")

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].set_categories(categories)


def item_formset_class(*, blank_rows: int):
    return forms.formset_factory(ReceiptItemForm, extra=blank_rows, max_num=100, absolute_max=100,
                                 validate_max=True)
