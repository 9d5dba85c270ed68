from django.contrib import admin

from budgets.models import Budget


@admin.register(Budget)
class BudgetAdmin(admin.ModelAdmin):
    list_display = ["user", "month", "category", "amount", "currency", "rollover", "rolled_over", "source"]
    list_filter = ["month", "source", "rollover"]
    search_fields = ["user__email", "category__name"]
    list_select_related = ["user", "category", "category__parent"]
    raw_id_fields = ["user", "category"]
    date_hierarchy = "month"
    ordering = ["-month", "user__email"]
