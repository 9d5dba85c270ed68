"""The shared-expense pages: the group list, a group's page (expenses, balances, settle-up plan, activity,
members), the expense form, the invitation page and the group dashboard.

Reads go through groups.selectors with the signed-in user: a group you are not in is a 404. Writes go through
groups.services; their ValidationError messages are shown, a PermissionDenied (owner-only action) is a 403.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View

from accounts.models import User
from core.money import money_text
from core.pages import add_service_errors
from groups import selectors, services
from groups.forms import (
    ExpenseFilterForm,
    ExpenseForm,
    GroupCreateForm,
    GroupRenameForm,
    InviteForm,
    SettlementForm,
    expense_initial,
    linkable_transactions,
    member_name,
)
from groups.models import (
    ExpensePayer,
    ExpenseShare,
    Group,
    Invite,
    InviteStatus,
    Settlement,
    cents_to_decimal,
)
from transactions.models import Category
from transactions.selectors import category_picker_list

EXPENSE_NOT_YOURS = ("Only the person who added this expense, the people who paid it or the group's owner can "
                     "change or delete it.")
EXPENSES_PER_PAGE = 25
ACTIVITY_ON_PAGE = 20
ACTIVITY_PER_PAGE = 50


def local_today(user) -> dt.date:
    return user.financial_profile.local_today()


def forbidden(request, message: str):
    return render(request, "groups/forbidden.html", {"message": message}, status=403)


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def balance_text(cents: int, currency: str) -> str:
    amount = money_text(cents_to_decimal(abs(cents)), currency)
    if cents > 0:
        return f"you are owed {amount}"
    if cents < 0:
        return f"you owe {amount}"
    return "settled up"


def my_balances(*, user: User, groups: list[Group]) -> dict[int, int]:
    """The user's balance in each of their groups in four aggregate queries (group_balances is per group)."""
    balances: dict[int, int] = defaultdict(int)
    ids = [g.pk for g in groups]
    if not ids:
        return {}
    for row in (ExpensePayer.objects.filter(expense__group_id__in=ids, user=user)
                .values("expense__group_id").annotate(s=Sum("paid_cents"))):
        balances[row["expense__group_id"]] += row["s"]
    for row in (ExpenseShare.objects.filter(expense__group_id__in=ids, user=user)
                .values("expense__group_id").annotate(s=Sum("owed_cents"))):
        balances[row["expense__group_id"]] -= row["s"]
    for row in Settlement.objects.filter(group_id__in=ids, payer=user).values("group_id").annotate(s=Sum("amount_cents")):
        balances[row["group_id"]] += row["s"]
    for row in Settlement.objects.filter(group_id__in=ids, payee=user).values("group_id").annotate(s=Sum("amount_cents")):
        balances[row["group_id"]] -= row["s"]
    return dict(balances)


