"""Reading the audit log: a person's own security log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from audit.models import AuditEntry

USER_TARGET = settings.AUTH_USER_MODEL.lower()  # "accounts.user", as audit_record writes a user target


def security_log(*, user: Any) -> QuerySet[AuditEntry]:
    """Entries about this person, newest first: what they did, and what was done to their account (a failed
    sign-in with their address, an API sign-in ended for them). Nobody else's."""
    return AuditEntry.objects.filter(
        Q(actor=user) | Q(target_type=USER_TARGET, target_id=str(user.pk))).order_by("-id")
