from django.contrib import admin

from goals.models import Contribution, Goal, GoalAccount, GoalPlan, ReadinessReport, RiskProfile


class GoalAccountInline(admin.TabularInline):
    model = GoalAccount
    raw_id_fields = ["account"]
    extra = 0


class ContributionInline(admin.TabularInline):
    model = Contribution
    extra = 0


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "kind", "target_amount", "currency", "target_date", "priority", "updated_at"]
    list_filter = ["kind", "priority"]
    search_fields = ["user__email", "name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    inlines = [GoalAccountInline, ContributionInline]


class ComputedAdmin(admin.ModelAdmin):
    """What the worker stores: read here, never edited (the next refresh would overwrite it anyway)."""

    search_fields = ["user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(GoalPlan)
class GoalPlanAdmin(ComputedAdmin):
    list_display = ["user", "month", "reason", "computed_at"]
    list_filter = ["reason"]


@admin.register(ReadinessReport)
class ReadinessReportAdmin(ComputedAdmin):
    list_display = ["user", "score", "ready", "computed_at"]
    list_filter = ["ready"]


@admin.register(RiskProfile)
class RiskProfileAdmin(ComputedAdmin):
    list_display = ["user", "answered_at"]
