from django.urls import path

from transactions import rules_views, views

app_name = "transactions"

urlpatterns = [
    path("transactions/", views.TransactionListView.as_view(), name="list"),
    path("transactions/new/", views.TransactionCreateView.as_view(), name="create"),
    path("transactions/bulk/", views.TransactionBulkView.as_view(), name="bulk"),
    path("transactions/summary/", views.HomeSummaryView.as_view(), name="home_summary"),
    path("transactions/<id:pk>/", views.TransactionDetailView.as_view(), name="detail"),
    path("transactions/<id:pk>/row/", views.TransactionRowView.as_view(), name="row"),
    path("transactions/<id:pk>/edit/", views.TransactionEditView.as_view(), name="edit"),
    path("transactions/<id:pk>/delete/", views.TransactionDeleteView.as_view(), name="delete"),
    path("transactions/<id:pk>/always/", rules_views.RuleFromTransactionView.as_view(), name="rule_from_transaction"),
    path("money/accounts/", views.AccountListView.as_view(), name="accounts"),
    path("money/accounts/<id:pk>/edit/", views.AccountEditView.as_view(), name="account_edit"),
    path("money/accounts/<id:pk>/delete/", views.AccountDeleteView.as_view(), name="account_delete"),
    path("categories/", views.CategoryListView.as_view(), name="categories"),
    path("categories/<id:pk>/rename/", views.CategoryRenameView.as_view(), name="category_rename"),
    path("categories/<id:pk>/hide/", views.CategoryHideView.as_view(), name="category_hide"),
    path("categories/<id:pk>/merge/", views.CategoryMergeView.as_view(), name="category_merge"),
    path("rules/", rules_views.RuleListView.as_view(), name="rules"),
    path("rules/new/", rules_views.RuleFormView.as_view(), name="rule_create"),
    path("rules/preview/", rules_views.RulePreviewView.as_view(), name="rule_preview"),
    path("rules/<id:pk>/edit/", rules_views.RuleFormView.as_view(), name="rule_edit"),
    path("rules/<id:pk>/delete/", rules_views.RuleDeleteView.as_view(), name="rule_delete"),
    path("rules/<id:pk>/apply/", rules_views.RuleApplyView.as_view(), name="rule_apply"),
    path("rules/<id:pk>/toggle/", rules_views.RuleToggleView.as_view(), name="rule_toggle"),
    path("rules/<id:pk>/move/", rules_views.RuleMoveView.as_view(), name="rule_move"),
]
