"""The audit log: one row per sensitive action, chained by hashes, never changed or deleted by the app."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditAction(models.TextChoices):
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
    SIGN_OUT = "sign_out", "Signed out"
    PASSWORD_CHANGE = "password_change", "Password changed"
    PASSWORD_RESET = "password_reset", "Password reset"
    EMAIL_CHANGE = "email_change", "Email address changed"
    TWO_FACTOR_ENABLE = "two_factor_enable", "Two-factor sign-in turned on"
    TWO_FACTOR_DISABLE = "two_factor_disable", "Two-factor sign-in turned off"
    RECOVERY_CODES_REGENERATE = "recovery_codes_regenerate", "Recovery codes replaced"
    RECOVERY_CODE_USE = "recovery_code_use", "Recovery code used"
    TWO_FACTOR_FAILED = "two_factor_failed", "Wrong second-factor code"
    SESSIONS_END = "sessions_end", "Every sign-in ended"
    TOKEN_ISSUE = "token_issue", "API sign-in (token issued)"
    TOKEN_REVOKE = "token_revoke", "API sign-in ended (token revoked)"
    DATA_EXPORT = "data_export", "Data exported"
    DELETION_REQUEST = "deletion_request", "Account deletion requested"
    DELETION_CANCEL = "deletion_cancel", "Account deletion cancelled"
    ACCOUNT_PURGE = "account_purge", "Account deleted"
    ROLE_CHANGE = "role_change", "Role changed"
    PLAN_CHANGE = "plan_change", "Plan changed"
    STAFF_VIEW = "staff_view", "Staff viewed a user's record"
    ADMIN_BULK_ACTION = "admin_bulk_action", "Bulk admin action"
    RULE_DELETE = "rule_delete", "Rule deleted"
    CATEGORY_DELETE = "category_delete", "Category deleted"
    BANK_IMPORT = "bank_import", "Bank file imported"


class AuditEntryRefused(Exception):
    """Raised when code tries to change or delete an audit entry: the log is append-only."""


APPEND_ONLY = "Audit entries are append-only: they cannot be changed or deleted."


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        # Deleting a user sets the actor of their entries to NULL (the actor_label keeps who it was); the
        # actor is outside the hash for this reason. Nothing else may change.
        if set(kwargs) == {"actor"} and kwargs["actor"] is None:
            return super().update(**kwargs)
        raise AuditEntryRefused(APPEND_ONLY)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditEntryRefused(APPEND_ONLY)

    def chain_order(self) -> AuditEntryQuerySet:
        return self.order_by("id")


class AuditEntry(models.Model):
    """A sensitive action: who (``actor``, kept as ``actor_label`` after the user is gone), on what
    (``target_*``), when, from where (IP and browser), and what changed. ``hash`` is SHA-256 over the entry's
    fields and ``previous_hash`` (the entry before it), so a changed or removed row breaks the chain."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="audit_entries")
    actor_label = models.CharField(max_length=254, blank=True, help_text="Who acted, as they were called then.")
    action = models.CharField(max_length=40, choices=AuditAction.choices, db_index=True)
    target_type = models.CharField(max_length=100, blank=True, help_text="app_label.model of what was acted on.")
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=254, blank=True)
    # A plain string, stored exactly as it was hashed (PostgreSQL's inet type would rewrite some addresses).
    ip = models.CharField("IP address", max_length=45, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True, help_text="What changed; never a password or secret.")
    previous_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["actor", "-id"], name="audit_actor_newest"),
            models.Index(fields=["target_type", "target_id", "-id"], name="audit_target_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.actor_label or 'someone not signed in'} at {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditEntryRefused(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditEntryRefused(APPEND_ONLY)
