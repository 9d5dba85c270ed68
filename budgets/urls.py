from django.urls import path

from budgets import views

app_name = "budgets"

urlpatterns = [
    path("budgets/", views.BudgetListView.as_view(), name="list"),
    path("budgets/add/", views.BudgetCreateView.as_view(), name="create"),
    path("budgets/history/", views.BudgetHistoryView.as_view(), name="history"),
    path("budgets/suggestions/accept/", views.SuggestionAcceptView.as_view(), name="suggestion_accept"),
    path("budgets/suggestions/accept-all/", views.SuggestionAcceptAllView.as_view(), name="suggestions_accept_all"),
    path("budgets/<id:pk>/edit/", views.BudgetEditView.as_view(), name="edit"),
    path("budgets/<id:pk>/delete/", views.BudgetDeleteView.as_view(), name="delete"),
]
