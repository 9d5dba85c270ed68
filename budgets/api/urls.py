"""This app's API routes, included by config/api_router.py under /api/v1/."""

from rest_framework.routers import SimpleRouter

from budgets.api.views import BudgetViewSet

router = SimpleRouter()
router.register("budgets", BudgetViewSet, basename="budget")

urlpatterns = router.urls
