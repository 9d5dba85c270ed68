"""This app's API routes, included by config/api_router.py under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from notifications.api import views

# A SimpleRouter: the project's DefaultRouter already serves the API root.
router = SimpleRouter()
router.register("notifications", views.NotificationViewSet, basename="notification")

urlpatterns = [
    # Before the router's notifications/<id>/ routes (which only match digits, but be explicit about order).
    path("notifications/preferences/", views.PreferencesView.as_view(), name="notification-preferences"),
    *router.urls,
]
