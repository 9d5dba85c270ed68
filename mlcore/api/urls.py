"""The review queue's and the patterns' API routes, included by config/api_router.py under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from mlcore.api import views

router = SimpleRouter()
router.register("review", views.ReviewViewSet, basename="review")

urlpatterns = [
    *router.urls,
    path("patterns/", views.PatternsView.as_view(), name="patterns"),
]
