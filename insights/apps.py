from django.apps import AppConfig

from transactions.signals import ledger_changed


class InsightsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        from insights.tasks import on_ledger_changed

        ledger_changed.connect(on_ledger_changed, dispatch_uid="insights-refresh-after-a-change")