class GroupListView(LoginRequiredMixin, View):
    def render_page(self, request, form):
        groups = list(selectors.group_list(user=request.user))
        balances = my_balances(user=request.user, groups=groups)
        rows = [{"group": g, "cents": balances.get(g.pk, 0),
                 "text": balance_text(balances.get(g.pk, 0), g.currency)} for g in groups]
        return render(request, "groups/list.html", {"rows": rows, "form": form,
                                                    "invites": selectors.invites_pending_for(user=request.user)})

    def get(self, request):
        form = GroupCreateForm(initial={"currency": request.user.financial_profile.preferred_currency})
        return self.render_page(request, form)

    def post(self, request):
        form = GroupCreateForm(request.POST)
        if form.is_valid():
            try:
                group = services.group_create(user=request.user, name=form.cleaned_data["name"],
                                              currency=form.cleaned_data["currency"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Group “{group.name}” created. Invite the others from its page.")
                return redirect("groups:detail", pk=group.pk)
        return self.render_page(request, form)


class CountedPaginator(Paginator):
    """Pages of a list whose length is known already (a group's expenses, kept with its balances), instead of a
    count over every row on each visit."""

    def __init__(self, object_list: QuerySet, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


def group_page_context(request, group: Group) -> dict:
    user = request.user
    owner = selectors.is_owner(group=group, user=user)
    people = selectors.member_list(group=group, include_former=True)
    members = [m for m in people if m.left_at is None]
    version = selectors.group_version(group=group, memberships=people)
    facts = selectors.expense_facts_kept(group=group, version=version)
    categories = list(Category.objects.filter(pk__in=facts["category_ids"]).order_by("name"))
    filters_form = ExpenseFilterForm(request.GET or None, members=people, categories=categories)
    filters = filters_form.filters() if request.GET else {}
    expenses = selectors.expense_rows(group=group, **filters)
    filtered = any(filters.values()) if filters else False
    paginator = (Paginator(expenses, EXPENSES_PER_PAGE) if filtered
                 else CountedPaginator(expenses, EXPENSES_PER_PAGE, count=facts["count"]))
    page = paginator.get_page(request.GET.get("page"))
    names = selectors.expense_people_names(expenses=page, memberships=people)
    summary = selectors.group_summary(group=group, memberships=people, version=version)
    for row in summary["balances"]:
        row["amount"] = cents_to_decimal(abs(row["cents"]))
    for transfer in summary["plan"]:
        transfer["amount"] = cents_to_decimal(transfer["cents"])
    mine = next((row["cents"] for row in summary["balances"] if row["user"].pk == user.pk), 0)
    # Edit and Delete are offered only to those allowed to use them (the services refuse the others).
    for expense in page:
        expense.can_change = selectors.expense_can_change(expense=expense, user=user, owner=owner)
    settlements = list(selectors.settlement_list(group=group)[:20])
    for settlement in settlements:
        settlement.can_delete = selectors.settlement_can_delete(settlement=settlement, user=user, owner=owner)
    return {
        "group": group, "is_owner": owner, "members": members, "filters_form": filters_form,
        "filtered": filtered,
        "page": page, "names": names, "page_numbers": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        "balances": summary["balances"], "plan": summary["plan"], "my_balance": mine,
        "my_balance_text": balance_text(mine, group.currency),
        "settlements": settlements,
        "activity": list(selectors.activity_list(group=group)[:ACTIVITY_ON_PAGE]),
        "invites": list(selectors.invite_list(group=group)) if owner else [],
        "invite_form": InviteForm() if owner else None,
        "rename_form": GroupRenameForm(initial={"name": group.name}) if owner else None,
        "settlement_form": SettlementForm(members=members, initial={"date": local_today(user)}),
    }


class GroupDetailView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        group = selectors.group_get(user=request.user, pk=pk)
        return render(request, "groups/detail.html", group_page_context(request, group))


class GroupActivityView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        group = selectors.group_get(user=request.user, pk=pk)
        paginator = Paginator(selectors.activity_list(group=group), ACTIVITY_PER_PAGE)
        page = paginator.get_page(request.GET.get("page"))
        return render(request, "groups/activity.html", {
            "group": group, "page": page, "page_numbers": paginator.get_elided_page_range(page.number)})


class GroupRenameView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        group = selectors.group_get(user=request.user, pk=pk)
        form = GroupRenameForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Give the group a name (up to 100 characters).")
            return redirect("groups:detail", pk=group.pk)
        try:
            services.group_update(group=group, user=request.user, name=form.cleaned_data["name"])
        except PermissionDenied as error:
            return forbidden(request, str(error))
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, f"Group renamed to “{group.name}”.")
        return redirect("groups:detail", pk=group.pk)


class InviteCreateView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        group = selectors.group_get(user=request.user, pk=pk)
        email = (request.POST.get("email") or "").strip()
        try:
            invite = services.invite_create(group=group, inviter=request.user, email=email)
        except PermissionDenied as error:
            return forbidden(request, str(error))
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            until = timezone.localtime(invite.expires_at)
            messages.success(request, f"Invitation sent to {email}; its link works until {until:%-d %b %Y}.")
        return redirect(reverse("groups:detail", kwargs={"pk": group.pk}) + "#members")


class InviteRevokeView(LoginRequiredMixin, View):
    def post(self, request, pk: int, invite_pk: int):
        group = selectors.group_get(user=request.user, pk=pk)
        invite = group.invites.filter(pk=invite_pk).select_related("group").first()
        if invite is None:
            raise Http404("No such invitation.")
        try:
            services.invite_revoke(invite=invite, owner=request.user)
        except PermissionDenied as error:
            return forbidden(request, str(error))
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, f"Invitation to {invite.email} withdrawn.")
        return redirect(reverse("groups:detail", kwargs={"pk": group.pk}) + "#members")


class MemberRemoveView(LoginRequiredMixin, View):
    def post(self, request, pk: int, user_pk: int):
        group = selectors.group_get(user=request.user, pk=pk)
        membership = group.memberships.filter(user_id=user_pk).select_related("user").first()
        if membership is None:
            raise Http404("No such member.")
        try:
            services.member_remove(group=group, owner=request.user, member=membership.user)
        except PermissionDenied as error:
            return forbidden(request, str(error))
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, f"{member_name(membership.user)} was removed from the group.")
        return redirect(reverse("groups:detail", kwargs={"pk": group.pk}) + "#members")


