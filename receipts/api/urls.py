"""This app's API routes, included by config/api_router.py under /api/v1/."""

from rest_framework.routers import SimpleRouter

from receipts.api import views

router = SimpleRouter()
router.register("receipts", views.ReceiptViewSet, basename="receipt")

urlpatterns = [*router.urls]
