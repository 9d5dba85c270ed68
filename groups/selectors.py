"""Reads for shared expenses. Every read takes the user: a group you are not in is a 404."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypedDict

from django.core.cache import cache
from django.db.models import Prefetch, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from core.rls import row_security_as
from groups.models import (
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
    invite_token_hash,
)


def group_list(*, user: User) -> QuerySet[Group]:
    return Group.objects.for_member(user).distinct()


def group_get(*, user: User, pk: int) -> Group:
    group = group_list(user=user).filter(pk=pk).first()
    if group is None:
        raise Http404("No such group.")
    return group


def is_owner(*, group: Group, user: User) -> bool:
    return group.memberships.filter(user=user, role=MemberRole.OWNER, left_at__isnull=True).exists()


def member_list(*, group: Group, include_former: bool = False) -> list[Membership]:
    memberships = group.memberships.select_related("user").order_by("user_id")
    if not include_former:
        memberships = memberships.filter(left_at__isnull=True)
    return list(memberships)


def expense_list(*, group: Group, member_id: int | None = None, category_id: int | None = None,
                 start: dt.date | None = None, end: dt.date | None = None,
                 search: str = "") -> QuerySet[GroupExpense]:
    """The group's expenses, newest first, with their payers and shares and those people (the API's rows)."""
    expenses = group.expenses.select_related("category", "created_by").prefetch_related(
        Prefetch("payers", queryset=ExpensePayer.objects.select_related("user").order_by("user_id")),
        Prefetch("shares", queryset=ExpenseShare.objects.select_related("user").order_by("user_id")))
    return _expenses_filtered(expenses, member_id=member_id, category_id=category_id, start=start, end=end,
                              search=search)


def expense_rows(*, group: Group, member_id: int | None = None, category_id: int | None = None,
                 start: dt.date | None = None, end: dt.date | None = None,
                 search: str = "") -> QuerySet[GroupExpense]:
    """The group's expenses as its page lists them: each with ``payer_rows`` and ``share_rows``, plain lists
    without their people, whom the page names from the members it has read (a page of 25 expenses of a group
    of 21 held some 400 payer, share and person instances, a third of the page's time)."""
    expenses = group.expenses.select_related("category").prefetch_related(
        Prefetch("payers", queryset=ExpensePayer.objects.order_by("user_id"), to_attr="payer_rows"),
        Prefetch("shares", queryset=ExpenseShare.objects.order_by("user_id"), to_attr="share_rows"))
    return _expenses_filtered(expenses, member_id=member_id, category_id=category_id, start=start, end=end,
                              search=search)



def expense_people_names(*, expenses: Iterable[Any], memberships: list[Membership]) -> dict[int, str]:
    """User id -> short name of everyone who paid or shares these expenses (from expense_rows): the members
    already read, and one query for anyone else (none unless a person's membership is gone)."""
    names = {m.user_id: m.user.get_short_name() for m in memberships}
    missing = {row.user_id for expense in expenses for row in (*expense.payer_rows, *expense.share_rows)} - names.keys()
    if missing:
        names.update((user.pk, user.get_short_name()) for user in User.objects.filter(pk__in=missing))
    return names

def _expenses_filtered(expenses: QuerySet[GroupExpense], *, member_id: int | None, category_id: int | None,
                       start: dt.date | None, end: dt.date | None, search: str) -> QuerySet[GroupExpense]:
    if member_id:
        expenses = expenses.filter(shares__user_id=member_id) | expenses.filter(payers__user_id=member_id)
        expenses = expenses.distinct()
    if category_id:
        expenses = expenses.filter(category_id=category_id)
    if start:
        expenses = expenses.filter(date__gte=start)
    if end:
        expenses = expenses.filter(date__lte=end)
    if search:
        expenses = expenses.filter(description__icontains=search)
    return expenses.order_by("-date", "-id")


def expense_get(*, group: Group, pk: int) -> GroupExpense:
    expense = group.expenses.filter(pk=pk).first()
    if expense is None:
        raise Http404("No such expense.")
    return expense


def expense_can_change(*, expense: GroupExpense, user: User, owner: bool | None = None) -> bool:
    """Whoever added the expense, its payers and the group's owner may edit or delete it. ``owner`` saves a
    query when the caller knows; prefetched payers are read without one."""
    payers = getattr(expense, "payer_rows", None)  # expense_rows' plain list, else the (prefetched) relation
    if expense.created_by_id == user.pk or any(p.user_id == user.pk for p in payers or expense.payers.all()):
        return True
    return owner if owner is not None else is_owner(group=expense.group, user=user)


def settlement_can_delete(*, settlement: Settlement, user: User, owner: bool | None = None) -> bool:
    """Whoever recorded the payment, its payer and the group's owner may delete it."""
    if user.pk in (settlement.created_by_id, settlement.payer_id):
        return True
    return owner if owner is not None else is_owner(group=settlement.group, user=user)


def settlement_list(*, group: Group) -> QuerySet[Settlement]:
    return group.settlements.select_related("payer", "payee").order_by("-date", "-id")


def activity_list(*, group: Group) -> QuerySet[GroupActivity]:
    return group.activity.select_related("actor").order_by("-created_at", "-id")


def invite_list(*, group: Group) -> QuerySet[Invite]:
    """Invitations not yet answered, expired ones included (the owner sends those again)."""
    return group.invites.filter(status=InviteStatus.PENDING).select_related("invited_by")


def invite_refusal(*, invite: Invite, user: User) -> str:
    """Why ``user`` may not answer the invitation, or "" when they may. Only the invited address answers."""
    if not invite.is_for(user):
        return (f"This invitation was sent to {invite.email_masked}, not to the address you are signed in with. "
                f"Sign in with that address to answer it.")
    return ""


# An invitation is read by someone not yet in its group, whose rows row security (core.rls) shows to members only:
# these reads find it across groups, by the invited address or the link's secret, and nothing else.


def invites_pending_for(*, user: User) -> list[Invite]:
    """Invitations waiting for ``user``'s address, newest first."""
    with row_security_as(bypass=True):
        return list(Invite.objects.filter(email__iexact=user.email, status=InviteStatus.PENDING,
                                          expires_at__gt=timezone.now())
                    .select_related("group", "invited_by").order_by("-created_at"))


def invite_for_user(*, user: User, pk: int) -> Invite:
    """An invitation sent to ``user``'s address; any other is a 404."""
    with row_security_as(bypass=True):
        invite = (Invite.objects.select_related("group", "invited_by")
                  .filter(pk=pk, email__iexact=user.email).exclude(email="").first())
    if invite is None:
        raise Http404("No such invitation.")
    return invite


def invite_by_token(*, token: str) -> Invite:
    with row_security_as(bypass=True):
        invite = (Invite.objects.select_related("group", "invited_by")
                  .filter(token_hash=invite_token_hash(token)).first())
    if invite is None:
        raise Http404("No such invitation.")
    return invite


def group_balances(*, group: Group) -> dict[int, int]:
    """What the group owes each person, in cents (negative: they owe). Four aggregate queries; sums to zero."""
    balances: dict[int, int] = defaultdict(int)
    for row in ExpensePayer.objects.filter(expense__group=group).values("user_id").annotate(s=Sum("paid_cents")):
        balances[row["user_id"]] += row["s"]
    for row in ExpenseShare.objects.filter(expense__group=group).values("user_id").annotate(s=Sum("owed_cents")):
        balances[row["user_id"]] -= row["s"]
    for row in group.settlements.values("payer_id").annotate(s=Sum("amount_cents")):
        balances[row["payer_id"]] += row["s"]
    for row in group.settlements.values("payee_id").annotate(s=Sum("amount_cents")):
        balances[row["payee_id"]] -= row["s"]
    return dict(balances)


@dataclass(frozen=True)
class Transfer:
    payer_id: int
    payee_id: int
    cents: int


def settle_up_plan(balances: dict[int, int]) -> list[Transfer]:
    """Who pays whom to bring every balance to zero.

    Debtors and creditors are each taken in user-id order and matched front to front, each transfer as
    large as the smaller of the two remaining amounts. That is at most (debtors + creditors - 1) <= n - 1
    transfers, and it is stable: laying the debts and the credits out on one line, each transfer is where
    a debtor's stretch overlaps a creditor's; recording any one suggested transfer removes that overlap
    from both sides alike, so the plan for the new balances is the old plan without it.
    """
    debtors = [[user, -cents] for user, cents in sorted(balances.items()) if cents < 0]
    creditors = [[user, cents] for user, cents in sorted(balances.items()) if cents > 0]
    plan: list[Transfer] = []
    d = c = 0
    while d < len(debtors) and c < len(creditors):
        amount = min(debtors[d][1], creditors[c][1])
        plan.append(Transfer(payer_id=debtors[d][0], payee_id=creditors[c][0], cents=amount))
        debtors[d][1] -= amount
        creditors[c][1] -= amount
        if debtors[d][1] == 0:
            d += 1
        if creditors[c][1] == 0:
            c += 1
    return plan


class GroupSummary(TypedDict):
    balances: list[dict[str, Any]]  # {"membership", "user", "cents"}
    plan: list[dict[str, Any]]  # {"payer", "payee", "cents"}


# A group's balances, and what its page reads from all its expenses, are kept in the cache under the group's
# version (below), at most this long.
KEPT_SECONDS = 10 * 60


def group_version(*, group: Group, memberships: list[Membership]) -> str:
    """A token that changes whenever a balance may: every expense and settlement written, changed or deleted logs
    an activity (groups.services), and a member leaving, or replaced by the Former member, changes the members."""
    latest = group.activity.order_by("-id").values_list("pk", flat=True).first()
    members = ",".join(f"{m.pk}:{m.user_id}:{m.left_at is None}" for m in memberships)
    return f"{latest}:{hashlib.sha256(members.encode()).hexdigest()[:16]}"


def group_balances_kept(*, group: Group, memberships: list[Membership], version: str | None = None) -> dict[int, int]:
    """group_balances, kept under the group's version: summing 70,000 shares through row security on every
    visit of a big group's page took most of its time; the version costs one indexed query."""
    version = version or group_version(group=group, memberships=memberships)
    key = f"groups:balances:{group.pk}:{version}"
    balances: dict[int, int] | None = cache.get(key)
    if balances is None:
        balances = group_balances(group=group)
        cache.set(key, balances, KEPT_SECONDS)
    return balances


class ExpenseFacts(TypedDict):
    count: int  # how many expenses the group has
    category_ids: list[int]  # the categories they use


def expense_facts_kept(*, group: Group, version: str) -> ExpenseFacts:
    """How many expenses the group has and which categories they use, kept under the group's version (from
    group_version): the page's pages and its category filter, without counting and collecting 10,000 expenses
    through row security on every visit."""
    key = f"groups:expense-facts:{group.pk}:{version}"
    facts: ExpenseFacts | None = cache.get(key)
    if facts is None:
        facts = {"count": group.expenses.count(),
                 "category_ids": sorted(set(group.expenses.exclude(category=None)
                                            .values_list("category_id", flat=True).distinct()))}
        cache.set(key, facts, KEPT_SECONDS)
    return facts


def group_summary(*, group: Group, memberships: list[Membership] | None = None,
                  version: str | None = None) -> GroupSummary:
    """Balances per member (with the people) and the settle-up plan; three queries when the balances are kept,
    seven when not, whatever the group's size; one fewer given ``memberships`` (member_list with the former
    members), which the group's page has read already."""
    if memberships is None:
        memberships = member_list(group=group, include_former=True)
    balances = group_balances_kept(group=group, memberships=memberships, version=version)
    people = {m.user_id: m for m in memberships}
    rows = [{"membership": m, "user": m.user, "cents": balances.get(uid, 0)}
            for uid, m in sorted(people.items()) if m.left_at is None or balances.get(uid, 0)]
    plan = settle_up_plan(balances)
    return {"balances": rows, "plan": [{"payer": people[t.payer_id].user, "payee": people[t.payee_id].user,
                                        "cents": t.cents} for t in plan]}


class GroupStats(TypedDict):
    by_member: dict[str, dict[int, int]]  # month ("2026-01") -> user id -> cents
    by_category: dict[str, dict[str, int]]  # month -> category name -> cents


def group_stats(*, group: Group) -> GroupStats:
    """Spending per member (their shares) and per category, by month, for the group dashboard."""
    by_member: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for row in (ExpenseShare.objects.filter(expense__group=group)
                .values("expense__date__year", "expense__date__month", "user_id").annotate(s=Sum("owed_cents"))):
        by_member[f"{row['expense__date__year']}-{row['expense__date__month']:02d}"][row["user_id"]] += row["s"]
    by_category: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in (group.expenses.values("date__year", "date__month", "category__name")
                .annotate(s=Sum("total_cents"))):
        key = f"{row['date__year']}-{row['date__month']:02d}"
        by_category[key][row["category__name"] or "Uncategorized"] += row["s"]
    return {"by_member": {k: dict(v) for k, v in sorted(by_member.items())},
            "by_category": {k: dict(v) for k, v in sorted(by_category.items())}}