class LeaveView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        group = selectors.group_get(user=request.user, pk=pk)
        try:
            services.member_leave(group=group, user=request.user)
        except ValidationError as error:
            messages.error(request, error_text(error))
            return redirect(reverse("groups:detail", kwargs={"pk": group.pk}) + "#members")
        messages.success(request, f"You left “{group.name}”.")
        return redirect("groups:list")


class SettleView(LoginRequiredMixin, View):
    """Record a payment between two members: a suggested transfer of the plan, or a custom (partial) one."""

    def post(self, request, pk: int):
        group = selectors.group_get(user=request.user, pk=pk)
        members = selectors.member_list(group=group, include_former=True)
        form = SettlementForm(request.POST, members=members)
        if not form.is_valid():
            problems = [f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}".lstrip(": ")
                        for f, e in form.errors.items()]
            messages.error(request, "The payment was not recorded. " + " ".join(problems))
            return redirect(reverse("groups:detail", kwargs={"pk": group.pk}) + "#settle-up")
        data = form.cleaned_data
        try:
            settlement = services.settlement_create(group=group, user=request.user, payer_id=data["payer"],
                                                    payee_id=data["payee"], amount=data["amount"],
                                                    on=data.get("date") or local_today(request.user))
        except ValidationError as error:
            messages.error(request, "The payment was not recorded. " + error_text(error))
        else:
            names = {m.user_id: member_name(m.user) for m in members}
            messages.success(request, f"Recorded: {names[settlement.payer_id]} paid {names[settlement.payee_id]} "
                                      f"{money_text(settlement.amount, group.currency)}.")
        return redirect(reverse("groups:detail", kwargs={"pk": group.pk}) + "#settle-up")


class SettlementDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk: int, settlement_pk: int):
        group = selectors.group_get(user=request.user, pk=pk)
        settlement = group.settlements.filter(pk=settlement_pk).select_related("group").first()
        if settlement is None:
            raise Http404("No such payment.")
        try:
            services.settlement_delete(settlement=settlement, user=request.user)
        except PermissionDenied as error:
            return forbidden(request, str(error))
        messages.success(request, f"Payment of {money_text(settlement.amount, group.currency)} deleted.")
        return redirect(reverse("groups:detail", kwargs={"pk": group.pk}) + "#settle-up")


