"""Changing a user's notification preferences: which kinds reach them in the app and by email, when bills
are reminded and whether the weekly digest goes out."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from notifications.models import ACCOUNT_KINDS, RETIRED_KINDS, NotificationKind, NotificationPreferences
from notifications.services import preferences_get

MAX_LEAD_DAYS = 60
# The weekly digest has its own on/off switch, price rises arrive as anomaly alerts; the per-kind grid covers the rest.
# Account kinds (your data is ready ...) always reach you: not a choice.
CHOOSABLE_KINDS: list[str] = [kind for kind in NotificationKind.values
                              if kind not in RETIRED_KINDS and kind not in ACCOUNT_KINDS]


def _kinds_checked(field: str, kinds: Iterable[str], errors: dict[str, list[str]]) -> list[str]:
    chosen = set(kinds)
    unknown = sorted(kind for kind in chosen if kind not in CHOOSABLE_KINDS)
    if unknown:
        errors[field] = [f"Unknown notification kinds: {', '.join(map(str, unknown))}. "
                         f"Choose from {', '.join(CHOOSABLE_KINDS)} (the weekly digest is switched on its own)."]
    return [kind for kind in CHOOSABLE_KINDS if kind in chosen]


@transaction.atomic
def preferences_update(*, user: User, in_app_kinds: Iterable[str], email_kinds: Iterable[str],
                       reminder_lead_days: int, weekly_digest: bool) -> NotificationPreferences:
    """Replace the user's preferences; raises ValidationError (naming each field) and changes nothing on bad input."""
    errors: dict[str, list[str]] = {}
    in_app = _kinds_checked("in_app_kinds", in_app_kinds, errors)
    email = _kinds_checked("email_kinds", email_kinds, errors)
    if isinstance(reminder_lead_days, bool) or not isinstance(reminder_lead_days, int) \
            or not 0 <= reminder_lead_days <= MAX_LEAD_DAYS:
        errors["reminder_lead_days"] = [f"Choose a number of days from 0 to {MAX_LEAD_DAYS}."]
    if errors:
        raise ValidationError(errors)
    prefs = preferences_get(user=user)
    prefs.in_app_kinds = in_app
    prefs.email_kinds = email
    prefs.reminder_lead_days = reminder_lead_days
    prefs.weekly_digest = bool(weekly_digest)
    prefs.save()
    return prefs
