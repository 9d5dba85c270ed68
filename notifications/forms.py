from __future__ import annotations

from django import forms

from notifications.models import NotificationKind, NotificationPreferences
from notifications.preferences import CHOOSABLE_KINDS, MAX_LEAD_DAYS

KIND_CHOICES = [(kind, NotificationKind(kind).label) for kind in CHOOSABLE_KINDS]


class PreferencesForm(forms.Form):
    in_app_kinds = forms.MultipleChoiceField(label="In the app", choices=KIND_CHOICES, required=False,
                                             widget=forms.CheckboxSelectMultiple)
    email_kinds = forms.MultipleChoiceField(label="Email", choices=KIND_CHOICES, required=False,
                                            widget=forms.CheckboxSelectMultiple)
    reminder_lead_days = forms.IntegerField(
        label="Remind me about bills", min_value=0, max_value=MAX_LEAD_DAYS,
        error_messages={"min_value": f"Choose a number of days from 0 to {MAX_LEAD_DAYS}.",
                        "max_value": f"Choose a number of days from 0 to {MAX_LEAD_DAYS}.",
                        "invalid": f"Enter a whole number of days from 0 to {MAX_LEAD_DAYS}.",
                        "required": "Say how many days before a bill is due to remind you (0 is the day itself)."},
        widget=forms.NumberInput(attrs={"min": 0, "max": MAX_LEAD_DAYS, "class": "w-20"}),
        help_text="Days before a bill is due, unless the bill sets its own. 0 reminds you on the day.")
    weekly_digest = forms.BooleanField(
        label="Weekly digest email", required=False,
        help_text="On Monday morning: last week's spending and the bills coming up this week.")

    @classmethod
    def for_preferences(cls, prefs: NotificationPreferences) -> PreferencesForm:
        return cls(initial={"in_app_kinds": prefs.in_app_kinds, "email_kinds": prefs.email_kinds,
                            "reminder_lead_days": prefs.reminder_lead_days, "weekly_digest": prefs.weekly_digest})

    def kind_rows(self) -> list[dict]:
        """The grid: one row per kind with whether each channel's box is ticked (as posted, or as saved)."""
        in_app = self["in_app_kinds"].value() or []
        email = self["email_kinds"].value() or []
        return [{"kind": kind, "label": label, "in_app": kind in in_app, "email": kind in email}
                for kind, label in KIND_CHOICES]
