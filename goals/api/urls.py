"""This app's API routes, included by config/api_router.py under /api/v1/.

Ids are digits only, so goals/plan/ and goals/what-if/ are never read as a goal's id; a goal's contributions
carry its id as ``goal_pk``.
"""

from django.urls import path
from rest_framework.routers import SimpleRouter

from goals.api import views

router = SimpleRouter()
router.register("goals", views.GoalViewSet, basename="goal")
router.register(f"{views.GOAL_ROUTE}/contributions", views.ContributionViewSet, basename="goal-contribution")

urlpatterns = [
    *router.urls,
    path("readiness/", views.ReadinessView.as_view(), name="readiness"),
    path("readiness/questionnaire/", views.QuestionnaireView.as_view(), name="readiness-questionnaire"),
]
