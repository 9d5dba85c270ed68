from django.contrib import admin

from groups.models import (
    ExpensePayer,
    ExpenseShare,
    Group,
    GroupActivity,
    GroupExpense,
    Invite,
    Membership,
    Settlement,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role", "joined_at", "left_at"]
    readonly_fields = ["joined_at"]
    raw_id_fields = ["user"]


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "currency", "created_by", "created_at"]
    list_filter = ["currency"]
    search_fields = ["name", "created_by__email", "memberships__user__email"]
    list_select_related = ["created_by"]
    raw_id_fields = ["created_by"]
    readonly_fields = ["created_at"]
    inlines = [MembershipInline]


class ExpensePayerInline(admin.TabularInline):
    model = ExpensePayer
    extra = 0
    fields = ["user", "paid_cents", "transaction"]
    raw_id_fields = ["user", "transaction"]


class ExpenseShareInline(admin.TabularInline):
    model = ExpenseShare
    extra = 0
    fields = ["user", "weight", "owed_cents"]
    raw_id_fields = ["user"]


@admin.register(GroupExpense)
class GroupExpenseAdmin(admin.ModelAdmin):
    # Payers and shares must keep summing to total_cents: editing here bypasses the split checks.
    list_display = ["description", "group", "date", "total_cents", "original_amount", "original_currency",
                    "split_mode", "created_by"]
    list_filter = ["split_mode", "original_currency", ("date", admin.DateFieldListFilter)]
    search_fields = ["description", "group__name"]
    list_select_related = ["group", "created_by"]
    raw_id_fields = ["group", "category", "created_by"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "date"
    inlines = [ExpensePayerInline, ExpenseShareInline]

    def has_delete_permission(self, request, obj=None):
        # Members delete expenses in the app, where the group's activity log keeps a line about it.
        return False


@admin.register(Settlement)
class SettlementAdmin(admin.ModelAdmin):
    list_display = ["group", "payer", "payee", "amount_cents", "date", "created_by"]
    search_fields = ["group__name", "payer__email", "payee__email", "note"]
    list_select_related = ["group", "payer", "payee", "created_by"]
    raw_id_fields = ["group", "payer", "payee", "created_by"]
    readonly_fields = ["created_at"]
    date_hierarchy = "date"

    def has_delete_permission(self, request, obj=None):
        # Members delete payments in the app, where the group's activity log keeps a line about it.
        return False


@admin.register(Invite)
class InviteAdmin(admin.ModelAdmin):
    list_display = ["email", "group", "status", "invited_by", "created_at", "expires_at", "answered_at"]
    list_filter = ["status"]
    search_fields = ["email", "group__name"]
    list_select_related = ["group", "invited_by"]
    raw_id_fields = ["group", "invited_by", "accepted_by"]
    readonly_fields = ["token_hash", "created_at", "answered_at"]


@admin.register(GroupActivity)
class GroupActivityAdmin(admin.ModelAdmin):
    """The members' log of what happened: read-only, so it keeps telling the truth."""

    list_display = ["summary", "group", "actor", "verb", "created_at"]
    list_filter = ["verb"]
    search_fields = ["summary", "group__name", "actor__email"]
    list_select_related = ["group", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
