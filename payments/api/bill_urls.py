"""Bills API routes, spliced under /api/v1/ by payments/api/urls.py.

A SimpleRouter (no API root of its own, which would clash with the main router's). Ids are digits only
(``lookup_value_regex``), so bills/upcoming/ and bills/suggestions/... are never read as a bill id.
"""

from rest_framework.routers import SimpleRouter

from payments.api.views import BillViewSet

router = SimpleRouter()
router.register("bills", BillViewSet, basename="bill")

urlpatterns = [*router.urls]
