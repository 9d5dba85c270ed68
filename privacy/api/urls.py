"""This app's API routes, included by config/api_router.py under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from privacy.api import deletion, views

router = SimpleRouter()
router.register("me/data-exports", views.DataExportViewSet, basename="data-exports")
router.register("me/data-imports", views.DataImportViewSet, basename="data-imports")

urlpatterns = [*router.urls, path("me/deletion/", deletion.DeletionView.as_view(), name="deletion")]
