from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from privacy.deletion import FORMER_MEMBER, account_purge
from privacy.models import DataExport, DataImport, DeletionRequest


@admin.register(DataExport)
class DataExportAdmin(admin.ModelAdmin):
    """Staff see that an archive was asked for and how it went, never its content."""

    list_display = ("id", "owner", "status", "size_bytes", "created_at", "finished_at", "downloaded_at")
    list_filter = ("status",)
    fields = ("owner", "status", "size_bytes", "error", "created_at", "finished_at", "expires_at", "downloaded_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DataImport)
class DataImportAdmin(admin.ModelAdmin):
    """Staff see that an archive was brought in and how it went (rows per model, or the refusal), not its content."""

    list_display = ("id", "owner", "status", "size_bytes", "created_at", "finished_at")
    list_filter = ("status",)
    fields = ("owner", "status", "size_bytes", "counts", "skipped", "error", "created_at", "finished_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DeletionRequest)
class DeletionRequestAdmin(admin.ModelAdmin):
    """Pending account deletions. "Delete now" removes an account at once, through the same purge as the job
    (audited with the staff member as actor), after a confirmation page."""

    list_display = ("user", "requested_at", "purge_after")
    search_fields = ("user__email",)
    fields = ("user", "requested_at", "purge_after")
    readonly_fields = fields
    actions = ["delete_now"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # removing the row would cancel without a trace; the person cancels, or staff delete now

    def has_purge_permission(self, request):
        return request.user.is_superuser or request.user.has_perm("privacy.delete_deletionrequest")

    @admin.action(description="Delete these accounts now, with everything they own", permissions=["purge"])
    def delete_now(self, request: HttpRequest, queryset: QuerySet[DeletionRequest]) -> HttpResponse | None:
        pending = list(queryset.select_related("user"))
        if request.POST.get("confirm") != "yes":
            return TemplateResponse(request, "admin/privacy/deletionrequest/delete_now.html", {
                **self.admin_site.each_context(request), "title": "Delete these accounts now?",
                "pending": pending, "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME, "former_member": FORMER_MEMBER,
            })
        purged = 0
        for item in pending:
            if item.user_id == request.user.pk:
                self.message_user(request, "Your own account is deleted from its Your data page, not here.",
                                  messages.WARNING)
                continue
            try:
                if account_purge(user_id=item.user_id, actor=request.user, force=True) is not None:
                    purged += 1
            except ValidationError as error:  # Stripe unreachable to end a paid plan: the account stays for now
                self.message_user(request, f"{item.user}: not deleted. {' '.join(error.messages)}", messages.WARNING)
        self.message_user(request, f"Deleted {purged} account{'s' if purged != 1 else ''} and everything "
                                   f"{'they' if purged != 1 else 'it'} owned.", messages.SUCCESS)
        return None
