from __future__ import annotations

from django import forms

from alerts.models import AlertLevel, AlertStatus
from mlcore.services import Verdict


class AlertFilterForm(forms.Form):
    level = forms.ChoiceField(choices=[("", "Any level"), *AlertLevel.choices], required=False)
    status = forms.ChoiceField(choices=[("", "Any status"), *AlertStatus.choices], required=False)
    transaction = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)


class FeedbackForm(forms.Form):
    verdict = forms.ChoiceField(choices=Verdict.choices)
    delete_transaction = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
