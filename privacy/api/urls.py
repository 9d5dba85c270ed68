"""This app's API routes, included by config/api_router.py under /api/v1/."""

from rest_framework.routers import SimpleRouter

from privacy.api import views

router = SimpleRouter()
router.register("me/data-exports", views.DataExportViewSet, basename="data-exports")

urlpatterns = [*router.urls]
