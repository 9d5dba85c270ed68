"""Subscription suggestions API routes, spliced under /api/v1/ by payments/api/urls.py (before the bills routes).

A SimpleRouter (no API root of its own). Names: bill-suggestion-list, -detail, -confirm, -dismiss, -restore,
-refresh.
"""

from rest_framework.routers import SimpleRouter

from payments.api.suggestions import SuggestionViewSet

router = SimpleRouter()
router.register("bills/suggestions", SuggestionViewSet, basename="bill-suggestion")

urlpatterns = [*router.urls]