class ExpenseFormView(LoginRequiredMixin, View):
    """Add (no expense_pk) or edit an expense of a group."""

    def objects(self, request, pk, expense_pk):
        group = selectors.group_get(user=request.user, pk=pk)
        expense = selectors.expense_get(group=group, pk=expense_pk) if expense_pk else None
        return group, expense

    def form(self, request, group, expense, data=None):
        members = selectors.member_list(group=group)
        categories = category_picker_list(user=request.user, keep=[expense.category if expense else None])
        transactions = None
        if expense is None:
            around = local_today(request.user)
            if data is not None:
                try:
                    around = dt.date.fromisoformat(data.get("date", ""))
                except ValueError:
                    pass
            transactions = linkable_transactions(user=request.user, around=around)
        if expense is not None:
            initial = expense_initial(expense, user=request.user, members=members)
        else:
            initial = {"date": local_today(request.user), "currency": group.currency}
        return ExpenseForm(data, initial=initial, user=request.user, group=group, members=members,
                           categories=categories, transactions=transactions)

    def respond(self, request, group, expense, form):
        return render(request, "groups/expense_form.html", {"group": group, "expense": expense, "form": form})

    def get(self, request, pk: int, expense_pk: int | None = None):
        group, expense = self.objects(request, pk, expense_pk)
        if expense is not None and not selectors.expense_can_change(expense=expense, user=request.user):
            return forbidden(request, EXPENSE_NOT_YOURS)
        return self.respond(request, group, expense, self.form(request, group, expense))

    def post(self, request, pk: int, expense_pk: int | None = None):
        group, expense = self.objects(request, pk, expense_pk)
        if expense is not None and not selectors.expense_can_change(expense=expense, user=request.user):
            return forbidden(request, EXPENSE_NOT_YOURS)
        form = self.form(request, group, expense, data=request.POST)
        if form.is_valid():
            try:
                if expense is None:
                    saved = services.expense_create(group=group, user=request.user, **form.service_data())
                else:
                    data = form.service_data()
                    data.pop("transaction_id", None)
                    saved = services.expense_update(expense=expense, user=request.user, **data)
            except ValidationError as error:
                self.add_errors(form, error)
            else:
                messages.success(request, self.saved_message(saved, group, added=expense is None))
                return redirect(reverse("groups:detail", kwargs={"pk": group.pk}) + f"#expense-{saved.pk}")
        return self.respond(request, group, expense, form)

    @staticmethod
    def add_errors(form, error: ValidationError) -> None:
        """Payers' and split errors belong to their sections of the form; the rest to their fields."""
        if hasattr(error, "error_dict"):
            for field, errors in error.message_dict.items():
                if field in ("payers", "shares"):
                    form.add_section_error(field, errors)
                else:
                    form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error.messages)

    @staticmethod
    def saved_message(expense, group, *, added: bool) -> str:
        verb = "added" if added else "saved"
        total = money_text(expense.total, group.currency)
        if expense.original_currency != group.currency:
            return (f"“{expense.description}” {verb}: {money_text(expense.original_amount, expense.original_currency)} "
                    f"is {total} at the ECB rate of {expense.date:%-d %b %Y} ({expense.fx_rate.normalize():f}).")
        return f"“{expense.description}” {verb} ({total})."


class ExpenseDeleteView(LoginRequiredMixin, View):
    def get(self, request, pk: int, expense_pk: int):
        group = selectors.group_get(user=request.user, pk=pk)
        expense = selectors.expense_get(group=group, pk=expense_pk)
        if not selectors.expense_can_change(expense=expense, user=request.user):
            return forbidden(request, EXPENSE_NOT_YOURS)
        return render(request, "groups/expense_confirm_delete.html", {"group": group, "expense": expense})

    def post(self, request, pk: int, expense_pk: int):
        group = selectors.group_get(user=request.user, pk=pk)
        expense = selectors.expense_get(group=group, pk=expense_pk)
        description = expense.description
        try:
            services.expense_delete(expense=expense, user=request.user)
        except PermissionDenied as error:
            return forbidden(request, str(error))
        messages.success(request, f"“{description}” deleted; the balances no longer count it.")
        return redirect("groups:detail", pk=group.pk)


