"""This app's API routes, included by config/api_router.py under /api/v1/."""

from django.urls import path

from audit.api import views

urlpatterns = [
    path("me/security-log/", views.SecurityLogView.as_view(), name="me-security-log"),
]
