from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.health import healthz
from insights.views import HomeView

admin.site.site_header = "Finsight administration"
admin.site.site_title = "Finsight admin"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("accounts/", include("accounts.urls")),
    path("accounts/data/", include("privacy.urls")),
    path("accounts/", include("audit.urls")),
    path("", include("core.urls")),
    path("", include("imports.urls")),
    path("", include("entries.urls")),
    path("", include("transactions.urls")),
    path("", include("mlcore.urls")),
    path("", include("payments.urls")),
    path("billing/", include("billing.urls")),
    path("", include("notifications.urls")),
    path("", include("insights.urls")),
    path("", include("budgets.urls")),
    path("", include("groups.urls")),
    path("", include("alerts.urls")),
    path("", include("goals.urls")),
    path("", include("advisor.urls")),
    path("", include("receipts.urls")),
    path("admin/", admin.site.urls),
    path("staff/", include("staff.urls")),
    path("api/v1/", include("config.api_router")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The interactive docs are a page, so they live outside /api/, where everything answers JSON.
    path("docs/api/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("healthz", healthz, name="healthz"),
]


handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
