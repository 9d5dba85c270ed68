"""The user admin with the staff's bulk actions: change the role, delete accounts now (through privacy's account
deletion), beside accounts' own activate, deactivate, export and two-factor reset; and a link to each person's
activity. Registered here, over accounts' UserAdmin, so accounts never imports the apps above it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from accounts.admin import UserAdmin
from accounts.models import Role, User
from accounts.services import role_grant
from audit.models import AuditAction
from audit.services import audit_record
from billing.models import Plan
from billing.services import subscription_plan_set
from privacy.deletion import FORMER_MEMBER, account_purge


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices, label="New role",
                             help_text="User: the app only. Staff: also the admin and the staff pages. "
                                       "Admin: everything, including plans and roles.")


class PlanForm(forms.Form):
    plan = forms.ModelChoiceField(queryset=Plan.objects.all(), required=False, empty_label="No plan (the free one)",
                                  help_text="A paid Stripe subscription moves to the new plan's price from now on; "
                                            "anyone else is given the plan without payment.")


def bulk_record(*, request: HttpRequest, action: str, users: list[User], **changes: Any) -> None:
    """One entry for the bulk action as a whole (each person's own entry is written by the service)."""
    audit_record(action=AuditAction.ADMIN_BULK_ACTION, actor=request.user,
                 changes={"action": action, "users": len(users), "user_ids": [user.pk for user in users],
                          **changes})


class StaffUserAdmin(UserAdmin):
    actions = [*UserAdmin.actions, "change_role", "change_plan", "delete_accounts"]
    readonly_fields = [*UserAdmin.readonly_fields, "activity_link"]
    fieldsets = [*UserAdmin.fieldsets, ("Activity", {"fields": ["activity_link"]})]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        # Django's own "delete selected" would bypass the account deletion (files, groups' Former member).
        actions.pop("delete_selected", None)
        if not settings.BILLING_ENABLED:  # everyone may use everything: no plan to change
            actions.pop("change_plan", None)
        return actions

    def has_role_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_purge_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser or request.user.has_perm("privacy.delete_deletionrequest"))

    @admin.display(description="Activity")
    def activity_link(self, user: User) -> str:
        if not user.pk:
            return ""
        return format_html('<a href="{}">What this person did, and the jobs run for them</a>',
                           reverse("staff:activity", args=[user.pk]))

    def _confirm(self, request: HttpRequest, *, action: str, title: str, users: list[User], text: str,
                 form: forms.Form | None = None, button: str) -> TemplateResponse:
        return TemplateResponse(request, "admin/staff/confirm_action.html", {
            **self.admin_site.each_context(request), "title": title, "users": users, "text": text, "form": form,
            "action": action, "button": button, "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        })

    @admin.action(description="Change the role of selected users", permissions=["role"])
    def change_role(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        users = list(queryset.order_by("email"))
        form = RoleForm(request.POST if request.POST.get("confirm") == "yes" else None)
        if not form.is_bound or not form.is_valid():
            return self._confirm(request, action="change_role", title="Change the role", users=users, form=form,
                                 text="Each person's change is written to the audit log and to their security "
                                      "log. Your own role is left as it is.", button="Change the role")
        role = Role(form.cleaned_data["role"])
        changed = [user for user in users if user.pk != request.user.pk and user.role != role]
        for user in changed:
            role_grant(user=user, role=role, by=request.user)  # type: ignore[arg-type]
        bulk_record(request=request, action="change role", users=changed, role=role.value)
        skipped = len(users) - len(changed)
        self.message_user(request, f"{len(changed)} user(s) are now {role.label}"
                                   f"{f'; {skipped} left as they were (yourself, or already {role.label})' if skipped else ''}.",
                          messages.SUCCESS)
        return None

    @admin.action(description="Change the plan of selected users", permissions=["role"])
    def change_plan(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        users = list(queryset.order_by("email"))
        form = PlanForm(request.POST if request.POST.get("confirm") == "yes" else None)
        if not form.is_bound or not form.is_valid():
            return self._confirm(request, action="change_plan", title="Change the plan", users=users, form=form,
                                 text="Each person is told by email, and the change is written to the audit log "
                                      "and to their security log.", button="Change the plan")
        plan = form.cleaned_data["plan"]
        changed: list[User] = []
        for user in users:
            try:
                subscription_plan_set(user=user, plan=plan, actor=request.user)  # type: ignore[arg-type]
            except ValidationError as error:
                self.message_user(request, f"{user.email}: {' '.join(error.messages)} The others before it were "
                                           "changed; nothing after it was.", messages.ERROR)
                break
            changed.append(user)
        bulk_record(request=request, action="change plan", users=changed, plan=plan.slug if plan else None)
        self.message_user(request, f"{len(changed)} user(s) now on {plan.name if plan else 'no plan'}.",
                          messages.SUCCESS if len(changed) == len(users) else messages.WARNING)
        return None

    @admin.action(description="Delete selected accounts now, with everything they own", permissions=["purge"])
    def delete_accounts(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        users = list(queryset.exclude(pk=request.user.pk).filter(former_member__isnull=True).order_by("email"))
        if request.POST.get("confirm") != "yes":
            return self._confirm(
                request, action="delete_accounts", title="Delete these accounts now?", users=users,
                text=f"These accounts are removed now, without a grace period, with every transaction, receipt, "
                     f"file and setting they own, through the same deletion as a person's own request. In groups "
                     f"their past expenses stay, named “{FORMER_MEMBER}”. The audit log records that you did it. "
                     f"Your own account is never among them. This cannot be undone.",
                button="Yes, delete these accounts now")
        purged: list[User] = []
        for user in users:
            try:
                if account_purge(user_id=user.pk, actor=request.user, force=True) is not None:  # type: ignore[arg-type]
                    purged.append(user)
            except ValidationError as error:  # Stripe unreachable to end a paid plan: the account stays for now
                self.message_user(request, f"{user.email}: not deleted. {' '.join(error.messages)}", messages.WARNING)
        bulk_record(request=request, action="delete accounts", users=purged)
        self.message_user(request, f"Deleted {len(purged)} account(s) and everything they owned.", messages.SUCCESS)
        return None


admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)
