"""The review queue's API routes, included by config/api_router.py under /api/v1/."""

from rest_framework.routers import SimpleRouter

from mlcore.api import views

router = SimpleRouter()
router.register("review", views.ReviewViewSet, basename="review")

urlpatterns = [*router.urls]
