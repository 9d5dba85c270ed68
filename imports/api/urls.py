"""The imports API's routes, included by config/api_router.py under /api/v1/."""

from rest_framework.routers import SimpleRouter

from imports.api import views

router = SimpleRouter()
router.register("imports", views.ImportBatchViewSet, basename="import")

urlpatterns = [*router.urls]
