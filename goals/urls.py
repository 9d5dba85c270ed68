from django.urls import path

from goals import views

app_name = "goals"

urlpatterns = [
    path("goals/", views.GoalListView.as_view(), name="list"),
    path("goals/new/", views.GoalFormView.as_view(), name="create"),
    path("goals/what-if/", views.WhatIfView.as_view(), name="what_if"),
    path("goals/status/", views.PlanStatusView.as_view(), name="status"),
    path("goals/<id:pk>/", views.GoalDetailView.as_view(), name="detail"),
    path("goals/<id:pk>/edit/", views.GoalFormView.as_view(), name="edit"),
    path("goals/<id:pk>/delete/", views.GoalDeleteView.as_view(), name="delete"),
    path("goals/<id:pk>/contributions/", views.ContributionAddView.as_view(), name="contribution_add"),
    path("goals/<id:pk>/contributions/<id:contribution_pk>/delete/", views.ContributionDeleteView.as_view(),
         name="contribution_delete"),
    path("readiness/", views.ReadinessView.as_view(), name="readiness"),
]
