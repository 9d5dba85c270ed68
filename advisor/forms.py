from __future__ import annotations

from django import forms

from advisor.guardrails import MAX_QUESTION
from advisor.models import Retention


class QuestionForm(forms.Form):
    question = forms.CharField(
        label="Your question", max_length=MAX_QUESTION, strip=True,
        error_messages={"required": "Type a question.",
                        "max_length": f"Keep it under {MAX_QUESTION} characters."},
        widget=forms.Textarea(attrs={
            "rows": 2, "maxlength": MAX_QUESTION, "autocomplete": "off", "data-question": "",
            "placeholder": "How much did I spend on eating out this month?"}))


class RetentionForm(forms.Form):
    retention_days = forms.TypedChoiceField(
        label="Keep my conversations", choices=Retention.choices, coerce=int,
        widget=forms.RadioSelect(attrs={"class": "rounded-full"}),
        error_messages={"required": "Choose how long to keep them."})
