from django.contrib import admin

from transactions.models import (
    Account,
    Category,
    ImportBatch,
    Rule,
    Tag,
    Transaction,
    TransactionExport,
    TransactionSplit,
)


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "kind", "currency", "opening_balance", "opening_date"]
    list_filter = ["kind", "currency"]
    search_fields = ["name", "owner__email"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "owner", "key"]
    list_filter = ["kind", ("owner", admin.EmptyFieldListFilter)]
    search_fields = ["name", "key", "owner__email"]
    list_select_related = ["owner", "parent"]
    raw_id_fields = ["owner", "parent"]
    filter_horizontal = []
    exclude = ["hidden_by"]


class SplitInline(admin.TabularInline):
    model = TransactionSplit
    extra = 0
    raw_id_fields = ["category"]


@admin.register(Transaction)
class TransactionAdmin(admin.ModelAdmin):
    list_display = ["date", "owner", "account", "amount", "currency", "merchant", "category", "category_source",
                    "source"]
    list_filter = ["source", "category_source", "needs_review", ("date", admin.DateFieldListFilter)]
    search_fields = ["description", "merchant", "owner__email"]
    list_select_related = ["owner", "account", "category", "category__parent"]
    raw_id_fields = ["owner", "account", "category", "import_batch"]
    date_hierarchy = "date"
    inlines = [SplitInline]
    show_full_result_count = False


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["filename", "owner", "account", "file_format", "status", "created_count", "duplicate_count",
                    "created_at"]
    list_filter = ["status", "file_format"]
    search_fields = ["filename", "owner__email"]
    list_select_related = ["owner", "account"]
    raw_id_fields = ["owner", "account"]


@admin.register(TransactionExport)
class TransactionExportAdmin(admin.ModelAdmin):
    list_display = ["pk", "owner", "status", "rows_written", "rows_total", "size_bytes", "created_at", "expires_at"]
    list_filter = ["status"]
    search_fields = ["owner__email"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
    readonly_fields = ["file_name"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "owner"]
    search_fields = ["name", "owner__email"]
    raw_id_fields = ["owner"]


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "position", "is_active", "match_field", "match_operator", "match_value",
                    "set_category"]
    list_filter = ["is_active", "match_operator"]
    search_fields = ["name", "match_value", "owner__email"]
    list_select_related = ["owner", "set_category", "set_category__parent"]
    raw_id_fields = ["owner", "account", "set_category"]
