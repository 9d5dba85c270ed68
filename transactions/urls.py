from django.urls import path

from transactions.views import accounts, categories, exports, ledger, rules

app_name = "transactions"

urlpatterns = [
    path("transactions/", ledger.TransactionListView.as_view(), name="list"),
    path("transactions/new/", ledger.TransactionCreateView.as_view(), name="create"),
    path("transactions/bulk/", ledger.TransactionBulkView.as_view(), name="bulk"),
    path("transactions/summary/", ledger.HomeSummaryView.as_view(), name="home_summary"),
    path("transactions/exports/", exports.ExportListView.as_view(), name="exports"),
    path("transactions/exports/<id:pk>/", exports.ExportDetailView.as_view(), name="export"),
    path("transactions/exports/<id:pk>/status/", exports.ExportStatusView.as_view(), name="export_status"),
    path("transactions/exports/<id:pk>/download/", exports.ExportDownloadView.as_view(), name="export_download"),
    path("transactions/<id:pk>/", ledger.TransactionDetailView.as_view(), name="detail"),
    path("transactions/<id:pk>/row/", ledger.TransactionRowView.as_view(), name="row"),
    path("transactions/<id:pk>/edit/", ledger.TransactionEditView.as_view(), name="edit"),
    path("transactions/<id:pk>/delete/", ledger.TransactionDeleteView.as_view(), name="delete"),
    path("transactions/<id:pk>/always/", rules.RuleFromTransactionView.as_view(), name="rule_from_transaction"),
    path("money/accounts/", accounts.AccountListView.as_view(), name="accounts"),
    path("money/accounts/<id:pk>/edit/", accounts.AccountEditView.as_view(), name="account_edit"),
    path("money/accounts/<id:pk>/delete/", accounts.AccountDeleteView.as_view(), name="account_delete"),
    path("money/accounts/<id:pk>/adjust/", accounts.AccountAdjustView.as_view(), name="account_adjust"),
    path("categories/", categories.CategoryListView.as_view(), name="categories"),
    path("categories/<id:pk>/rename/", categories.CategoryRenameView.as_view(), name="category_rename"),
    path("categories/<id:pk>/hide/", categories.CategoryHideView.as_view(), name="category_hide"),
    path("categories/<id:pk>/merge/", categories.CategoryMergeView.as_view(), name="category_merge"),
    path("rules/", rules.RuleListView.as_view(), name="rules"),
    path("rules/new/", rules.RuleFormView.as_view(), name="rule_create"),
    path("rules/preview/", rules.RulePreviewView.as_view(), name="rule_preview"),
    path("rules/<id:pk>/edit/", rules.RuleFormView.as_view(), name="rule_edit"),
    path("rules/<id:pk>/delete/", rules.RuleDeleteView.as_view(), name="rule_delete"),
    path("rules/<id:pk>/apply/", rules.RuleApplyView.as_view(), name="rule_apply"),
    path("rules/<id:pk>/toggle/", rules.RuleToggleView.as_view(), name="rule_toggle"),
    path("rules/<id:pk>/move/", rules.RuleMoveView.as_view(), name="rule_move"),
]
