"""Deleting an account: the request and its grace period, cancelling (a button, or simply signing in), and the job
that then removes every row and file the person owns.

What goes and what stays is listed below: ``DELETED`` (each model whose rows go with the person, and how) and
``KEPT`` (each model that refers to a person but keeps its rows, and why). A test keeps both covering every model
with a link to a user, so a new model is never forgotten.

The purge of one account is one database transaction: the rows go, the group rows move to a "Former member", the
files to remove are written down as ``DeletionLeftover`` rows and the audit entry is appended, all or nothing.
The files are removed after the commit; a run killed before that finds the leftovers next time. So the job can be
rerun, or killed anywhere, without leaving half an account or a file behind.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections import Counter
from pathlib import Path
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.models import SignupRequest, User
from audit.models import AuditAction
from audit.services import audit_record
from billing.services import subscriptions_end_for_deletion
from groups.models import (
    ExpensePayer,
    ExpenseShare,
    Group,
    GroupActivity,
    GroupExpense,
    Invite,
    MemberRole,
    Membership,
    Settlement,
)
from notifications.models import NotificationKind
from notifications.services import notification_create
from privacy.models import DataExport, DataImport, DeletionLeftover, DeletionRequest, FormerMember
from privacy.processing import data_export_path, data_import_path
from receipts.models import Receipt
from transactions.exports import export_path
from transactions.models import ImportBatch, TransactionExport

FORMER_MEMBER = "Former member"

# Every model whose rows are the person's and go with the account (most by the database's cascade from the user;
# the rest by the purge itself, named here with how).
DELETED: dict[str, str] = {
    "accounts.User": "the account itself (and its avatar file)",
    "accounts.FinancialProfile": "with the account",
    "accounts.RevokedTokenFamily": "with the account",
    "accounts.RecoveryCode": "two-factor recovery codes, with the account",
    "accounts.AuthenticatorApp": "the authenticator app's key, with the account",
    "accounts.KnownDevice": "devices signed in from, with the account",
    "transactions.Account": "with the account",
    "transactions.Category": "the person's own categories, with the account",
    "transactions.Tag": "with the account",
    "transactions.Rule": "with the account",
    "transactions.ImportBatch": "with the account, and each stored bank file",
    "transactions.Transaction": "with the account (splits with them)",
    "transactions.TransactionExport": "with the account, and each CSV file",
    "budgets.Budget": "with the account",
    "payments.RecurringPayment": "with the account",
    "payments.BillOccurrence": "with the account",
    "payments.SubscriptionSuggestion": "with the account",
    "billing.Subscription": "with the account",
    "goals.Goal": "with the account (contributions and linked accounts with them)",
    "goals.GoalPlan": "with the account",
    "goals.ReadinessReport": "with the account",
    "goals.RiskProfile": "with the account",
    "receipts.Receipt": "with the account, and each photo or PDF under RECEIPT_DIR",
    "advisor.AdvisorSettings": "with the account",
    "advisor.Conversation": "with the account (messages with them)",
    "advisor.MonthlyLetter": "with the account",
    "notifications.Notification": "with the account (deliveries with them)",
    "notifications.NotificationPreferences": "with the account",
    "alerts.Alert": "with the account",
    "alerts.ProtectionScan": "with the account",
    "insights.Forecast": "with the account",
    "insights.RefreshState": "with the account",
    "mlcore.FeedbackEvent": "with the account",
    "mlcore.UserCategorizerModel": "the person's learned categorizer (kept in the database, not on disk)",
    "mlcore.SpendingPattern": "with the account",
    "mlcore.AnomalyVerdict": "with the account",
    "privacy.DataExport": "with the account, and each archive file",
    "privacy.DataImport": "with the account, and each upload still waiting to be read",
    "privacy.DeletionRequest": "with the account",
    "groups.Membership": "moved to the Former member (left the group); a group with no other member goes whole",
    "admin.LogEntry": "what the person did in the admin, with the account",
    "token_blacklist.OutstandingToken": "the person's API tokens, by the purge",
}

# Models that refer to a person but keep their rows, and why.
KEPT: dict[str, str] = {
    "audit.AuditEntry": "the audit log is append-only: entries keep the email address as actor_label, the actor "
                        "becomes empty",
    "groups.Group": "the other members' group; 'created by' becomes the Former member",
    "groups.GroupExpense": "the other members' history; 'added by' becomes the Former member",
    "groups.ExpensePayer": "moved to the Former member, so every other member's balance stays right",
    "groups.ExpenseShare": "moved to the Former member, so every other member's balance stays right",
    "groups.Settlement": "moved to the Former member, so every other member's balance stays right",
    "groups.GroupActivity": "the other members' activity log, the name written as Former member",
    "groups.Invite": "the other members' invitations ('invited by' the Former member); those sent to the "
                     "person's address are deleted",
    "billing.Invoice": "the operator's payment records (bookkeeping): kept with the amount and date, no longer "
                       "linked to anyone",
    "privacy.FormerMember": "the stand-in itself: no email, no password, named Former member",
}

# Rows that name the person by email or user id instead of a link (no cascade reaches them): deleted by the purge.
BY_ADDRESS = ("django.contrib.sessions (the person's sessions)", "axes (sign-in attempts and their log)",
              "accounts.SignupRequest (sign-ups waiting for a link)")


def deletion_get(*, user: User) -> DeletionRequest | None:
    return DeletionRequest.objects.filter(user=user).first()


@transaction.atomic
def deletion_request(*, user: User, password: str, request: Any = None,
                     now: dt.datetime | None = None) -> DeletionRequest:
    """Ask for the account to be deleted once the grace period is over; the password confirms it is the person.
    An email says when, and how to keep the account."""
    if not password or not user.check_password(password):
        raise ValidationError({"password": "That is not your password. Type the password you sign in with."})
    User.objects.select_for_update().filter(pk=user.pk).first()  # two requests at once: the second sees the first
    existing = deletion_get(user=user)
    if existing is not None:
        raise ValidationError(f"Your account is already set to be deleted on "
                              f"{timezone.localtime(existing.purge_after):%-d %b %Y}.")
    now = now or timezone.now()
    pending = DeletionRequest.objects.create(
        user=user, requested_at=now, purge_after=now + dt.timedelta(days=settings.ACCOUNT_DELETION_GRACE_DAYS))
    audit_record(action=AuditAction.DELETION_REQUEST, actor=user, target=user, request=request,
                 changes={"purge_after": pending.purge_after.isoformat()})
    when = timezone.localtime(pending.purge_after)
    notification_create(
        user=user, kind=NotificationKind.ACCOUNT_DELETION_SCHEDULED, title="Your account will be deleted",
        body=(f"You asked for your Finsight account to be deleted. On {when:%-d %b %Y} at {when:%H:%M} your "
              f"accounts, transactions, receipts, budgets, bills, goals and everything else you keep will be "
              f"removed for good; in your groups your past expenses stay, named {FORMER_MEMBER}. To keep your "
              f"account, sign in before then, or cancel on the Your data page."),
        link=reverse("privacy:deletion"), severity="warning",
        context={"purge_date": when.date().isoformat()})
    return pending


@transaction.atomic
def deletion_cancel(*, user: User, request: Any = None, reason: str = "cancelled") -> bool:
    """Keep the account: the pending deletion is withdrawn (``reason``: "cancelled" or "signed_in"). False when
    none was pending."""
    removed, _ = DeletionRequest.objects.filter(user=user).delete()
    if not removed:
        return False
    audit_record(action=AuditAction.DELETION_CANCEL, actor=user, target=user, request=request,
                 changes={"reason": reason})
    how = "You signed in, so" if reason == "signed_in" else "As you asked,"
    notification_create(
        user=user, kind=NotificationKind.ACCOUNT_DELETION_CANCELLED, title="Your account will not be deleted",
        body=f"{how} your account's deletion is cancelled. Everything you keep in Finsight stays.",
        link=reverse("privacy:deletion"), severity="success")
    return True


def deletion_signed_in(sender: object, request: Any, user: User, **kwargs: object) -> None:
    """user_logged_in receiver (pages and the API's token endpoint): signing in keeps the account."""
    if not DeletionRequest.objects.filter(user=user).exists():
        return
    if deletion_cancel(user=user, request=request, reason="signed_in") and hasattr(request, "_messages"):
        messages.info(request, "Welcome back. You signed in, so your account will not be deleted.")


def deletions_due(*, now: dt.datetime | None = None) -> list[int]:
    """Ids of the accounts whose grace period is over."""
    return list(DeletionRequest.objects.filter(purge_after__lte=now or timezone.now())
                .values_list("user_id", flat=True))


def account_purge(*, user_id: int, actor: User | None = None, now: dt.datetime | None = None,
                  force: bool = False) -> dict[str, int] | None:
    """Remove one account and everything it owns, in one transaction; then its files. None when there is nothing
    to do: the account is gone, or (without ``force``, which staff use) its deletion is not due or was cancelled.
    """
    now = now or timezone.now()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id).first()
        if user is None or FormerMember.objects.filter(user=user).exists():
            return None
        due = DeletionRequest.objects.filter(user=user, purge_after__lte=now)
        if not force and not due.exists():
            return None
        subscriptions_end_for_deletion(user=user)  # no Stripe charge for an account that is gone
        files = _files_of(user)
        moved = _groups_hand_over(user, now=now)
        _by_address_delete(user)
        _, deleted = user.delete()
        DeletionLeftover.objects.bulk_create([DeletionLeftover(path=str(path)) for path in files])
        counts = {label: count for label, count in sorted(Counter(deleted).items()) if count}
        audit_record(action=AuditAction.ACCOUNT_PURGE, actor=actor, target_type="accounts.user",
                     target_id=user_id, target_label=f"user {user_id}",
                     changes={"rows": sum(counts.values()), "files": len(files), "group_rows_moved": moved,
                              "by": "staff" if actor is not None else "grace period over"})
    removed = leftovers_remove()
    return {"rows": sum(counts.values()), "files": removed, "group_rows_moved": moved}


