from __future__ import annotations

import csv

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import StreamingHttpResponse
from django.utils import timezone
from django_otp_webauthn.models import WebAuthnAttestation, WebAuthnCredential

from accounts import services, two_factor
from accounts.models import FinancialProfile, Role, User
from accounts.selectors import user_list
from audit.models import AuditAction
from audit.services import audit_record
from core.csv_safe import csv_cell


class _Echo:
    def write(self, value):
        return value


class RoleFilter(admin.SimpleListFilter):
    title = "role"
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset & user_list(role=self.value())
        return queryset


class UserCreationForm(auth_forms.BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("A user with this email address already exists.")
        return email


class UserChangeForm(auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class FinancialProfileInline(admin.StackedInline):
    model = FinancialProfile
    can_delete = False
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ["-date_joined"]
    list_display = ["email", "display_name", "role_label", "is_active", "date_joined", "last_login"]
    list_filter = [RoleFilter, "is_active", ("date_joined", admin.DateFieldListFilter)]
    search_fields = ["email", "display_name"]
    readonly_fields = ["date_joined", "last_login", "two_factor_status"]
    inlines = [FinancialProfileInline]
    actions = ["activate_users", "deactivate_users", "export_users_csv", "reset_two_factor"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["display_name", "avatar"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Two-factor sign-in", {"fields": ["two_factor_status"],
                                "description": "Reset it with the action “Reset two-factor sign-in” in the list."}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    filter_horizontal = ["groups", "user_permissions"]

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200 and str(request.user.pk) != str(object_id):
            viewed = self.get_object(request, object_id)
            if viewed is not None:
                audit_record(action=AuditAction.STAFF_VIEW, actor=request.user, target=viewed)
        return response

    def save_model(self, request, obj, form, change):
        if change:  # what the record was, for the audit entry written once the related fields are saved
            stored = User.objects.get(pk=obj.pk)
            form.audit_before = {"email": stored.email, "role": stored.role.value}
        super().save_model(request, obj, form, change)
        if not change:
            FinancialProfile.objects.get_or_create(user=obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:  # after the groups and permissions are saved, so that the role read is the new one
            services.user_admin_change_record(user=form.instance, by=request.user,
                                              before=getattr(form, "audit_before", {}), changed=form.changed_data)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            audit_record(action=AuditAction.PASSWORD_CHANGE, actor=request.user, target=User.objects.get(pk=id),
                         changes={"by": "staff"})
        return response

    @admin.display(description="Role")
    def role_label(self, user: User) -> str:
        return user.role.label

    @admin.display(description="Two-factor sign-in")
    def two_factor_status(self, user: User) -> str:
        return two_factor.two_factor_summary(user=user) if user.pk else "Off"

    @admin.action(description="Reset two-factor sign-in (for someone who lost every device and code)",
                  permissions=["change"])
    def reset_two_factor(self, request, queryset):
        users = list(queryset)
        for user in users:
            two_factor.two_factor_reset(user=user, by=request.user)
        self.message_user(request, f"Two-factor sign-in reset for {len(users)} user(s): they sign in with their "
                                   "password alone until they set it up again.", messages.SUCCESS)

    @admin.action(description="Activate selected users", permissions=["change"])
    def activate_users(self, request, queryset):
        count = services.users_set_active(users=queryset, active=True, by=request.user)
        self.message_user(request, f"{count} user(s) activated.", messages.SUCCESS)

    @admin.action(description="Deactivate selected users", permissions=["change"])
    def deactivate_users(self, request, queryset):
        count = services.users_set_active(users=queryset.exclude(pk=request.user.pk), active=False,
                                           by=request.user)
        self.message_user(request, f"{count} user(s) deactivated (never yourself).", messages.SUCCESS)

    @admin.action(description="Export selected users as CSV", permissions=["view"])
    def export_users_csv(self, request, queryset):
        writer = csv.writer(_Echo())
        header = ["email", "display_name", "role", "is_active", "date_joined", "last_login",
                  "preferred_currency", "timezone"]

        def rows():
            yield writer.writerow(header)
            for user in queryset.select_related("financial_profile").order_by("pk").iterator(chunk_size=1000):
                profile = user.financial_profile
                yield writer.writerow([csv_cell(v) for v in (
                    user.email, user.display_name, user.role.value, user.is_active,
                    user.date_joined.isoformat(), user.last_login.isoformat() if user.last_login else "",
                    profile.preferred_currency, profile.timezone,
                )])

        audit_record(action=AuditAction.ADMIN_BULK_ACTION, actor=request.user,
                     changes={"action": "export users as CSV", "users": queryset.count()})
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="finsight-users-{stamp}.csv"'
        return response


# The devices' own admin pages would show their keys; staff see only the summary above. (AuthenticatorApp, whose
# key is the secret itself, is never registered.)
for _model in (WebAuthnCredential, WebAuthnAttestation):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
