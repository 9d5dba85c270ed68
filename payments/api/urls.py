"""Bills API routes under /api/v1/: recurring payments and upcoming bills, and subscription suggestions."""

from payments.api import bill_urls, suggestion_urls

urlpatterns = [*suggestion_urls.urlpatterns, *bill_urls.urlpatterns]