def leftovers_remove() -> int:
    """Remove from disk the files of deleted accounts; idempotent (a file already gone counts as removed)."""
    removed = 0
    for leftover in DeletionLeftover.objects.order_by("pk"):
        Path(leftover.path).unlink(missing_ok=True)
        DeletionLeftover.objects.filter(pk=leftover.pk).delete()
        removed += 1
    return removed


def deletions_run(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The deletion job: files a killed run left, then every account whose grace period is over, one per
    transaction."""
    now = now or timezone.now()
    outcome = {"leftover_files": leftovers_remove(), "accounts": 0, "rows": 0, "files": 0}
    for user_id in deletions_due(now=now):
        try:
            purged = account_purge(user_id=user_id, now=now)
        except ValidationError:  # Stripe unreachable to end a paid plan: this account waits for the next run
            outcome["waiting"] = outcome.get("waiting", 0) + 1
            continue
        if purged is not None:
            outcome["accounts"] += 1
            outcome["rows"] += purged["rows"]
            outcome["files"] += purged["files"]
    return outcome


def _files_of(user: User) -> list[Path]:
    files: list[Path] = []
    if user.avatar:
        files.append(Path(user.avatar.path))
    for receipt in Receipt.objects.filter(user=user).exclude(file="").only("file"):
        files.append(Path(receipt.file.path))
    for batch in ImportBatch.objects.filter(owner=user).exclude(stored_file="").only("stored_file"):
        files.append(Path(batch.stored_file.path))
    for export in TransactionExport.objects.filter(owner=user).exclude(file_name="").only("file_name"):
        files.append(export_path(export))
    for archive in DataExport.objects.filter(owner=user).only("pk", "file_name"):
        if archive.file_name:
            files.append(data_export_path(archive))
        # An archive the worker was still writing when the account went.
        files.extend(Path(settings.DATA_EXPORT_DIR).glob(f"{archive.pk}-*.zip.part"))
    for upload in DataImport.objects.filter(owner=user).exclude(file_name="").only("file_name"):
        files.append(data_import_path(upload))
    return files


def _former_member() -> User:
    stand_in = User(email=f"former-member-{secrets.token_hex(8)}@deleted.invalid", display_name=FORMER_MEMBER,
                    is_active=False, password=make_password(None))
    stand_in.save()
    FormerMember.objects.create(user=stand_in)
    return stand_in


def _groups_hand_over(user: User, *, now: dt.datetime) -> int:
    """The person's place in each group passes to a Former member of their own, so every balance stays as it was;
    a group with no other active member goes whole. How many group rows were moved."""
    group_ids = list(Membership.objects.filter(user=user).values_list("group_id", flat=True))
    alone = [gid for gid in group_ids
             if not Membership.objects.filter(group_id=gid, left_at__isnull=True).exclude(user=user).exists()]
    Group.objects.filter(pk__in=alone).delete()
    Invite.objects.filter(email__iexact=user.email).delete()
    references = [(Group, "created_by"), (GroupExpense, "created_by"), (ExpensePayer, "user"),
                  (ExpenseShare, "user"), (Settlement, "payer"), (Settlement, "payee"), (Settlement, "created_by"),
                  (GroupActivity, "actor"), (Invite, "invited_by"), (Invite, "accepted_by")]
    if not any(model.objects.filter(**{field: user}).exists() for model, field in references) \
            and not Membership.objects.filter(user=user).exists():
        return 0
    stand_in = _former_member()
    moved = 0
    for membership in Membership.objects.filter(user=user).select_related("group"):
        if membership.role == MemberRole.OWNER:
            heir = (Membership.objects.filter(group=membership.group, left_at__isnull=True).exclude(user=user)
                    .order_by("joined_at", "id").first())
            if heir is not None:
                Membership.objects.filter(pk=heir.pk).update(role=MemberRole.OWNER)
        _activity_rename(membership.group_id, user)
    moved += Membership.objects.filter(user=user).update(user=stand_in, role=MemberRole.MEMBER,
                                                         left_at=now)
    for model, field in references:
        moved += model.objects.filter(**{field: user}).update(**{field: stand_in})
    return moved


def _activity_rename(group_id: int, user: User) -> None:
    """The activity log's sentences were written with the person's name: they now read Former member."""
    names = {name for name in (user.get_short_name(), user.email, user.display_name) if name}
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(name)}(?!\w)"
                                  for name in sorted(names, key=len, reverse=True)))
    for activity in GroupActivity.objects.filter(group_id=group_id).only("pk", "summary"):
        renamed = pattern.sub(FORMER_MEMBER, activity.summary)
        if renamed != activity.summary:
            GroupActivity.objects.filter(pk=activity.pk).update(summary=renamed)


def _by_address_delete(user: User) -> None:
    OutstandingToken.objects.filter(user=user).delete()  # their blacklist entries with them
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__iexact=user.email).delete()
    SignupRequest.objects.filter(email__iexact=user.email).delete()
    key = str(user.pk)
    for session in Session.objects.iterator():
        if session.get_decoded().get("_auth_user_id") == key:
            session.delete()
