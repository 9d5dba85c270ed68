"""Bills API routes under /api/v1/: recurring payments and upcoming bills, and subscription suggestions.

A SimpleRouter (no API root of its own, which would clash with the main router's). Ids are digits only
(``lookup_value_regex``), so bills/upcoming/ and bills/suggestions/... are never read as a bill id.
Suggestion route names: bill-suggestion-list, -detail, -confirm, -dismiss, -restore, -refresh.
"""

from rest_framework.routers import SimpleRouter

from payments.api import views

router = SimpleRouter()
# Suggestions first: their prefix is longer than the bills'.
router.register("bills/suggestions", views.SuggestionViewSet, basename="bill-suggestion")
router.register("bills", views.BillViewSet, basename="bill")

urlpatterns = [*router.urls]
