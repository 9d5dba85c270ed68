"""The one API under /api/v1/: each app's routes live in its <app>/api/urls.py and are gathered here.

No API root view: every path under /api/ answers JSON, and a client learns the routes from /api/schema/.
"""

from accounts.api import urls as accounts
from advisor.api import urls as advisor
from alerts.api import urls as alerts
from audit.api import urls as audit
from billing.api import urls as billing
from budgets.api import urls as budgets
from entries.api import urls as entries
from goals.api import urls as goals
from privacy.api import urls as privacy
from groups.api import urls as groups
from imports.api import urls as imports
from insights.api import urls as insights
from mlcore.api import urls as mlcore
from notifications.api import urls as notifications
from payments.api import urls as payments
from receipts.api import urls as receipts
from transactions.api import urls as transactions

app_name = "api"

urlpatterns = [
    *accounts.urlpatterns,
    *privacy.urlpatterns,
    *audit.urlpatterns,
    *entries.urlpatterns,  # before the ledger's transactions/<pk>/, which would take "parse" for an id
    *transactions.urlpatterns,
    *imports.urlpatterns,
    *mlcore.urlpatterns,
    *payments.urlpatterns,
    *billing.urlpatterns,
    *notifications.urlpatterns,
    *budgets.urlpatterns,
    *groups.urlpatterns,
    *alerts.urlpatterns,
    *insights.urlpatterns,
    *goals.urlpatterns,
    *advisor.urlpatterns,
    *receipts.urlpatterns,
]
