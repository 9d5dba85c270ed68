"""Subscription suggestions pages, spliced into payments/urls.py (app_name "payments")."""

from django.urls import path

from payments import suggestion_views as views

urlpatterns = [
    path("bills/suggestions/", views.SuggestionListView.as_view(), name="suggestions"),
    path("bills/suggestions/refresh/", views.SuggestionRefreshView.as_view(), name="suggestion_refresh"),
    path("bills/suggestions/<id:pk>/confirm/", views.SuggestionConfirmView.as_view(), name="suggestion_confirm"),
    path("bills/suggestions/<id:pk>/dismiss/", views.SuggestionDismissView.as_view(), name="suggestion_dismiss"),
    path("bills/suggestions/<id:pk>/restore/", views.SuggestionRestoreView.as_view(), name="suggestion_restore"),
]