class InviteAnswerView(View):
    """The link in an invitation. Anonymous: sign up (email filled in) and come back here to accept. Only the
    invited address may answer: another account sees whom it was for (masked) and no buttons."""

    def page(self, request, invite: Invite, *, refusal: str = "", status: int = 200):
        member = (request.user.is_authenticated
                  and Group.objects.for_member(request.user).filter(pk=invite.group_id).exists())
        refusal = "" if member else refusal
        return render(request, "groups/invite.html", {
            "invite": invite, "already_member": member, "expired": invite.is_expired(), "refusal": refusal},
            status=status if refusal else 200)

    def invite_get(self, request, **kwargs) -> Invite:
        return selectors.invite_by_token(token=kwargs["token"])

    def get(self, request, **kwargs):
        invite = self.invite_get(request, **kwargs)
        if not request.user.is_authenticated:
            if invite.status != InviteStatus.PENDING or invite.is_expired():
                return self.page(request, invite)
            query = urlencode({"email": invite.email, "next": request.path})
            return redirect(f"{reverse('accounts:signup')}?{query}")
        refusal = selectors.invite_refusal(invite=invite, user=request.user)
        return self.page(request, invite, refusal=refusal, status=403 if refusal else 200)

    def post(self, request, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.path})}")
        invite = self.invite_get(request, **kwargs)
        action = request.POST.get("action")
        try:
            if action == "accept":
                services.invite_accept(invite=invite, user=request.user)
                messages.success(request, f"You joined “{invite.group.name}”.")
                return redirect("groups:detail", pk=invite.group_id)
            if action == "decline":
                services.invite_decline(invite=invite, user=request.user)
                messages.info(request, f"You declined the invitation to “{invite.group.name}”.")
                return redirect("groups:list")
        except PermissionDenied as error:
            return self.page(request, invite, refusal=str(error), status=403)
        except ValidationError as error:
            messages.error(request, error_text(error))
            return redirect(request.path)
        messages.error(request, "Choose Accept or Decline.")
        return redirect(request.path)


class InviteAnswerMineView(LoginRequiredMixin, InviteAnswerView):
    """The same answer from the invitations on the groups page, by id: the link's secret is stored only as a hash,
    and the signed-in invited account needs none. Anyone else gets a 404."""

    def invite_get(self, request, **kwargs) -> Invite:
        return selectors.invite_for_user(user=request.user, pk=kwargs["pk"])


class DashboardView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        group = selectors.group_get(user=request.user, pk=pk)
        stats = selectors.group_stats(group=group)
        names = {m.user_id: member_name(m.user) for m in selectors.member_list(group=group, include_former=True)}
        months = sorted(set(stats["by_member"]) | set(stats["by_category"]))
        member_ids = sorted({uid for month in stats["by_member"].values() for uid in month},
                            key=lambda uid: names.get(uid, ""))
        categories = sorted({name for month in stats["by_category"].values() for name in month})

        def table(series: dict, keys: list) -> list[dict]:
            return [{"month": dt.date.fromisoformat(f"{month}-01"),
                     "cells": [cents_to_decimal(series.get(month, {}).get(k, 0)) for k in keys],
                     "total": cents_to_decimal(sum(series.get(month, {}).values()))} for month in months]

        member_totals = [cents_to_decimal(sum(stats["by_member"].get(m, {}).get(uid, 0) for m in months))
                         for uid in member_ids]
        category_totals = [cents_to_decimal(sum(stats["by_category"].get(m, {}).get(c, 0) for m in months))
                           for c in categories]
        labels = [f"{dt.date.fromisoformat(f'{m}-01'):%b %Y}" for m in months]
        chart = {
            "currency": group.currency, "labels": labels,
            "members": [{"label": names.get(uid, "Former member"),
                         "data": [str(cents_to_decimal(stats["by_member"].get(m, {}).get(uid, 0))) for m in months]}
                        for uid in member_ids],
            "categories": [{"label": c,
                            "data": [str(cents_to_decimal(stats["by_category"].get(m, {}).get(c, 0))) for m in months]}
                           for c in categories],
        }
        return render(request, "groups/dashboard.html", {
            "group": group, "has_data": bool(months), "chart": chart,
            "member_names": [names.get(uid, "Former member") for uid in member_ids],
            "member_rows": table(stats["by_member"], member_ids), "member_totals": member_totals,
            "category_names": categories, "category_rows": table(stats["by_category"], categories),
            "category_totals": category_totals, "total": cents_to_decimal(sum(
                sum(v.values()) for v in stats["by_category"].values())),
        })
