"""Writes for shared expenses: groups, members and invites, expenses with their split, settlements, activity."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from billing.services import feature_quota_check
from core.dates import date_problem
from core.money import money_text
from core.rls import row_security_as
from groups import splits
from groups.invites import invite_send
from groups.models import (
    ActivityVerb,
    ExpensePayer,
    ExpenseShare,
    Group,
    GroupActivity,
    GroupExpense,
    Invite,
    InviteStatus,
    MemberRole,
    Membership,
    Settlement,
    SplitMode,
    cents_to_decimal,
    invite_token_hash,
)
from groups.selectors import expense_can_change, group_balances, invite_refusal, settlement_can_delete
from transactions.currency import NoRateForDate, UnknownCurrency, convert
from transactions.models import Category, Transaction


def _money(cents: int, currency: str) -> str:
    return money_text(cents_to_decimal(cents), currency)


def _log(group: Group, actor: User | None, verb: str, summary: str, expense: GroupExpense | None = None) -> None:
    GroupActivity.objects.create(group=group, actor=actor, verb=verb, summary=summary[:300], expense=expense)


def _name(user: User) -> str:
    return user.get_short_name() or user.email


def active_members(group: Group) -> dict[int, User]:
    return {m.user_id: m.user for m in group.memberships.filter(left_at__isnull=True).select_related("user")}


def _require_owner(group: Group, user: User) -> None:
    if not group.memberships.filter(user=user, role=MemberRole.OWNER, left_at__isnull=True).exists():
        raise PermissionDenied("Only the group's owner can manage its members.")


# --- groups and members ------------------------------------------------------------------------------------

@transaction.atomic
def group_create(*, user: User, name: str, currency: str) -> Group:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the group a name."})
    owned = Membership.objects.filter(user=user, role=MemberRole.OWNER, left_at__isnull=True).count()
    feature_quota_check(user=user, feature="groups", used=owned,
                        noun=("group of your own", "groups of your own"))
    group = Group.objects.create(name=name[:100], currency=currency.upper(), created_by=user)
    Membership.objects.create(group=group, user=user, role=MemberRole.OWNER)
    _log(group, user, ActivityVerb.CREATED, f"{_name(user)} created the group")
    return group


@transaction.atomic
def group_update(*, group: Group, user: User, name: str) -> Group:
    _require_owner(group, user)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the group a name."})
    group.name = name[:100]
    group.save(update_fields=["name"])
    return group


def _join(group: Group, user: User) -> Membership:
    membership, created = Membership.objects.get_or_create(group=group, user=user)
    if not created and membership.left_at is not None:
        membership.left_at = None
        membership.role = MemberRole.MEMBER
        membership.save(update_fields=["left_at", "role"])
    return membership


@transaction.atomic
def member_leave(*, group: Group, user: User) -> None:
    """Leave a group; only with a zero balance, and the owner hands ownership on first (or is the last)."""

    membership = group.memberships.select_for_update().get(user=user, left_at__isnull=True)
    balance = group_balances(group=group).get(user.pk, 0)
    if balance != 0:
        owes = "you owe" if balance < 0 else "you are owed"
        raise ValidationError(f"You can leave once you are settled up; {owes} {_money(abs(balance), group.currency)}.")
    others = group.memberships.filter(left_at__isnull=True).exclude(user=user)
    if membership.role == MemberRole.OWNER and others.exists():
        if not others.filter(role=MemberRole.OWNER).exists():
            heir = others.order_by("joined_at", "id")[0]
            heir.role = MemberRole.OWNER
            heir.save(update_fields=["role"])
    membership.left_at = timezone.now()
    membership.save(update_fields=["left_at"])
    _log(group, user, ActivityVerb.LEFT, f"{_name(user)} left the group")


@transaction.atomic
def member_remove(*, group: Group, owner: User, member: User) -> None:
    _require_owner(group, owner)
    if member.pk == owner.pk:
        raise ValidationError("To leave the group yourself, use Leave.")
    membership = group.memberships.filter(user=member, left_at__isnull=True).first()
    if membership is None:
        raise ValidationError("That person is not a member of this group.")
    balance = group_balances(group=group).get(member.pk, 0)
    if balance != 0:
        owes = "owes" if balance < 0 else "is owed"
        raise ValidationError(f"{_name(member)} still {owes} {_money(abs(balance), group.currency)}; settle up first.")
    membership.left_at = timezone.now()
    membership.save(update_fields=["left_at"])
    _log(group, owner, ActivityVerb.REMOVED, f"{_name(owner)} removed {_name(member)}")


# --- invites -----------------------------------------------------------------------------------------------

@transaction.atomic
def invite_create(*, group: Group, inviter: User, email: str) -> Invite:
    """Invite someone by email (owner only). An existing user gets a notification; anyone gets the email."""

    _require_owner(group, inviter)
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": "Enter a valid email address."}) from None
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None and group.memberships.filter(user=existing, left_at__isnull=True).exists():
        raise ValidationError({"email": f"{email} is already in the group."})
    # An unanswered invitation past its lifetime gives way to the new one (its link keeps saying it expired).
    group.invites.filter(email=email.lower(), status=InviteStatus.PENDING, expires_at__lte=timezone.now()) \
        .update(status=InviteStatus.EXPIRED)
    try:
        with transaction.atomic():
            token = secrets.token_urlsafe(32)
            invite = Invite.objects.create(group=group, email=email.lower(), invited_by=inviter,
                                           token_hash=invite_token_hash(token))
            invite.token = token
    except IntegrityError:
        raise ValidationError({"email": f"{email} already has an invitation waiting."}) from None
    _log(group, inviter, ActivityVerb.INVITED, f"{_name(inviter)} invited {email}")

    invite_id = invite.pk
    transaction.on_commit(lambda: invite_send(invite_id=invite_id, token=token))
    return invite


def _pending(invite: Invite) -> None:
    if invite.status != InviteStatus.PENDING:
        raise ValidationError(f"This invitation was already {invite.get_status_display().lower()}.")


def _answerable(invite: Invite, user: User) -> None:
    if refusal := invite_refusal(invite=invite, user=user):
        raise PermissionDenied(refusal)
    if invite.is_expired():
        raise ValidationError(f"This invitation expired on {timezone.localtime(invite.expires_at):%-d %b %Y}. "
                              f"Ask the group's owner to send a new one.")
    _pending(invite)


@transaction.atomic
def invite_accept(*, invite: Invite, user: User) -> Membership:
    """Join the group: only the account with the invited address, before the invitation expires."""
    # Answered from outside the group (core.rls shows its rows to members): the invited address is the right.
    with row_security_as(bypass=True):
        invite = Invite.objects.select_for_update().get(pk=invite.pk)
        _answerable(invite, user)
        membership = _join(invite.group, user)
        invite.status, invite.answered_at, invite.accepted_by = InviteStatus.ACCEPTED, timezone.now(), user
        invite.save(update_fields=["status", "answered_at", "accepted_by"])
        _log(invite.group, user, ActivityVerb.JOINED, f"{_name(user)} joined the group")
    return membership


@transaction.atomic
def invite_decline(*, invite: Invite, user: User) -> Invite:
    with row_security_as(bypass=True):  # as invite_accept
        invite = Invite.objects.select_for_update().get(pk=invite.pk)
        _answerable(invite, user)
        invite.status, invite.answered_at = InviteStatus.DECLINED, timezone.now()
        invite.save(update_fields=["status", "answered_at"])
    return invite


@transaction.atomic
def invite_revoke(*, invite: Invite, owner: User) -> Invite:
    _require_owner(invite.group, owner)
    invite = Invite.objects.select_for_update().get(pk=invite.pk)
    _pending(invite)
    invite.status, invite.answered_at = InviteStatus.REVOKED, timezone.now()
    invite.save(update_fields=["status", "answered_at"])
    _log(invite.group, owner, ActivityVerb.INVITE_REVOKED, f"{_name(owner)} withdrew the invitation to {invite.email}")
    return invite


# --- expenses ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Part:
    """A payer's amount or a member's weight as typed: ``value`` in the expense's currency (payers, exact
    parts), a percentage, a number of shares, or None for an equal split."""

    user_id: int
    value: Decimal | str | int | None = None


def _rate(amount: Decimal, currency: str, group_currency: str, on: dt.date) -> Decimal:
    if currency == group_currency:
        return Decimal(1)
    try:
        return convert(Decimal(1), currency, group_currency, on).rate
    except (UnknownCurrency, NoRateForDate):
        raise ValidationError({"currency": f"No exchange rate from {currency} to {group_currency} "
                                           f"for {on:%-d %b %Y}."}) from None


def _members_check(group: Group, ids: Sequence[int], what: str) -> None:
    members = set(active_members(group))
    if len(set(ids)) != len(ids):
        raise ValidationError({what: "Each member can appear only once."})
    strangers = [i for i in ids if i not in members]
    if strangers:
        raise ValidationError({what: "Only members of the group can take part in an expense."})


def _build(group: Group, *, amount: Decimal, currency: str, on: dt.date, mode: str, payers: Sequence[Part],
           shares: Sequence[Part]) -> tuple[int, Decimal, list[tuple[int, int]], list[tuple[int, Decimal, int]]]:
    """Total in cents in the group's currency, the rate, the payers' cents and the shares' (weight, cents)."""
    if problem := date_problem(on, today=timezone.localdate()):
        raise ValidationError({"date": problem})
    try:
        amount = Decimal(str(amount))
    except Exception:  # noqa: BLE001 - anything that is not a number
        raise ValidationError({"amount": "Enter the amount as a number."}) from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({"amount": "The amount must be more than zero."})
    if mode not in SplitMode.values:
        raise ValidationError({"split_mode": f"Unknown split mode {mode!r}."})
    rate = _rate(amount, currency, group.currency, on)
    total = splits.to_cents((amount * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    if total <= 0:
        raise ValidationError({"amount": "The amount must be more than zero."})
    payers = sorted(payers, key=lambda p: p.user_id)
    shares = sorted(shares, key=lambda p: p.user_id)
    if not payers:
        raise ValidationError({"payers": "Say who paid."})
    _members_check(group, [p.user_id for p in payers], "payers")
    _members_check(group, [s.user_id for s in shares], "shares")
    paid = [Decimal(str(p.value if p.value is not None else amount)) for p in payers]
    if any(not v.is_finite() or v <= 0 for v in paid):
        raise ValidationError({"payers": "Each payer's amount must be more than zero."})
    if splits.to_cents(sum(paid)) != splits.to_cents(amount):
        raise ValidationError({"payers": f"The payers paid {sum(paid):.2f} in all, not {amount:.2f}."})
    paid_cents = splits.prorate(total, paid) if rate != 1 else [splits.to_cents(v) for v in paid]
    try:
        if mode == SplitMode.EXACT and rate != 1:
            typed = [Decimal(str(s.value if s.value is not None else "0")) for s in shares]
            splits.split(splits.to_cents(amount), mode, typed)  # checks the typed parts sum to the amount
            owed = splits.prorate(total, typed)
        else:
            owed = splits.split(total, mode, [s.value for s in shares])
    except ValidationError as error:
        raise ValidationError({"shares": error.messages}) from None
    weights = [Decimal(1) if mode == SplitMode.EQUAL else Decimal(str(s.value if s.value is not None else 0))
               for s in shares]
    return total, rate, list(zip([p.user_id for p in payers], paid_cents, strict=True)), \
        list(zip([s.user_id for s in shares], weights, owed, strict=True))


def _link_transaction(user_id: int, transaction_id: int | None) -> Transaction | None:
    if transaction_id is None:
        return None
    txn = Transaction.objects.filter(pk=transaction_id, owner_id=user_id).first()
    if txn is None:
        raise ValidationError({"transaction": "Link one of your own transactions."})
    return txn


def _category_check(user: User, category: Category | None) -> None:
    if category is not None and not Category.objects.visible_to(user).filter(pk=category.pk).exists():
        raise ValidationError({"category": "Choose one of your categories."})


def _save_parts(expense: GroupExpense, paid: list[tuple[int, int]], owed: list[tuple[int, Decimal, int]],
                links: dict[int, Transaction | None]) -> None:
    ExpensePayer.objects.bulk_create([ExpensePayer(expense=expense, user_id=u, paid_cents=c, transaction=links.get(u))
                                      for u, c in paid])
    ExpenseShare.objects.bulk_create([ExpenseShare(expense=expense, user_id=u, weight=w, owed_cents=c)
                                      for u, w, c in owed if c > 0 or expense.split_mode != SplitMode.EQUAL])


@transaction.atomic
def expense_create(*, group: Group, user: User, description: str, amount: Decimal, currency: str | None = None,
                   on: dt.date, payers: Sequence[Part], shares: Sequence[Part], split_mode: str = SplitMode.EQUAL,
                   category: Category | None = None, notes: str = "",
                   transaction_id: int | None = None) -> GroupExpense:
    """Add an expense. ``transaction_id`` links the adding user's own ledger transaction to their payment."""
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": "Say what it was for."})
    currency = (currency or group.currency).upper()
    _category_check(user, category)
    total, rate, paid, owed = _build(group, amount=amount, currency=currency, on=on, mode=split_mode,
                                     payers=payers, shares=shares)
    link = _link_transaction(user.pk, transaction_id)
    if link is not None and user.pk not in {u for u, _ in paid}:
        raise ValidationError({"transaction": "Only a payer can link their own transaction."})
    expense = GroupExpense.objects.create(
        group=group, description=description[:200], date=on, total_cents=total,
        original_amount=Decimal(str(amount)).quantize(Decimal("0.01")), original_currency=currency, fx_rate=rate,
        category=category, split_mode=split_mode, notes=notes, created_by=user)
    _save_parts(expense, paid, owed, {user.pk: link})
    _log(group, user, ActivityVerb.EXPENSE_ADDED,
         f"{_name(user)} added “{expense.description}” ({_money(total, group.currency)})", expense)
    return expense


@transaction.atomic
def expense_update(*, expense: GroupExpense, user: User, description: str, amount: Decimal, currency: str | None,
                   on: dt.date, payers: Sequence[Part], shares: Sequence[Part], split_mode: str,
                   category: Category | None = None, notes: str = "") -> GroupExpense:
    """Change an expense: only whoever added it, its payers (before this change) or the group's owner."""
    group = expense.group
    _require_expense_right(expense, user)
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": "Say what it was for."})
    currency = (currency or group.currency).upper()
    _category_check(user, category)
    total, rate, paid, owed = _build(group, amount=amount, currency=currency, on=on, mode=split_mode,
                                     payers=payers, shares=shares)
    links = {p.user_id: p.transaction for p in expense.payers.select_related("transaction")}
    before = _money(expense.total_cents, group.currency)
    expense.payers.all().delete()
    expense.shares.all().delete()
    expense.description, expense.date, expense.total_cents = description[:200], on, total
    expense.original_amount, expense.original_currency, expense.fx_rate = (
        Decimal(str(amount)).quantize(Decimal("0.01")), currency, rate)
    expense.category, expense.split_mode, expense.notes = category, split_mode, notes
    expense.save()
    _save_parts(expense, paid, owed, links)
    after = _money(total, group.currency)
    change = f" ({before} → {after})" if before != after else ""
    _log(group, user, ActivityVerb.EXPENSE_EDITED, f"{_name(user)} edited “{expense.description}”{change}", expense)
    return expense


@transaction.atomic
def expense_delete(*, expense: GroupExpense, user: User) -> None:
    """Delete an expense (whoever added it, its payers or the group's owner); the activity log keeps a line."""
    group = expense.group
    _require_expense_right(expense, user)
    _log(group, user, ActivityVerb.EXPENSE_DELETED,
         f"{_name(user)} deleted “{expense.description}” of {expense.date:%-d %b %Y} "
         f"({_money(expense.total_cents, group.currency)})")
    expense.delete()


def _require_expense_right(expense: GroupExpense, user: User) -> None:
    if not expense_can_change(expense=expense, user=user):
        raise PermissionDenied("Only the person who added this expense, the people who paid it or the group's "
                               "owner can change or delete it.")


# --- settlements -------------------------------------------------------------------------------------------

@transaction.atomic
def settlement_create(*, group: Group, user: User, payer_id: int, payee_id: int, amount: Decimal | str,
                      on: dt.date | None = None, note: str = "") -> Settlement:
    """Record that one member paid another (a whole suggested transfer, or part of it)."""
    members = active_members(group) | {m.user_id: m.user for m in group.memberships.select_related("user")}
    if payer_id not in members or payee_id not in members:
        raise ValidationError({"payer": "Both people must be members of the group."})
    if payer_id == payee_id:
        raise ValidationError({"payee": "A payment needs two different people."})
    cents = splits.to_cents(amount)
    if cents <= 0:
        raise ValidationError({"amount": "The amount must be more than zero."})
    if on is not None and (problem := date_problem(on, today=timezone.localdate())):
        raise ValidationError({"date": problem})
    settlement = Settlement.objects.create(group=group, payer_id=payer_id, payee_id=payee_id, amount_cents=cents,
                                           date=on or timezone.localdate(), note=note[:200], created_by=user)
    _log(group, user, ActivityVerb.SETTLED,
         f"{_name(members[payer_id])} paid {_name(members[payee_id])} {_money(cents, group.currency)}")
    return settlement


@transaction.atomic
def settlement_delete(*, settlement: Settlement, user: User) -> None:
    """Delete a recorded payment (whoever recorded it, its payer or the group's owner); the log keeps a line."""
    group = settlement.group
    if not settlement_can_delete(settlement=settlement, user=user):
        raise PermissionDenied("Only the person who recorded this payment, the one who paid it or the group's "
                               "owner can delete it.")
    _log(group, user, ActivityVerb.SETTLEMENT_DELETED,
         f"{_name(user)} deleted the payment of {_money(settlement.amount_cents, group.currency)} from "
         f"{_name(settlement.payer)} to {_name(settlement.payee)} of {settlement.date:%-d %b %Y}")
    settlement.delete()
