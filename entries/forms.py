"""The sentence box and the draft's confirm form (the ledger's own transaction form, plus the group offer)."""

from __future__ import annotations

from django import forms

from entries.services import MAX_TEXT
from groups.models import Group
from transactions.forms import TransactionForm


REQUIRED = "Say or type what you spent or received, such as “12.50 lunch at Chipotle”."


class SentenceForm(forms.Form):
    """A typed sentence, or (where this server transcribes) the microphone's recording in ``audio``."""

    text = forms.CharField(
        label="Say or type it", max_length=MAX_TEXT, required=False,
        widget=forms.TextInput(attrs={"placeholder": "Spent 12.50 on lunch at Chipotle yesterday",
                                      "autocomplete": "off", "autofocus": True, "data-sentence": True}))
    audio = forms.FileField(required=False, widget=forms.FileInput(
        attrs={"hidden": True, "accept": "audio/wav", "data-audio": True, "tabindex": "-1"}))

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("text") and not cleaned.get("audio") and not self.has_error("text"):
            self.add_error("text", REQUIRED)
        return cleaned


class DraftConfirmForm(TransactionForm):
    """The draft's fields, each editable before the one tap that saves; ``group`` when a split was offered."""

    group = forms.ModelChoiceField(queryset=Group.objects.none(), required=False, widget=forms.HiddenInput)
    split = forms.BooleanField(required=False, label="Split equally with the group")

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("split"):
            cleaned["group"] = None
        return cleaned
